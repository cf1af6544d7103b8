-- Roles and scopes that hold (issue 13): the national admin, audit rows scoped to an agency,
-- fee versions a province sets for itself, and the per-address count of wrong one-time codes.

-- The national admin (role `national`) owns the national catalog and sees every province. SQLite
-- cannot change a CHECK in place, so the table is rebuilt; staff_scopes refers to it, so its
-- rows are set aside while the old table is dropped, and put back.
CREATE TABLE staff_scopes_kept AS SELECT staff_id, agency_code FROM staff_scopes;
DELETE FROM staff_scopes;
CREATE TABLE staff_new (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('officer', 'leader', 'admin', 'national')),
  password_hash  TEXT NOT NULL,          -- pbkdf2-sha256$iterations$salt_b64$hash_b64
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  locked_until   TEXT,
  totp_secret    TEXT,
  created_at     TEXT NOT NULL,
  totp_last_step INTEGER
);
INSERT INTO staff_new (id, username, display_name, role, password_hash, failed_logins, locked_until, totp_secret, created_at, totp_last_step)
  SELECT id, username, display_name, role, password_hash, failed_logins, locked_until, totp_secret, created_at, totp_last_step FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
INSERT INTO staff_scopes (staff_id, agency_code) SELECT staff_id, agency_code FROM staff_scopes_kept;
DROP TABLE staff_scopes_kept;

-- The agency an audit row belongs to, so each admin reads only their subtree's rows. NULL for a
-- change of the national catalog (a procedure, a national fee version): the national admin's.
-- Written by functions/src/desk/audit.rs; rows from before are filled where the entity says it.
ALTER TABLE audit_log ADD COLUMN agency_code TEXT;
DROP TRIGGER audit_log_append_only_update;
UPDATE audit_log SET agency_code = CASE entity
  WHEN 'agency' THEN entity_id
  WHEN 'dossier' THEN (SELECT d.agency_code FROM dossiers d WHERE d.id = audit_log.entity_id)
  WHEN 'payment' THEN (SELECT p.agency_code FROM payments p WHERE p.id = audit_log.entity_id)
END;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX audit_log_by_agency ON audit_log(agency_code, id);

-- Fee versions one province sets for itself (HĐND tỉnh), beside the national versions in
-- fee_schedules.schedule_json. A quote for an agency of the province uses the province's own
-- version once one is in force, else the national one (motcua_domain::fee::for_province).
CREATE TABLE province_fee_versions (
  procedure_code TEXT NOT NULL REFERENCES procedures(code),
  province_code  TEXT NOT NULL REFERENCES agencies(code),
  effective_from TEXT NOT NULL,            -- YYYY-MM-DD
  version_json   TEXT NOT NULL,            -- motcua_domain::fee::FeeVersion
  added_at       TEXT NOT NULL,
  PRIMARY KEY (procedure_code, province_code, effective_from)
);

-- Wrong one-time codes entered per client address (hashed), for the per-address limit
-- (motcua_domain::auth::otp::VERIFY_PER_IP). A row is reserved before a code is compared and
-- removed again when the try was not a wrong code.
CREATE TABLE otp_verify_failures (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  ip_hash TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX otp_verify_failures_by_ip ON otp_verify_failures(ip_hash, at);
