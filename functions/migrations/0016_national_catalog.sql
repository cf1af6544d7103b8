-- The national catalog (issue 15, item 3): fee lines mapped to the portal's fee list, and the
-- review list of what differs between the portal's catalog and ours (seed 000: "rà soát, kiểm tra
-- thông tin phí, lệ phí … theo các căn cứ pháp lý"). Agencies' and procedures' codes are mapped
-- by the columns migration 0014 added.

-- A fee line of our schedule (by its code, in every version) as the portal's MaPhiLePhi.
CREATE TABLE national_fee_codes (
  procedure_code TEXT NOT NULL REFERENCES procedures(code),
  line_code      TEXT NOT NULL,
  national_code  TEXT NOT NULL,
  PRIMARY KEY (procedure_code, line_code)
);

-- A pull walks the portal's codes in order, a page per call, so a big catalog never holds one
-- request past the Worker's limits; `cursor` is the last code looked at. At most one runs.
CREATE TABLE national_catalog_pulls (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at  TEXT NOT NULL,
  started_by  TEXT NOT NULL,
  cursor      TEXT NOT NULL DEFAULT '',
  processed   INTEGER NOT NULL DEFAULT 0,
  finished_at TEXT,
  version     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX national_catalog_one_running ON national_catalog_pulls ((finished_at IS NULL)) WHERE finished_at IS NULL;

-- One row per difference, identified across pulls by (procedure, kind, item): a resolved one
-- stays resolved while a later pull finds the same values, and opens again when they change.
CREATE TABLE national_catalog_differences (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  procedure       TEXT NOT NULL,              -- the portal's MaTTHC
  our_code        TEXT,                       -- our procedure, when we have it
  procedure_name  TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('name', 'processing_days', 'fee_amount', 'legal_basis_missing', 'only_national', 'only_ours')),
  item            TEXT NOT NULL DEFAULT '',   -- the fee (MaPhiLePhi) or legal basis (SOVANBAN) concerned
  ours            TEXT,
  national        TEXT,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'gone')),
  first_seen_at   TEXT NOT NULL,
  last_changed_at TEXT NOT NULL,
  resolved_by     TEXT,
  resolved_at     TEXT,
  note            TEXT,
  version         INTEGER NOT NULL DEFAULT 0,
  UNIQUE (procedure, kind, item)
);
CREATE INDEX national_catalog_differences_by_status ON national_catalog_differences(status, procedure);
