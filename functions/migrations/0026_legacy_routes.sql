-- Where a record made before sharding went (docs/SHARDING.md §3.2, #20). New identifiers name
-- their province's database (`s42…`, `MCS42…`, `S42-…`); one made before does not, so the Worker
-- opens the legacy shard for it, and finds here the shard the migration moved it to. Written only
-- by scripts/shard_migrate.py; read once per request that carries an old identifier.
CREATE TABLE legacy_routes (
  key   TEXT PRIMARY KEY,  -- a record id, payment reference, receipt check code or document check code
  shard TEXT NOT NULL      -- '31', or '79-2' for a province's second database
) WITHOUT ROWID;
