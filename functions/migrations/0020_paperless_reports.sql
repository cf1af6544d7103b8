-- Issue 18: paperless days with assisted filing, and reports upward.

-- An agency's paperless rule (motcua_domain::paperless::PaperlessRule as JSON: procedures,
-- ISO weekdays, extra dates, exception dates). One row per agency; written only through the
-- guard below on the version the admin's change was decided from (0 = no row yet).
CREATE TABLE paperless_rules (
  agency_code TEXT PRIMARY KEY REFERENCES agencies(code),
  rule_json   TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  updated_by  TEXT NOT NULL REFERENCES staff(id),
  updated_at  TEXT NOT NULL
);

-- Assisted filing: the short code an officer's QR carries (?ho-tro=CODE). The code is random
-- and stored, so only the server can say whose it is; it grants nothing but the attribution
-- of one agency's online dossier of one procedure, until it expires.
CREATE TABLE assist_codes (
  code           TEXT PRIMARY KEY,
  staff_id       TEXT NOT NULL REFERENCES staff(id),
  agency_code    TEXT NOT NULL REFERENCES agencies(code),
  procedure_code TEXT NOT NULL REFERENCES procedures(code),
  expires_at     INTEGER NOT NULL,            -- unix seconds
  created_at     TEXT NOT NULL
);
CREATE INDEX assist_codes_by_expiry ON assist_codes(expires_at);

-- The officer who helped a citizen file this online dossier (channel stays 'online').
ALTER TABLE dossiers ADD COLUMN assisted_by TEXT REFERENCES staff(id);

-- Reports upward (motcua_domain::staff_report): open → answered → closed.
CREATE TABLE staff_reports (
  id             TEXT PRIMARY KEY,
  agency_code    TEXT NOT NULL REFERENCES agencies(code),
  procedure_code TEXT REFERENCES procedures(code),
  kind           TEXT NOT NULL CHECK (kind IN ('wrong_fee', 'wrong_procedure_info', 'difficulty', 'system_error')),
  text           TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
  created_by     TEXT NOT NULL REFERENCES staff(id),
  created_at     TEXT NOT NULL,
  answer         TEXT,
  answered_by    TEXT REFERENCES staff(id),
  answered_at    TEXT,
  closed_by      TEXT REFERENCES staff(id),
  closed_at      TEXT,
  version        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX staff_reports_by_sender ON staff_reports(created_by, created_at);
CREATE INDEX staff_reports_by_agency ON staff_reports(agency_code, status, created_at);
