-- Scans a citizen uploads (R2 `SCANS`, key `scans/<citizen>/<id>`): owner, size and the type
-- found in the file's first bytes. `dossier_id` is set once, when a submitted dossier attaches
-- the upload; an upload attached to one dossier can never be attached to another.

CREATE TABLE uploads (
  id               TEXT PRIMARY KEY,
  owner_citizen_id TEXT NOT NULL REFERENCES citizens(id),
  dossier_id       TEXT REFERENCES dossiers(id),
  position         INTEGER,                    -- order in the dossier's form
  file_name        TEXT NOT NULL,
  content_type     TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size             INTEGER NOT NULL CHECK (size > 0),
  r2_key           TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX uploads_owner ON uploads(owner_citizen_id, created_at);
CREATE INDEX uploads_dossier ON uploads(dossier_id, position);
