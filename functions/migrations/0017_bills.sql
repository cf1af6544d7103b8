-- Bills without a dossier (issue #16): land obligations, administrative fines, insurance and
-- anything an agency publishes a payment link for, paid through the same gateways, callbacks,
-- ledger, settlement and receipts as a dossier's fees.
--
-- A dossier's fee notice becomes one kind of bill (`procedure_fee`): `fee_notices` is rebuilt as
-- `bills`, and the tables that named a notice or required a dossier (payments, settlements,
-- receipts) are rebuilt around the bill, with the same rows. SQLite cannot drop a NOT NULL, so
-- each table is copied, dropped and renamed; the foreign keys of the tables left in place
-- (payment_events, refunds, callback_copies) name `payments` and hold again after the rename
-- (checked at commit: defer_foreign_keys), as in 0015.
PRAGMA defer_foreign_keys = true;

CREATE TABLE bills (
  id              TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('procedure_fee', 'land_obligation', 'fine', 'insurance', 'other')),
  code            TEXT UNIQUE,                 -- motcua_domain::bill::BillCode; a dossier's notice goes by the dossier's code
  dossier_id      TEXT REFERENCES dossiers(id),
  agency_code     TEXT NOT NULL,
  payer_name      TEXT,
  payer_id        TEXT,                        -- CCCD or tax code; never logged unmasked
  payer_phone     TEXT,
  document_number TEXT,                        -- the tax notice's or the fine decision's number
  document_json   TEXT,                        -- motcua_domain::bill::Document
  total           INTEGER NOT NULL CHECK (total >= 0),
  lines_json      TEXT NOT NULL,               -- [motcua_domain::fee::FeeLineAmount]
  due_date        TEXT,                        -- YYYY-MM-DD, Vietnamese calendar, the last day to pay
  status          TEXT NOT NULL CHECK (status IN ('open', 'paid', 'cancelled', 'expired')),
  cancel_reason   TEXT,
  closed_by       TEXT,                        -- staff:<id> | payment:<id> | cron
  closed_at       TEXT,
  link_slug       TEXT,                        -- the payment link it was made by
  version         INTEGER NOT NULL DEFAULT 0,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  CHECK ((kind = 'procedure_fee') = (dossier_id IS NOT NULL)),
  CHECK (kind = 'procedure_fee' OR (code IS NOT NULL AND payer_id IS NOT NULL AND due_date IS NOT NULL))
);
INSERT INTO bills (id, kind, dossier_id, agency_code, total, lines_json, status, created_by, created_at)
  SELECT id, 'procedure_fee', dossier_id, agency_code, total, lines_json,
         CASE status WHEN 'settled' THEN 'paid' ELSE status END, created_by, created_at
  FROM fee_notices;
CREATE INDEX bills_by_dossier ON bills(dossier_id) WHERE dossier_id IS NOT NULL;
CREATE INDEX bills_by_payer ON bills(payer_id, status) WHERE payer_id IS NOT NULL;
CREATE INDEX bills_by_agency ON bills(agency_code, kind, status, created_at);
CREATE INDEX bills_due ON bills(status, due_date) WHERE due_date IS NOT NULL;
-- One live bill per source document, payer and due date: a re-imported file adds nothing, and a
-- fine paid in instalments (one bill per instalment) differs by its due dates.
CREATE UNIQUE INDEX bills_one_per_document ON bills(agency_code, kind, document_number, payer_id, due_date)
  WHERE status != 'cancelled' AND kind != 'procedure_fee';

CREATE TABLE payments_new (
  id              TEXT PRIMARY KEY,
  reference       TEXT NOT NULL UNIQUE,
  bill_id         TEXT NOT NULL REFERENCES bills(id),
  dossier_id      TEXT REFERENCES dossiers(id), -- the bill's dossier, for a procedure fee
  agency_code     TEXT NOT NULL,
  provider        TEXT NOT NULL,
  amount          INTEGER NOT NULL CHECK (amount > 0),
  state           TEXT NOT NULL,
  provider_txn    TEXT,
  started_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  refunded        INTEGER NOT NULL DEFAULT 0,
  version         INTEGER NOT NULL DEFAULT 0,
  merchant_agency TEXT,
  routing_json    TEXT,
  platform_bill   TEXT
);
INSERT INTO payments_new (id, reference, bill_id, dossier_id, agency_code, provider, amount, state, provider_txn, started_by,
    created_at, expires_at, updated_at, refunded, version, merchant_agency, routing_json, platform_bill)
  SELECT id, reference, notice_id, dossier_id, agency_code, provider, amount, state, provider_txn, started_by,
    created_at, expires_at, updated_at, refunded, version, merchant_agency, routing_json, platform_bill
  FROM payments;

-- Exactly one settlement per bill, as there was one per fee notice.
CREATE TABLE settlements_new (
  bill_id      TEXT PRIMARY KEY REFERENCES bills(id),
  payment_id   TEXT NOT NULL UNIQUE REFERENCES payments(id),
  provider     TEXT NOT NULL,
  provider_txn TEXT NOT NULL,
  amount       INTEGER NOT NULL,
  online       INTEGER NOT NULL,
  settled_by   TEXT NOT NULL,
  settled_at   TEXT NOT NULL
);
INSERT INTO settlements_new SELECT notice_id, payment_id, provider, provider_txn, amount, online, settled_by, settled_at FROM settlements;

CREATE TABLE receipts_new (
  number       TEXT PRIMARY KEY,
  agency_code  TEXT NOT NULL,
  year         INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  payment_id   TEXT NOT NULL UNIQUE REFERENCES payments(id),
  bill_id      TEXT NOT NULL REFERENCES bills(id),
  dossier_id   TEXT REFERENCES dossiers(id),
  payer_name   TEXT NOT NULL,
  lines_json   TEXT NOT NULL,
  total        INTEGER NOT NULL,
  provider     TEXT NOT NULL,
  provider_txn TEXT NOT NULL,
  verify_code  TEXT NOT NULL UNIQUE,
  issued_at    TEXT NOT NULL,
  legal_json   TEXT,
  UNIQUE (agency_code, year, seq)
);
INSERT INTO receipts_new (number, agency_code, year, seq, payment_id, bill_id, dossier_id, payer_name, lines_json, total,
    provider, provider_txn, verify_code, issued_at, legal_json)
  SELECT r.number, r.agency_code, r.year, r.seq, r.payment_id, p.notice_id, r.dossier_id, r.payer_name, r.lines_json, r.total,
    r.provider, r.provider_txn, r.verify_code, r.issued_at, r.legal_json
  FROM receipts r JOIN payments p ON p.id = r.payment_id;

DROP TABLE settlements;
DROP TABLE receipts;
DROP TABLE payments;
DROP TABLE fee_notices;
ALTER TABLE payments_new RENAME TO payments;
ALTER TABLE settlements_new RENAME TO settlements;
ALTER TABLE receipts_new RENAME TO receipts;
CREATE INDEX payments_pending ON payments(state, created_at);
CREATE INDEX payments_by_dossier ON payments(dossier_id) WHERE dossier_id IS NOT NULL;
CREATE INDEX payments_by_bill ON payments(bill_id);
CREATE INDEX receipts_by_dossier ON receipts(dossier_id) WHERE dossier_id IS NOT NULL;
CREATE INDEX receipts_by_bill ON receipts(bill_id);

PRAGMA defer_foreign_keys = false;

-- Bills paid per agency, kind and month (online / otherwise), written in the settlement's own
-- batch like payment_counters: the dashboard's rates per kind and the land-obligation share
-- (seed 001 2.b: at least 50 % online) read these, never the bills.
CREATE TABLE bill_counters (
  agency_code TEXT NOT NULL,
  kind        TEXT NOT NULL,
  month       TEXT NOT NULL,                   -- YYYY-MM, Vietnamese calendar
  online      INTEGER NOT NULL DEFAULT 0,
  other       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agency_code, kind, month)
) WITHOUT ROWID;

-- Wrong bill look-ups per client address (code and payer that do not match): a window's worth
-- and the address is refused for a while, so nobody can walk the codes (bill::LOOKUP_MISSES_PER_IP).
CREATE TABLE bill_lookup_misses (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  ip_hash TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX bill_lookup_misses_by_ip ON bill_lookup_misses(ip_hash, at);

-- Payment links (GOV.UK Pay's model): an agency publishes `/nop-tien/<slug>` for a recurring
-- charge, a fixed amount or one the payer enters within a range, with a reference the payer
-- types; each payment through it makes a bill of kind `other`.
CREATE TABLE payment_links (
  slug          TEXT PRIMARY KEY,
  agency_code   TEXT NOT NULL REFERENCES agencies(code),
  title         TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  reference_label TEXT NOT NULL,               -- what the payer types ("Số hợp đồng", "Mã học sinh")
  amount        INTEGER,                       -- fixed amount, or NULL for a range
  min_amount    INTEGER,
  max_amount    INTEGER,
  line_name     TEXT NOT NULL,
  beneficiary   TEXT NOT NULL CHECK (beneficiary IN ('ngan_sach', 'co_quan')),
  budget_item   TEXT,
  active        INTEGER NOT NULL DEFAULT 1,
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  CHECK ((amount IS NOT NULL) OR (min_amount IS NOT NULL AND max_amount IS NOT NULL AND min_amount <= max_amount))
);
