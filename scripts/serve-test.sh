#!/usr/bin/env bash
# Starts a throw-away `wrangler dev` for a test run: fresh migrated state with demo data, on the
# given loopback port. It stops itself when the test process that asked for it is gone, so a
# crashed test never leaves a server behind; tests stop it with `kill -- -PGID` when done.
# Usage: scripts/serve-test.sh OWNER_PID PORT STATE_DIR [NAME:VALUE ...]
# Each NAME:VALUE after the state directory is one more `--var` (a test server with, say, a short
# retention of its own), except ACTIVITY:1, which loads the living demo first, BACKOFFICE:0,
# which leaves the back-office Worker out, and SHARDS:31,56, which gives those provinces databases
# of their own (DB_P31, DB_P56 with functions/migrations_shard; docs/SHARDING.md step 6) while the
# demo's rows stay in DB, the legacy shard's stand-in (SHARD_LEGACY=42, not bound), and PREPARED:1,
# which serves the state as it is (scripts/gen-province.sh --shards made it: no demo or test seed
# over its catalog).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
owner="$1" port="$2" state="$3"
shift 3
extra=()
activity=0
backoffice=1
prepared=0
shards=()
for v in "$@"; do
  case "$v" in SHARDS:*) IFS=, read -r -a shards <<< "${v#SHARDS:}"; extra+=(--var "SHARD_LEGACY:42"); continue ;; esac
  # ACTIVITY:1 is this script's own: the living demo of `make dev` (scripts/gen_activity.py).
  # BACKOFFICE:0 too: the back-office Worker is left out (its binding then fails: the 503 test).
  if [ "$v" = "ACTIVITY:1" ]; then activity=1; elif [ "$v" = "BACKOFFICE:0" ]; then backoffice=0; elif [ "$v" = "PREPARED:1" ]; then prepared=1; else extra+=(--var "$v"); fi
done
# The signing and back-office Workers run beside the public one (below): they must have been built.
if [ ! -f signer/build/index.js ]; then
  echo "signer/build/index.js is missing: run scripts/build.sh (or worker-build --release signer --features worker)" >&2
  exit 1
fi
if [ ! -f functions/build-backoffice/index.js ]; then
  echo "functions/build-backoffice/index.js is missing: run scripts/build.sh (or worker-build --release -d build-backoffice functions --features sandbox,backoffice)" >&2
  exit 1
fi
# The provinces' own databases: a copy of each config with their bindings (same ids in both, so
# the public Worker and the back office share each file, as they share DB).
main_config=wrangler.toml
source scripts/shard-config.sh
if [ ${#shards[@]} -gt 0 ]; then
  # Beside wrangler.toml, so its relative paths hold; named by port, removed when the server stops.
  main_config=".wrangler.shards-$port.toml"
  { cat wrangler.toml; shard_bindings functions/migrations_shard ${shards[@]+"${shards[@]}"}; } > "$main_config"
  trap 'rm -f "$ROOT/$main_config"' EXIT
  trap 'exit 143' TERM INT
fi
[ "$prepared" = 1 ] || scripts/prepare-state.sh "$state"
for p in ${shards[@]+"${shards[@]}"}; do
  wrangler d1 migrations apply "DB_P$p" --local --persist-to "$state" -c "$main_config" >/dev/null
done
[ "$activity" = 1 ] && python3 scripts/gen_activity.py "$state" >/dev/null
# Accounts only the tests use (e.g. one the lock-out test locks).
[ "$prepared" = 1 ] || wrangler d1 execute DB --local --persist-to "$state" --file functions/seed/test.sql >/dev/null
# wrangler gives --env-file and --var to the first config only; the back-office Worker (third
# config) reads its own config's [vars] and the .dev.vars beside it. So this server's back office
# gets a config of its own in the state directory (same bindings, absolute paths) whose .dev.vars
# is the committed example plus the same values as the --var flags below.
bo="$state/backoffice"
mkdir -p "$bo"
{ sed -e "s#\"\.\./#\"$ROOT/#" backoffice/wrangler.toml; shard_bindings "$ROOT/functions/migrations_shard" ${shards[@]+"${shards[@]}"}; } > "$bo/wrangler.toml"
{
  grep -v -e '^PUBLIC_BASE_URL=' -e '^RECONCILE_AFTER_MINUTES=' .dev.vars.example
  echo "PUBLIC_BASE_URL=http://127.0.0.1:$port"
  echo "RECONCILE_AFTER_MINUTES=0"
  for v in ${extra[@]+"${extra[@]}"}; do [ "$v" = --var ] || echo "${v%%:*}=${v#*:}"; done
} > "$bo/.dev.vars"
backoffice_config=()
if [ "$backoffice" = 1 ]; then
  backoffice_config=(-c "$bo/wrangler.toml")
else
  # Without it, wrangler's dev registry (shared by every `wrangler dev` on the machine) would bind
  # BACKOFFICE to another session's back office: this server gets a registry of its own.
  export WRANGLER_REGISTRY_PATH="$state/dev-registry"
fi
# Tests always run with the committed sandbox settings (never a developer's edited .dev.vars)
# and know their own address, which the providers' sandbox calls back to. The signing Worker runs
# in the same session (second config), reached through the main Worker's binding SIGNER, and so
# does the back office (third config, binding BACKOFFICE); the --env-file and --var flags are the
# main Worker's (the signer reads no variable; the back office's are in "$bo", above).
"$NODE22" node_modules/wrangler/bin/wrangler.js dev -c "$main_config" -c signer/wrangler.toml ${backoffice_config[@]+"${backoffice_config[@]}"} --ip 127.0.0.1 --port "$port" \
  --show-interactive-dev-session=false --persist-to "$state" --env-file .dev.vars.example \
  --var "PUBLIC_BASE_URL:http://127.0.0.1:$port" --var "RECONCILE_AFTER_MINUTES:0" ${extra[@]+"${extra[@]}"} </dev/null &
server=$!
while kill -0 "$owner" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
