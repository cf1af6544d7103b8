-- Issue #18: e-mail and Zalo beside SMS.
--
-- The channels a citizen is told on (status changes, fees), a comma list of `sms`, `email`,
-- `zalo` (motcua_domain::notify::Channels); SMS for every account that existed before.
ALTER TABLE citizens ADD COLUMN notify_channels TEXT NOT NULL DEFAULT 'sms';

-- The Zalo Official Account's tokens. The refresh token is single-use: each refresh answers a
-- new pair, written here in one statement conditional on the version it was read at, so two
-- isolates refreshing at once never keep a spent token (the loser reads the winner's pair).
-- One row (id 1); absent until the first refresh, which spends ZALO_REFRESH_TOKEN.
CREATE TABLE zalo_oa_tokens (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  access_token     TEXT NOT NULL,
  refresh_token    TEXT NOT NULL,
  access_expires_at INTEGER NOT NULL,        -- unix seconds
  version          INTEGER NOT NULL,
  updated_at       TEXT NOT NULL
);

-- Messages to citizens that failed at least once: attempts, the last error, and how it ended
-- (`retrying`, `delivered`, `dead`). A dead one (a permanent refusal, or the retries used up)
-- is also announced on the dead-letter queue; the row keeps the whole message so an operator
-- can send it again. `id` is the outbox message's id (the providers' idempotency key).
CREATE TABLE message_deliveries (
  id           TEXT PRIMARY KEY,
  channel      TEXT NOT NULL,                -- sms | email | zalo
  recipient    TEXT NOT NULL,
  message_json TEXT NOT NULL,
  attempts     INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('retrying', 'delivered', 'dead')),
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX message_deliveries_dead ON message_deliveries(state, updated_at);

-- Development only (SANDBOX=1): the sandbox Zalo's issued tokens (a refresh token is spent once)
-- and the requests the sandbox providers refused once on purpose (a transient failure).
CREATE TABLE dev_zalo_tokens (
  token      TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,                  -- access | refresh
  spent      INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL
);
CREATE TABLE dev_provider_refusals (
  request_id TEXT PRIMARY KEY,
  channel    TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  code       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
