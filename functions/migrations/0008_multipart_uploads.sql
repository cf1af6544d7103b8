-- Large scans go up in parts (R2 multipart) so a dropped connection resumes instead of
-- restarting. A session lives here until it is completed (it then becomes a row of `uploads`
-- with the same id), aborted by its owner, or abandoned and aborted by the cron trigger.
-- `content_type` is found in part 1's first bytes; `etag` is R2's for each part received.

CREATE TABLE upload_sessions (
  id               TEXT PRIMARY KEY,
  owner_citizen_id TEXT NOT NULL REFERENCES citizens(id),
  file_name        TEXT NOT NULL,
  size             INTEGER NOT NULL CHECK (size > 0),
  part_size        INTEGER NOT NULL CHECK (part_size > 0),
  content_type     TEXT CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  r2_key           TEXT NOT NULL,
  r2_upload_id     TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX upload_sessions_created ON upload_sessions(created_at);

CREATE TABLE upload_session_parts (
  session_id TEXT NOT NULL REFERENCES upload_sessions(id) ON DELETE CASCADE,
  part       INTEGER NOT NULL CHECK (part >= 1),
  size       INTEGER NOT NULL,
  etag       TEXT NOT NULL,
  PRIMARY KEY (session_id, part)
);

-- The cron trigger deletes uploads never attached to a dossier once they are old enough.
CREATE INDEX uploads_unattached ON uploads(created_at) WHERE dossier_id IS NULL;
