-- Sync with the national public-service portal (Cổng DVCQG): every dossier event becomes one
-- message to the portal, kept here until the portal acknowledges it. Seed 001: "100% kết quả xử
-- lý hồ sơ … được đồng bộ đầy đủ"; seed 002 measures the 30 % target on the portal.

-- The portal's codes where they differ from ours: the unit code (MaDonVi / mã định danh) and the
-- national procedure code (MaTTHC). Empty means "the same as ours".
ALTER TABLE agencies ADD COLUMN national_code TEXT;
ALTER TABLE procedures ADD COLUMN national_code TEXT;

-- One row per message. `event_id` makes it one message per (dossier, event): a transition that
-- lost its race wrote no event and so no message, and a retry re-sends the same row. Rows of a
-- dossier are sent in `id` order, each only after the one before it was acknowledged.
CREATE TABLE national_sync (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL DEFAULT 'dossier' CHECK (kind IN ('dossier', 'rating')),
  event_id        INTEGER UNIQUE REFERENCES dossier_events(id),
  rating_id       TEXT UNIQUE,
  dossier_id      TEXT NOT NULL REFERENCES dossiers(id),
  agency_code     TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acknowledged', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_try_at     TEXT NOT NULL,              -- when a pending row may be sent; a sent row's claim expiry
  error_code      TEXT,                       -- the last failure: unreachable, server_error, refused, gave_up …
  last_error      TEXT,                       -- what the portal (or the network) said, for the operator
  payload         TEXT,                       -- the last body sent, without the session
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  acknowledged_at TEXT,
  updated_at      TEXT NOT NULL,
  version         INTEGER NOT NULL DEFAULT 0  -- every write is conditional on the version it read
);
CREATE INDEX national_sync_due ON national_sync(state, next_try_at);
CREATE INDEX national_sync_by_dossier ON national_sync(dossier_id, id);
CREATE INDEX national_sync_by_agency ON national_sync(agency_code, state);

-- Every event of a dossier, whichever handler wrote it, queues its message in the same
-- transaction: no transition can reach D1 without one.
CREATE TRIGGER dossier_events_to_national_sync AFTER INSERT ON dossier_events
BEGIN
  INSERT INTO national_sync (kind, event_id, dossier_id, agency_code, next_try_at, created_at, updated_at)
  SELECT 'dossier', NEW.id, NEW.dossier_id, d.agency_code, NEW.at, NEW.at, NEW.at FROM dossiers d WHERE d.id = NEW.dossier_id;
END;

-- The portal's log-in session (OpenCPS caches it in its database too), one row per account.
CREATE TABLE national_portal_session (
  account    TEXT PRIMARY KEY,
  session    TEXT NOT NULL,
  obtained_at TEXT NOT NULL
);

-- A citizen's satisfaction rating of a finished dossier (the portal's DongBoDanhGia), one per
-- dossier.
CREATE TABLE dossier_ratings (
  id          TEXT PRIMARY KEY,
  dossier_id  TEXT NOT NULL UNIQUE REFERENCES dossiers(id),
  citizen_id  TEXT NOT NULL,
  rating      TEXT NOT NULL CHECK (rating IN ('rat_hai_long', 'hai_long', 'chua_hai_long')),
  comment     TEXT,
  created_at  TEXT NOT NULL
);
CREATE TRIGGER dossier_ratings_to_national_sync AFTER INSERT ON dossier_ratings
BEGIN
  INSERT INTO national_sync (kind, rating_id, dossier_id, agency_code, next_try_at, created_at, updated_at)
  SELECT 'rating', NEW.id, NEW.dossier_id, d.agency_code, NEW.created_at, NEW.created_at, NEW.created_at
  FROM dossiers d WHERE d.id = NEW.dossier_id;
END;

-- Development only: what the national-portal sandbox received (GET /sandbox/dvcqg/received),
-- and how it has been told to behave.
CREATE TABLE dev_dvcqg_received (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  service     TEXT NOT NULL,
  dossier     TEXT NOT NULL,
  message_key TEXT NOT NULL UNIQUE,          -- a message received twice is recorded once
  body        TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX dev_dvcqg_received_by_dossier ON dev_dvcqg_received(dossier, id);
CREATE TABLE dev_dvcqg_control (
  matching  TEXT PRIMARY KEY,                 -- misbehave for messages containing this text ('' = every call)
  mode      TEXT NOT NULL,                    -- down | timeout | refuse
  remaining INTEGER,                          -- how many more calls behave so (NULL: until told otherwise)
  message   TEXT
);
