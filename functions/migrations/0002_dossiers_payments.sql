-- Dossiers with their status history, fee notices, and the money records: payment attempts, an
-- append-only ledger of everything that happened to them, settlements (exactly one per fee
-- notice, enforced by the primary key), receipts and refunds.

CREATE TABLE dossiers (
  id               TEXT PRIMARY KEY,
  code             TEXT UNIQUE,                -- national dossier code (Thông tư 01/2018/TT-VPCP)
  agency_code      TEXT NOT NULL REFERENCES agencies(code),
  procedure_code   TEXT NOT NULL REFERENCES procedures(code),
  owner_citizen_id TEXT REFERENCES citizens(id), -- NULL for a walk-in without an account
  channel          TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'post')),
  status           TEXT NOT NULL,
  has_fees         INTEGER NOT NULL,
  applicant_json   TEXT NOT NULL,
  inputs_json      TEXT NOT NULL DEFAULT '{}',
  submitted_at     TEXT,
  deadline         TEXT,                       -- ISO date, working days counted by the domain
  paid_online      INTEGER,                    -- NULL until settled; 1 online, 0 at the counter
  paid_at          TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX dossiers_owner ON dossiers(owner_citizen_id, created_at);
CREATE INDEX dossiers_agency_status ON dossiers(agency_code, status, updated_at);

CREATE TABLE dossier_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  dossier_id  TEXT NOT NULL REFERENCES dossiers(id),
  at          TEXT NOT NULL,
  actor_role  TEXT NOT NULL,                   -- citizen | officer | system
  actor_id    TEXT,
  action      TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  reason      TEXT
);
CREATE INDEX dossier_events_by_dossier ON dossier_events(dossier_id, id);

CREATE TABLE fee_notices (
  id          TEXT PRIMARY KEY,
  dossier_id  TEXT NOT NULL REFERENCES dossiers(id),
  agency_code TEXT NOT NULL,
  total       INTEGER NOT NULL CHECK (total >= 0),
  lines_json  TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open', 'settled', 'cancelled')),
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX fee_notices_by_dossier ON fee_notices(dossier_id);

CREATE TABLE payments (
  id           TEXT PRIMARY KEY,
  reference    TEXT NOT NULL UNIQUE,           -- our order id, sent to the provider
  notice_id    TEXT NOT NULL REFERENCES fee_notices(id),
  dossier_id   TEXT NOT NULL REFERENCES dossiers(id),
  agency_code  TEXT NOT NULL,
  provider     TEXT NOT NULL,
  amount       INTEGER NOT NULL CHECK (amount > 0),
  state        TEXT NOT NULL,                  -- motcua_domain::payment::State
  provider_txn TEXT,
  started_by   TEXT NOT NULL,                  -- citizen:<id> | staff:<id>
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  refunded     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payments_pending ON payments(state, created_at);
CREATE INDEX payments_by_dossier ON payments(dossier_id);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE payment_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  payment_id TEXT NOT NULL REFERENCES payments(id),
  at         TEXT NOT NULL,
  kind       TEXT NOT NULL,                    -- created | redirected | callback | query | settled | ...
  detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX payment_events_by_payment ON payment_events(payment_id, id);
CREATE TRIGGER payment_events_append_only_update BEFORE UPDATE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
CREATE TRIGGER payment_events_append_only_delete BEFORE DELETE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;

-- Exactly one settlement per fee notice: concurrent duplicate callbacks, retries and the
-- reconciliation query all race for this primary key, and only one wins.
CREATE TABLE settlements (
  notice_id    TEXT PRIMARY KEY REFERENCES fee_notices(id),
  payment_id   TEXT NOT NULL UNIQUE REFERENCES payments(id),
  provider     TEXT NOT NULL,
  provider_txn TEXT NOT NULL,
  amount       INTEGER NOT NULL,
  online       INTEGER NOT NULL,
  settled_by   TEXT NOT NULL,                  -- callback | query | counter
  settled_at   TEXT NOT NULL
);

CREATE TABLE receipts (
  number       TEXT PRIMARY KEY,               -- <agency>/<year>/<seq>, gap-free per agency and year
  agency_code  TEXT NOT NULL,
  year         INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  payment_id   TEXT NOT NULL UNIQUE REFERENCES payments(id),
  dossier_id   TEXT NOT NULL REFERENCES dossiers(id),
  payer_name   TEXT NOT NULL,
  lines_json   TEXT NOT NULL,
  total        INTEGER NOT NULL,
  provider     TEXT NOT NULL,
  provider_txn TEXT NOT NULL,
  verify_code  TEXT NOT NULL UNIQUE,
  issued_at    TEXT NOT NULL,
  UNIQUE (agency_code, year, seq)
);

CREATE TABLE refunds (
  id          TEXT PRIMARY KEY,
  payment_id  TEXT NOT NULL REFERENCES payments(id),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  reason      TEXT NOT NULL,
  status      TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- Development only: what the local provider sandbox (SANDBOX=1) remembers of the transactions
-- it "processed", so that it can answer query calls like the real provider.
CREATE TABLE sandbox_transactions (
  provider   TEXT NOT NULL,
  reference  TEXT NOT NULL,
  result     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (provider, reference)
);
