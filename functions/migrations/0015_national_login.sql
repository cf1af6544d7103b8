-- Log-in with the national public-service portal's account (OpenID Connect), issue #15.
--
-- 1. A citizen may now have no phone number: one who logged in with the national account whose
--    number another account already owns (the linking rule, README "Log-in with the national
--    account"). SQLite cannot drop a NOT NULL, so the table is rebuilt with the same rows; the
--    foreign keys of dossiers and uploads name the table, so they hold again after the rename
--    (checked at commit: defer_foreign_keys). Every account keeps a way in: a phone or a
--    national subject.
--    `national_sub`: the portal's `sub`; when set, `citizen_id` and `full_name` came from the
--    portal (verified) and the citizen cannot change them; `national_tech_id` its TechID. `profile_confirmed` 0: the profile
--    was filled from the portal and waits for the citizen to confirm it (`needs_profile`).
PRAGMA defer_foreign_keys = true;

CREATE TABLE citizens_new (
  id                TEXT PRIMARY KEY,
  phone             TEXT UNIQUE,               -- normalized 0xxxxxxxxx; NULL: national log-in only
  full_name         TEXT,
  citizen_id        TEXT,                      -- CCCD; never logged unmasked
  email             TEXT,
  address           TEXT,
  created_at        TEXT NOT NULL,
  national_sub      TEXT UNIQUE,
  national_tech_id  TEXT,                      -- the portal's TechID: the dossier sync's MaDoiTuong (FACTS §1)
  profile_confirmed INTEGER NOT NULL DEFAULT 1,
  CHECK (phone IS NOT NULL OR national_sub IS NOT NULL)
);
INSERT INTO citizens_new (id, phone, full_name, citizen_id, email, address, created_at)
  SELECT id, phone, full_name, citizen_id, email, address, created_at FROM citizens;
DROP TABLE citizens;
ALTER TABLE citizens_new RENAME TO citizens;
-- One account per verified identification number: the key a national log-in links by.
CREATE UNIQUE INDEX citizens_verified_id ON citizens(citizen_id) WHERE national_sub IS NOT NULL;

PRAGMA defer_foreign_keys = false;

-- A log-in started at the portal and not yet back: single use (the callback deletes it in the
-- statement that reads it), ten minutes at most. The state is kept as its SHA-256.
CREATE TABLE national_logins (
  state_hash  TEXT PRIMARY KEY,
  verifier    TEXT NOT NULL,                   -- PKCE code_verifier (never leaves the Worker but to the token endpoint)
  nonce       TEXT NOT NULL,
  return_path TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);

-- A session opened by the national account keeps its id_token for the provider's logout
-- (`id_token_hint`); it never leaves the server but in that redirect.
ALTER TABLE sessions ADD COLUMN id_token TEXT;

-- Development only (the sandbox provider, /sandbox/idp/, SANDBOX=1): its RSA signing key, made
-- once with WebCrypto and kept across restarts, and the codes and access tokens it issued.
CREATE TABLE dev_idp_keys (
  kid         TEXT PRIMARY KEY,
  private_jwk TEXT NOT NULL,
  public_jwk  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE dev_idp_codes (
  code_hash    TEXT PRIMARY KEY,
  client_id    TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  challenge    TEXT NOT NULL,
  nonce        TEXT NOT NULL,
  claims       TEXT NOT NULL,                  -- the identity's claims, JSON
  fault        TEXT NOT NULL DEFAULT '',
  expires_at   INTEGER NOT NULL,
  used         INTEGER NOT NULL DEFAULT 0,
  access_hash  TEXT UNIQUE
);
