-- Log-in: one-time codes for citizens, the guard that locks a number after wrong codes, server-side
-- sessions for citizens and staff, and the staff log-in audit. Times are unix seconds.
-- Never stored in clear: the code (HMAC-SHA256, see motcua_domain::auth::otp::code_hash), the
-- session token (SHA-256), the client address (SHA-256, only to count requests).

CREATE TABLE otp_codes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  phone       TEXT NOT NULL,             -- normalized 0xxxxxxxxx
  code_hash   TEXT NOT NULL,
  ip_hash     TEXT NOT NULL,             -- for the per-address rate limit
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0, -- wrong tries against this code
  consumed    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_codes_by_phone ON otp_codes(phone, created_at);
CREATE INDEX otp_codes_by_ip ON otp_codes(ip_hash, created_at);

-- Wrong codes in a row per number, and its lock (motcua_domain::auth::otp::Guard).
CREATE TABLE otp_guards (
  phone        TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,          -- SHA-256 of the cookie's token, hex
  kind        TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
  subject_id  TEXT NOT NULL,             -- citizens.id or staff.id
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_subject ON sessions(kind, subject_id);

-- Every staff log-in attempt: who, when, and how it ended (ok, bad_password, locked, totp ...).
CREATE TABLE staff_logins (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  staff_id    TEXT,                      -- NULL when the username is unknown
  username    TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  ip_hash     TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX staff_logins_by_staff ON staff_logins(staff_id, at);

-- The last TOTP step accepted, so a code is good only once.
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
