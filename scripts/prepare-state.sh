#!/usr/bin/env bash
# Applies the D1 migrations and loads the demo data into a local state directory.
# Both steps are idempotent: running this twice changes nothing.
# Usage: scripts/prepare-state.sh STATE_DIR
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
state="${1:?state directory}"
[ -f .dev.vars ] || cp .dev.vars.example .dev.vars
wrangler d1 migrations apply DB --local --persist-to "$state" >/dev/null
wrangler d1 execute DB --local --persist-to "$state" --file functions/seed/demo.sql >/dev/null
