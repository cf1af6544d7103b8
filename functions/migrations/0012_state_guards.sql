-- Compare-and-set for every state write (issue 13). A dossier and a payment carry a version that
-- each decided change increments; the store writes a change in one D1 batch that begins with a
-- guard row for the version it decided from. The guard is a view whose INSTEAD OF trigger aborts
-- the whole batch (D1 runs a batch as one transaction) when the row has moved on, so a decision
-- taken on a stale read never lands, whatever else is in the batch (events, notices, audit).
ALTER TABLE dossiers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE VIEW state_guard AS SELECT 1 AS ok;
CREATE TRIGGER state_guard_check INSTEAD OF INSERT ON state_guard
BEGIN
  SELECT RAISE(ABORT, 'stale_state') WHERE NEW.ok IS NOT 1;
END;

-- A provider repeating the same callback (the same verified fields) is counted here instead of
-- growing the ledger: the ledger keeps the first copy, this row how many came and when the last.
CREATE TABLE callback_copies (
  payment_id  TEXT NOT NULL REFERENCES payments(id),
  fingerprint TEXT NOT NULL,                  -- sha256 of the verified fields, hex
  copies      INTEGER NOT NULL,
  first_at    TEXT NOT NULL,
  last_at     TEXT NOT NULL,
  PRIMARY KEY (payment_id, fingerprint)
);
