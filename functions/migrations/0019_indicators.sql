-- Issue #18's indicators beside the payment rate: how dossiers arrive (online, at the counter,
-- by public post) per agency × procedure × month, the citizen's 1–5 rating with its reasons, and
-- each unit's own yearly targets.

-- The postal item number (số hiệu bưu gửi) of a dossier that came by public post (VNPost's
-- "dịch vụ bưu chính công ích"); NULL for every other channel.
ALTER TABLE dossiers ADD COLUMN postal_item TEXT;

-- Intake counters, like payment_counters (0006): whole months of a period are read from here,
-- the partial months at its edges from the dossiers through dossiers_intake below. Written only
-- by dossier/store.rs::count_intake_stmt in the same D1 batch that inserts the submitted dossier
-- (online submission, walk-in or postal intake at the desk), with the month computed by
-- motcua_domain::dashboard::intake_month — so they cannot drift from the dossiers.
CREATE TABLE intake_counters (
  agency_code TEXT NOT NULL, procedure_code TEXT NOT NULL,
  month TEXT NOT NULL,            -- YYYY-MM, Vietnamese calendar (UTC+7) of dossiers.submitted_at
  online INTEGER NOT NULL DEFAULT 0, counter INTEGER NOT NULL DEFAULT 0, post INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agency_code, procedure_code, month)) WITHOUT ROWID;
CREATE INDEX intake_counters_by_month ON intake_counters(month, agency_code, online, counter, post);

-- Partial months: submitted dossiers by submission instant (covering).
CREATE INDEX dossiers_intake ON dossiers(submitted_at, agency_code, channel, procedure_code) WHERE submitted_at IS NOT NULL AND status != 'draft';

-- Backfill from the dossiers already there (the same rule: the Vietnamese month of submitted_at;
-- stored instants are RFC 3339 UTC, so '+7 hours' gives the local month).
INSERT INTO intake_counters (agency_code, procedure_code, month, online, counter, post)
SELECT agency_code, procedure_code, strftime('%Y-%m', submitted_at, '+7 hours'),
       SUM(channel = 'online'), SUM(channel = 'counter'), SUM(channel = 'post')
FROM dossiers WHERE submitted_at IS NOT NULL AND status != 'draft' AND strftime('%Y-%m', submitted_at, '+7 hours') IS NOT NULL
GROUP BY 1, 2, 3;

-- Ratings 1–5 with reasons (codes of motcua_domain::national::portal::RATING_REASONS). The
-- portal's three levels stay in `rating` (what DongBoDanhGia sends), derived from the score by
-- portal::level_of_score; existing rows get the score their level stands for.
ALTER TABLE dossier_ratings ADD COLUMN score INTEGER CHECK (score BETWEEN 1 AND 5);
ALTER TABLE dossier_ratings ADD COLUMN reasons_json TEXT NOT NULL DEFAULT '[]';
UPDATE dossier_ratings SET score = CASE rating WHEN 'rat_hai_long' THEN 5 WHEN 'hai_long' THEN 4 ELSE 2 END WHERE score IS NULL;
CREATE INDEX dossier_ratings_by_time ON dossier_ratings(created_at);

-- Each unit's own targets for a year (seed 002: "chỉ tiêu được giao"). A unit without a row, or
-- with NULL for an indicator, inherits its nearest ancestor's for that year, else the default
-- (motcua_domain::targets). Written by dashboard/targets.rs only, conditional on `version`.
CREATE TABLE agency_targets (
  agency_code TEXT NOT NULL, year INTEGER NOT NULL,
  online_payment_rate TEXT,       -- percent as a decimal string, e.g. "30" or "32.5"; NULL = inherit
  online_submission_rate TEXT,
  set_by TEXT NOT NULL, set_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (agency_code, year));
