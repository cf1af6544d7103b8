-- Issue 17: digitized, signed and reusable documents.
--
-- Scans the desk attaches to a dossier at reception (walk-in or online; bytes in R2 `SCANS`
-- under r2_key), each with one of the procedure's documents as its type.
CREATE TABLE dossier_scans (
  id            TEXT PRIMARY KEY,
  dossier_id    TEXT NOT NULL REFERENCES dossiers(id),
  document_type TEXT NOT NULL,
  name          TEXT NOT NULL,
  content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size          INTEGER NOT NULL CHECK (size > 0),
  sha256        TEXT NOT NULL,
  r2_key        TEXT NOT NULL UNIQUE,
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX dossier_scans_by_dossier ON dossier_scans(dossier_id, created_at);

-- A result or an electronic certified copy signed with the agency's certificate (PAdES, by the
-- signing Worker and the remote-signing provider). The signed PDF is in R2 under r2_key; the
-- unsigned result stays where it was. `sha256` (of the signed file) and `code` (printed on its
-- verification page) are what anyone checks at /kiem-tra. A certified copy has its number in the
-- agency's electronic certification book: gapless per agency per year, because a number exists
-- only as the row of a signed copy (max + 1, unique; a race re-signs with the next).
CREATE TABLE signed_documents (
  id                   TEXT PRIMARY KEY,
  kind                 TEXT NOT NULL CHECK (kind IN ('result', 'certified_copy')),
  dossier_id           TEXT NOT NULL REFERENCES dossiers(id),
  result_id            TEXT NOT NULL UNIQUE REFERENCES dossier_results(id),
  owner_citizen_id     TEXT REFERENCES citizens(id),
  agency_code          TEXT NOT NULL REFERENCES agencies(code),
  title                TEXT NOT NULL,
  name                 TEXT NOT NULL,
  size                 INTEGER NOT NULL,
  sha256               TEXT NOT NULL UNIQUE,
  code                 TEXT NOT NULL UNIQUE,
  r2_key               TEXT NOT NULL UNIQUE,
  signed_by            TEXT NOT NULL,
  signer_name          TEXT NOT NULL,
  certificate_subject  TEXT NOT NULL,
  certificate_issuer   TEXT NOT NULL,
  certificate_serial   TEXT NOT NULL,
  certificate_der      TEXT NOT NULL,            -- base64, the signer's certificate as used
  signed_at            TEXT NOT NULL,
  book_year            INTEGER,
  book_number          INTEGER,
  pages                INTEGER,
  revoked_at           TEXT,
  revoked_reason       TEXT,
  revoked_by           TEXT,
  version              INTEGER NOT NULL DEFAULT 1,
  CHECK ((kind = 'certified_copy') = (book_number IS NOT NULL AND book_year IS NOT NULL))
);
CREATE UNIQUE INDEX signed_documents_book ON signed_documents(agency_code, book_year, book_number) WHERE book_number IS NOT NULL;
CREATE INDEX signed_documents_owner ON signed_documents(owner_citizen_id, signed_at);
CREATE INDEX signed_documents_agency ON signed_documents(agency_code, kind, signed_at);
CREATE INDEX signed_documents_dossier ON signed_documents(dossier_id);

-- Wallet documents a dossier references instead of a new upload: a signed document or one of
-- the citizen's earlier uploads, in the form's order.
CREATE TABLE dossier_documents (
  dossier_id  TEXT NOT NULL REFERENCES dossiers(id),
  position    INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('signed', 'upload')),
  document_id TEXT NOT NULL,
  -- A signed document's stored bytes hashed to its record when the dossier referenced it.
  verified    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dossier_id, position),
  UNIQUE (dossier_id, document_id)
);
CREATE INDEX dossier_documents_by_document ON dossier_documents(document_id);
