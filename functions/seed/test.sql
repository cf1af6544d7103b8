-- Test-only staff accounts, loaded by scripts/serve-test.sh into the throw-away state of the API
-- tests (never by `make dev` or a deployment). Password MotCua@2026 like the demo accounts.
-- thu.khoa: for the lock-out test (it locks itself, so no other test may use it).
-- thu.totp: has a TOTP secret, the RFC 6238 test seed "12345678901234567890" in base32.
INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, totp_secret, created_at) VALUES ('stf-test-lock', 'thu.khoa', 'Tài khoản thử khóa', 'officer', 'pbkdf2-sha256$100000$+kxu2FF2qp/dLMjuhbWvRA==$+Jn1yW2vaEG1rRjgU82XKKhbGWSIgecxmsYv9I7UMmM=', NULL, '2026-01-01T00:00:00Z');
INSERT OR IGNORE INTO staff_scopes (staff_id, agency_code) VALUES ('stf-test-lock', '000.02.51.H23');
INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, totp_secret, created_at) VALUES ('stf-test-totp', 'thu.totp', 'Tài khoản thử TOTP', 'officer', 'pbkdf2-sha256$100000$5Ys8Da9jYwmTUveycCWtGA==$uLAls8Z29Gz6Kdm0QFiRqgUAv+Xge2QSCMW9eioFM04=', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '2026-01-01T00:00:00Z');
INSERT OR IGNORE INTO staff_scopes (staff_id, agency_code) VALUES ('stf-test-totp', '000.02.51.H23');
-- thu.dvcqg: an officer of xã Quang Phục, whose unit and procedure 2.001035 the national-catalog
-- tests map to the portal's codes (no other test uses them), to see a dossier synced under them.
INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, totp_secret, created_at) VALUES ('stf-test-dvcqg', 'thu.dvcqg', 'Tài khoản thử Cổng DVCQG', 'officer', 'pbkdf2-sha256$100000$LZWO/qELsEhhhdIHuSZEaQ==$qIf9/6aA2jw6NzFZ/HkMaiyMzMOg7K6uo9mHsEeG/dg=', NULL, '2026-01-01T00:00:00Z');
INSERT OR IGNORE INTO staff_scopes (staff_id, agency_code) VALUES ('stf-test-dvcqg', '000.08.51.H23');
