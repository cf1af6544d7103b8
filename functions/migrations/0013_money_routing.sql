-- Money to the right account: each agency's beneficiary accounts by purpose (phí to its own
-- collection account, lệ phí to the State Treasury with the budget classification), its own
-- merchant credentials per provider (sealed), the routing each payment was opened with, refunds
-- paid by hand under four eyes, settlement-file reconciliation and legal receipts.

-- Law on Fees and Charges 97/2015 Đ12–13: lệ phí go in full to the state budget, phí to the
-- collecting agency (which may keep an approved share). `phi` is the agency's collection account,
-- `le_phi` the treasury's account ("tài khoản lệ phí chờ nộp ngân sách" or the NSNN revenue
-- account, NĐ 120/2016 Đ3 as amended by NĐ 82/2023) with chương and tiểu mục per fee line.
CREATE TABLE agency_accounts (
  agency_code    TEXT NOT NULL REFERENCES agencies(code),
  purpose        TEXT NOT NULL CHECK (purpose IN ('phi', 'le_phi')),
  holder_name    TEXT NOT NULL,              -- who is owed: the agency, or "Kho bạc Nhà nước ..."
  treasury_code  TEXT,                       -- mã KBNN (lệ phí)
  bank_bin       TEXT NOT NULL,
  account_number TEXT NOT NULL,
  account_name   TEXT NOT NULL,
  chapter        TEXT,                       -- chương of the budget classification (MLNS)
  budget_items   TEXT NOT NULL DEFAULT '{}', -- JSON {fee line code | "phi" | "le_phi": tiểu mục}
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (agency_code, purpose)
);
CREATE INDEX agency_accounts_by_number ON agency_accounts(account_number);
INSERT INTO agency_accounts (agency_code, purpose, holder_name, bank_bin, account_number, account_name, updated_at)
  SELECT agency_code, 'phi', account_name, bank_bin, account_number, account_name, '2026-12-06T00:00:00Z'
  FROM bank_accounts GROUP BY agency_code;
DROP TABLE bank_accounts;

-- An agency's own merchant at a provider. The secrets are sealed with AES-GCM under a key-
-- encryption key held as a Worker secret (`key_id` names it, for rotation); `masked_json` is
-- what an admin sees back. `merchant_id` (TmnCode, partnerCode, app_id) is public.
CREATE TABLE gateway_credentials (
  agency_code TEXT NOT NULL REFERENCES agencies(code),
  provider    TEXT NOT NULL CHECK (provider IN ('vnpay', 'momo', 'zalopay', 'paygov', 'vietqr')),
  merchant_id TEXT NOT NULL,
  masked_json TEXT NOT NULL,
  sealed      TEXT NOT NULL,
  key_id      TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT NOT NULL,
  PRIMARY KEY (agency_code, provider)
);
CREATE INDEX gateway_credentials_by_merchant ON gateway_credentials(provider, merchant_id);

-- Whose credentials opened the attempt (NULL: the deployment's), so that its callback, query
-- and refund use the same merchant; and each line with the beneficiary it is owed to.
ALTER TABLE payments ADD COLUMN merchant_agency TEXT;
ALTER TABLE payments ADD COLUMN routing_json TEXT;
-- The national platform's own receipt (GET_BILL's answer), fetched once after settlement.
ALTER TABLE payments ADD COLUMN platform_bill TEXT;

-- A refund the provider cannot make (bank transfer, the national platform) is paid by hand:
-- requested → approved by another officer → paid with the transfer reference, or rejected.
ALTER TABLE refunds ADD COLUMN decided_by TEXT;
ALTER TABLE refunds ADD COLUMN decided_at TEXT;
ALTER TABLE refunds ADD COLUMN decision_note TEXT;
ALTER TABLE refunds ADD COLUMN transfer_ref TEXT;
ALTER TABLE refunds ADD COLUMN paid_at TEXT;

-- A provider's daily settlement file (or a bank statement) and what matching it found.
CREATE TABLE settlement_imports (
  id          TEXT PRIMARY KEY,
  provider    TEXT NOT NULL,
  agency_code TEXT NOT NULL,
  day         TEXT NOT NULL,                 -- YYYY-MM-DD, Vietnamese time
  file_sha256 TEXT NOT NULL,
  rows        INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (provider, agency_code, day, file_sha256)
);

CREATE TABLE settlement_findings (
  id            TEXT PRIMARY KEY,            -- sha256 of provider|agency|day|kind|reference|txn: a re-import adds nothing
  import_id     TEXT NOT NULL REFERENCES settlement_imports(id),
  provider      TEXT NOT NULL,
  agency_code   TEXT NOT NULL,
  day           TEXT NOT NULL,
  kind          TEXT NOT NULL,               -- matched | missing_from_ledger | missing_from_file | amount_mismatch | duplicate
  reference     TEXT NOT NULL,
  provider_txn  TEXT NOT NULL,
  file_amount   INTEGER,
  ledger_amount INTEGER,
  payment_id    TEXT,
  line          INTEGER,
  resolved_by   TEXT,
  resolved_at   TEXT,
  resolution    TEXT
);
CREATE INDEX settlement_findings_open ON settlement_findings(agency_code, resolved_at, kind);

-- The daily report of differences still open (one row per Vietnamese day, written by the cron).
CREATE TABLE settlement_reports (
  day        TEXT PRIMARY KEY,
  open_count INTEGER NOT NULL,
  by_agency  TEXT NOT NULL,                  -- JSON {agency_code: open differences}
  created_at TEXT NOT NULL
);

-- Legal receipts (NĐ 254/2026 Đ23.2): the collector's tax code and receipt series, and each
-- receipt's legal record (motcua_domain::receipt::LegalReceipt).
ALTER TABLE agencies ADD COLUMN tax_code TEXT;
ALTER TABLE agencies ADD COLUMN receipt_form_symbol TEXT;
ALTER TABLE agencies ADD COLUMN receipt_symbol TEXT;
ALTER TABLE receipts ADD COLUMN legal_json TEXT;
