-- The one-stop desk: the audit log of every staff action, the searchable text of a dossier
-- (the applicant is JSON), the result files the desk attaches, and the documents ticked when a
-- dossier was received.

-- Append-only: who did what, when, with the record before and after (JSON). Written in the same
-- D1 batch as the change it describes, so a refused or failed change leaves no audit row and an
-- applied one always has its row.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  username    TEXT NOT NULL,
  action      TEXT NOT NULL,             -- receive | fee_notice | counter_payment | agency.update ...
  entity      TEXT NOT NULL,             -- dossier | agency | procedure | fee_schedule | bank_account
  entity_id   TEXT NOT NULL,
  before_json TEXT NOT NULL DEFAULT 'null',
  after_json  TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX audit_log_by_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_by_staff ON audit_log(staff_id, id);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Folded (lower case, no diacritics) code, applicant name, phone and citizen ID, written with
-- the dossier (motcua_domain::desk::search_text). Rows from before this migration get a plain
-- lower-cased version.
ALTER TABLE dossiers ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET search_text = lower(
  coalesce(code, '') || ' ' || coalesce(json_extract(applicant_json, '$.full_name'), '') || ' ' ||
  coalesce(json_extract(applicant_json, '$.phone'), '') || ' ' || coalesce(json_extract(applicant_json, '$.id_number'), ''));
-- The documents ticked on reception (JSON list).
ALTER TABLE dossiers ADD COLUMN received_documents TEXT;
CREATE INDEX dossiers_agency_deadline ON dossiers(agency_code, deadline);

-- Digitized results the desk attached (bytes in R2 `SCANS` under r2_key).
CREATE TABLE dossier_results (
  id           TEXT PRIMARY KEY,
  dossier_id   TEXT NOT NULL REFERENCES dossiers(id),
  name         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  r2_key       TEXT NOT NULL UNIQUE,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX dossier_results_by_dossier ON dossier_results(dossier_id, created_at);
