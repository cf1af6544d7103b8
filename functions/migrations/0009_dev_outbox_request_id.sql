-- Development only: the eSMS sandbox remembers each RequestId it accepted, so a retried delivery
-- is answered "124 duplicate request" as the real provider answers it, and not listed twice.
ALTER TABLE dev_outbox ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX dev_outbox_request_id ON dev_outbox(request_id);
