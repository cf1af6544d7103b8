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
# staff. STATE_DIR/shards.txt then lists "NN FILE" per province (the bench reports their sizes).
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
# Each shard's file is made by applying its migrations through a config that binds it, with the
# database ids of serve-test.sh's shard_bindings (the id names the file wrangler opens).
config=".wrangler.gen-shards-$$.toml"
trap 'rm -f "$ROOT/$config"' EXIT
{
  cat wrangler.toml
  for p in 31 56; do
    printf '\n[[d1_databases]]\nbinding = "DB_P%s"\ndatabase_name = "motcua-p%s"\ndatabase_id = "00000000-0000-0000-0000-0000000000%s"\nmigrations_dir = "functions/migrations_shard"\n' "$p" "$p" "$p"
  done
} >"$config"
files() { ls "$state"/v3/d1/*/*.sqlite 2>/dev/null | grep -v metadata.sqlite | sort || true; }
national="$(files)"
[ "$(echo "$national" | wc -l)" = 1 ] || { echo "expected only the national database in $state, found: $national" >&2; exit 1; }
args=(--national "$national")
: >"$state/shards.txt"
for spec in 31:H23 56:H32; do
  p="${spec%%:*}"
  before="$(files)"
  wrangler d1 migrations apply "DB_P$p" --local --persist-to "$state" -c "$config" >/dev/null
  file="$(comm -13 <(echo "$before") <(files))"
  [ -n "$file" ] && [ "$(echo "$file" | wc -l)" = 1 ] || { echo "could not tell DB_P$p's file (new: $file)" >&2; exit 1; }
  args+=(--shard "$spec:$file")
  echo "$p $file" >>"$state/shards.txt"
done
python3 scripts/gen_province.py "$state" --dossiers "$n" "${args[@]}"
echo "gen-province: $n dossiers in each of 31 and 56 ready in $state after $(( $(date +%s) - start )) s"
