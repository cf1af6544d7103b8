-- Issue #17: remote signing. Each agency's account at the remote-signing provider that holds its
-- key (motcua never holds it): the holder id and, optionally, which of its certificates. Written
-- only by `PUT /api/admin/agencies/{code}/signing`, guarded by `version` (0 before the first row),
-- audited as `signing_account.put`. Read by functions/src/signing/provider.rs.
CREATE TABLE agency_signing_accounts (
  agency_code   TEXT PRIMARY KEY REFERENCES agencies(code),
  provider      TEXT NOT NULL,                -- vnpt_smartca
  user_id       TEXT NOT NULL,                -- the holder's id at the provider
  serial_number TEXT,                         -- lowercase hex; NULL: the first certificate listed
  updated_by    TEXT NOT NULL REFERENCES staff(id),
  updated_at    TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX agency_signing_accounts_user ON agency_signing_accounts(user_id);

-- Development only (the sandbox provider and its test CA, /sandbox/smartca/ and
-- /sandbox/ca.pem, SANDBOX=1): the root's key and certificate (one row), each holder's key and
-- certificate issued on first use, and the sign transactions it took. Keys are WebCrypto RSA-2048
-- private keys as JWK; certificates are base64 DER.
CREATE TABLE dev_signing_ca (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  private_jwk TEXT NOT NULL,
  cert_der    TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE dev_signing_keys (
  user_id     TEXT PRIMARY KEY,
  agency_code TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  cert_der    TEXT NOT NULL,
  serial_hex  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE dev_signing_transactions (
  transaction_id TEXT PRIMARY KEY,
  tran_code      TEXT NOT NULL UNIQUE,
  user_id        TEXT NOT NULL,
  doc_id         TEXT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('signed', 'waiting', 'rejected')),
  signature      TEXT,                        -- base64; NULL unless signed
  created_at     INTEGER NOT NULL
);
