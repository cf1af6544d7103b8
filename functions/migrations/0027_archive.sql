-- Archived months of a province's database (#20, docs/SCALE.md §5): a closed month's finished
-- dossiers and their rows go to R2 (domain::archive) and leave D1, which must stay under 10 GB.
-- What stays in D1 is what the product still reads without opening R2: the dashboard's counts
-- of the removed rows per agency, procedure and Vietnamese day (its periods have day edges), a
-- small index row per removed dossier for the citizen's list and detail, and the receipts' check
-- codes for /api/verify. All four are shard tables: each province archives its own months.

-- One run per province and month: requested by an administrator, advanced step by step (≤ 500
-- dossiers each) from `cursor`, the parts written so far kept for the month's manifest. Keyed by
-- the shard too: while a province has no database of its own, `DB` holds several provinces' runs.
CREATE TABLE archive_runs (
  shard        TEXT NOT NULL,
  month        TEXT NOT NULL,                 -- YYYY-MM, Vietnamese calendar
  state        TEXT NOT NULL CHECK (state IN ('requested', 'running', 'done', 'failed')),
  cursor       TEXT NOT NULL DEFAULT '',      -- the last dossier id archived (ids in order)
  steps        INTEGER NOT NULL DEFAULT 0,
  dossiers     INTEGER NOT NULL DEFAULT 0,    -- archived so far
  rows         INTEGER NOT NULL DEFAULT 0,    -- rows of every table removed so far
  skipped      INTEGER NOT NULL DEFAULT 0,    -- finished in the month but kept (an open payment or refund)
  parts_json   TEXT NOT NULL DEFAULT '[]',    -- [domain::archive::PartEntry] written so far
  manifest_key TEXT,                          -- set when the month is complete
  error        TEXT,
  requested_by TEXT NOT NULL,                 -- staff id
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  version      INTEGER NOT NULL DEFAULT 0,    -- every step is conditional on the version it read
  PRIMARY KEY (shard, month)
);

-- The dashboard's counts of archived rows (domain::archive::month::summarize): metric per
-- agency, procedure and day, `detail` for a metric with a further key (a rating's score and
-- reasons). Added to the live rows' counts for the same days, so a report is unchanged.
CREATE TABLE archive_summaries (
  metric         TEXT NOT NULL,
  day            TEXT NOT NULL,               -- YYYY-MM-DD, Vietnamese calendar
  agency_code    TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  detail         TEXT NOT NULL DEFAULT '',
  n              INTEGER NOT NULL CHECK (n > 0),
  PRIMARY KEY (metric, day, agency_code, procedure_code, detail)
) WITHOUT ROWID;

-- One row per archived dossier: the citizen's list, the detail's part, the dashboard's
-- last-dossier instant and portal-sync counts (which count dossiers, not days).
CREATE TABLE archived_dossiers (
  id                TEXT PRIMARY KEY,
  code              TEXT,
  owner_citizen_id  TEXT,
  agency_code       TEXT NOT NULL,
  procedure_code    TEXT NOT NULL,
  channel           TEXT NOT NULL,
  status            TEXT NOT NULL,            -- final: completed | rejected | withdrawn
  created_at        TEXT NOT NULL,
  submitted_at      TEXT,
  finished_at       TEXT NOT NULL,
  fee_total         INTEGER NOT NULL DEFAULT 0,
  month             TEXT NOT NULL,            -- the archived month (its run)
  part_key          TEXT NOT NULL,            -- R2 object holding the dossier's row
  sync_days         TEXT NOT NULL DEFAULT '[]', -- Vietnamese days with a message to the national portal
  sync_acknowledged INTEGER,                  -- the latest dossier message acknowledged; NULL: none
  archived_at       TEXT NOT NULL
);

CREATE INDEX archived_dossiers_owner ON archived_dossiers(owner_citizen_id, created_at);
CREATE INDEX archived_dossiers_agency_procedure ON archived_dossiers(agency_code, procedure_code, created_at);

-- An archived receipt still verifies (/api/verify) by its check code.
CREATE TABLE archived_receipts (
  verify_code TEXT PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,
  dossier_id  TEXT NOT NULL,
  agency_code TEXT NOT NULL,
  total       INTEGER NOT NULL,
  issued_at   TEXT NOT NULL,
  part_key    TEXT NOT NULL
) WITHOUT ROWID;
