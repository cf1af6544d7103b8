-- The catalog: agencies (a tree of any depth), the procedures they handle, their fee schedules,
-- beneficiary bank accounts, and the accounts of citizens and staff.

CREATE TABLE agencies (
  code        TEXT PRIMARY KEY,          -- agency identifier code, QCVN 102:2016/BTTTT form
  name        TEXT NOT NULL,
  level       TEXT NOT NULL,             -- province | district | commune | department ...
  parent_code TEXT REFERENCES agencies(code),
  unit_code   TEXT,                      -- GSO administrative-unit code of the area it serves
  name_folded TEXT NOT NULL,             -- lower case, without diacritics, for search
  sort_order  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agencies_parent ON agencies(parent_code);

CREATE TABLE procedures (
  code            TEXT PRIMARY KEY,      -- national base procedure code (mã TTHC), e.g. 2.000815
  name            TEXT NOT NULL,
  name_folded     TEXT NOT NULL,
  level           TEXT NOT NULL,         -- commune | district | province
  level_label     TEXT NOT NULL,         -- as the catalogue writes it
  processing_days INTEGER NOT NULL,
  documents       TEXT NOT NULL DEFAULT '[]',  -- JSON list of required documents
  legal_basis     TEXT NOT NULL DEFAULT '',
  fee_text        TEXT NOT NULL DEFAULT ''
);

-- Which agency handles which procedure, and whether online payment is wired for it there.
CREATE TABLE agency_procedures (
  agency_code     TEXT NOT NULL REFERENCES agencies(code),
  procedure_code  TEXT NOT NULL REFERENCES procedures(code),
  online_payment  INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (agency_code, procedure_code)
);
CREATE INDEX agency_procedures_by_procedure ON agency_procedures(procedure_code);

-- Versioned fee schedules as the domain's JSON (motcua_domain::fee).
CREATE TABLE fee_schedules (
  procedure_code TEXT PRIMARY KEY REFERENCES procedures(code),
  schedule_json  TEXT NOT NULL,
  has_fees       INTEGER NOT NULL
);

CREATE TABLE bank_accounts (
  agency_code    TEXT NOT NULL REFERENCES agencies(code),
  bank_bin       TEXT NOT NULL,
  account_number TEXT NOT NULL,
  account_name   TEXT NOT NULL,
  PRIMARY KEY (agency_code, bank_bin, account_number)
);

CREATE TABLE citizens (
  id          TEXT PRIMARY KEY,
  phone       TEXT NOT NULL UNIQUE,      -- normalized 0xxxxxxxxx
  full_name   TEXT,
  citizen_id  TEXT,                      -- CCCD; never logged unmasked
  email       TEXT,
  address     TEXT,
  created_at  TEXT NOT NULL
);

CREATE TABLE staff (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('officer', 'leader', 'admin')),
  password_hash TEXT NOT NULL,           -- pbkdf2-sha256$iterations$salt_b64$hash_b64
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  TEXT,
  totp_secret   TEXT,
  created_at    TEXT NOT NULL
);

-- An officer's agencies; a leader's or admin's root agency (they see its whole subtree).
CREATE TABLE staff_scopes (
  staff_id    TEXT NOT NULL REFERENCES staff(id),
  agency_code TEXT NOT NULL REFERENCES agencies(code),
  PRIMARY KEY (staff_id, agency_code)
);

-- Development only: what the sandbox SMS/e-mail adapter "sent" (shown at /dev/outbox).
CREATE TABLE dev_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  channel    TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
