#!/usr/bin/env bash
# Fills a local D1 state with a province's worth of data for the dashboard's scale test:
# migrations + demo data, then 1.000.000 generated dossiers over 3 years with their counters
# (scripts/gen_province.py). Heavy (a minute or more, ~1 GB of disk): run it once, never in
# `make test`. Then serve it:  scripts/serve-state.sh STATE_DIR PORT  and measure with
# scripts/bench-dashboard.sh http://127.0.0.1:PORT
# With --shards, two provinces on databases of their own instead (issue #20's national roll-up):
# Hải Phòng (31, the demo's Hải Dương communes) and Khánh Hòa (56), DOSSIERS each, in the files
# that `scripts/serve-test.sh OWNER PORT STATE_DIR SHARDS:31,56 PREPARED:1` serves as DB_P31 and
# DB_P56 (shard schema, functions/migrations_shard); the national DB keeps the demo's catalog and
# staff. STATE_DIR/shard-files then lists "NN FILE" per province (the bench reports their sizes).
# Usage: scripts/gen-province.sh [--shards] [STATE_DIR=.wrangler/province] [DOSSIERS=1000000]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
sharded=0
if [ "${1:-}" = --shards ]; then sharded=1; shift; fi
state="${1:-.wrangler/province}"
n="${2:-1000000}"
start=$(date +%s)
scripts/prepare-state.sh "$state"
if [ "$sharded" = 0 ]; then
  python3 scripts/gen_province.py "$state" --dossiers "$n"
  echo "gen-province: $n dossiers ready in $state after $(( $(date +%s) - start )) s"
  exit 0
fi
# Each shard's file is made by applying its migrations through a config that binds it, as
# `make dev` and serve-test.sh do (scripts/shard-config.sh, which records it in STATE/shard-files).
source scripts/shard-config.sh
config=".wrangler.gen-shards-$$.toml"
trap 'rm -f "$ROOT/$config"' EXIT
{ cat wrangler.toml; shard_bindings functions/migrations_shard 31 56; } >"$config"
files="$(shard_files "$state" "$config" 31 56)"
args=()
for spec in 31:H23 56:H32; do
  file="$(echo "$files" | sed -n "s/^${spec%%:*}=//p")"
  [ -n "$file" ] || { echo "no D1 file for shard ${spec%%:*}" >&2; exit 1; }
  args+=(--shard "$spec:$file")
done
python3 scripts/gen_province.py "$state" --dossiers "$n" "${args[@]}"
echo "gen-province: $n dossiers in each of 31 and 56 ready in $state after $(( $(date +%s) - start )) s"
