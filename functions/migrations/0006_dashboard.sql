-- The leaders' dashboard: pre-aggregated monthly counters of fee-bearing dossiers paid online /
-- otherwise, historical counts imported from other systems, and the indexes the other
-- dashboard tables need.
--
-- Why counters (measured at 1.000.000 dossiers over 3 years, 71 agencies with procedures, see
-- README "Dashboard at provincial scale"): a year's rates per agency from the counters take
-- ~1 ms in SQLite (≈4.700 of 13.966 counter rows); the same from the dossiers through the
-- covering index dossiers_paid take ~144 ms (≈316.000 rows), three years ~536 ms — over the
-- 300 ms budget before the Worker adds anything. A partial month through the index: ~6 ms. The counters are written only by
-- payment/settle.rs::settle_once, in the same D1 batch as the settlement itself, with the month
-- computed by motcua_domain::dashboard::counted — so they cannot drift from the dossiers.
-- Partial months at a period's edges (e.g. 01/10–23/10/2023) are read from the dossiers through
-- dossiers_paid below.

CREATE TABLE payment_counters (
  agency_code    TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  month          TEXT NOT NULL,                -- YYYY-MM, Vietnamese calendar (UTC+7)
  online         INTEGER NOT NULL DEFAULT 0,   -- fees paid online (gateway, VietQR, national portal)
  other          INTEGER NOT NULL DEFAULT 0,   -- fees paid at the counter or otherwise
  PRIMARY KEY (agency_code, procedure_code, month)
) WITHOUT ROWID;
CREATE INDEX payment_counters_by_month ON payment_counters(month, agency_code, online, other);

-- Counts kept by other systems (earlier portals, the land registry), imported as CSV
-- (agency, period, online, other). A row counts toward a requested period that contains it.
CREATE TABLE imported_counts (
  agency_code TEXT NOT NULL,
  period      TEXT NOT NULL,                   -- canonical key: 2023 | 2023-Q4 | 2023-10 | 2023-01-01..2023-10-23
  from_date   TEXT NOT NULL,                   -- ISO date, Vietnamese calendar
  to_date     TEXT NOT NULL,
  online      INTEGER NOT NULL CHECK (online >= 0),
  other       INTEGER NOT NULL CHECK (other >= 0),
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  PRIMARY KEY (agency_code, period)
);

-- Partial months: settled fee-bearing dossiers by settlement instant (covering).
CREATE INDEX dossiers_paid ON dossiers(paid_at, agency_code, paid_online, procedure_code) WHERE paid_at IS NOT NULL AND has_fees = 1;
-- Procedures without dossiers: the latest dossier per agency and procedure is one index probe.
CREATE INDEX dossiers_agency_procedure ON dossiers(agency_code, procedure_code, created_at);
-- Overdue dossiers: open ones by deadline (the status list is motcua_domain::dashboard::NOT_OVERDUE_SQL).
CREATE INDEX dossiers_deadline ON dossiers(deadline, agency_code) WHERE deadline IS NOT NULL AND status NOT IN ('completed', 'returned', 'result_ready', 'rejected', 'withdrawn', 'draft');
