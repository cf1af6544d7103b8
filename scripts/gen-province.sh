#!/usr/bin/env bash
# Fills a local D1 state with a province's worth of data for the dashboard's scale test:
# migrations + demo data, then 1.000.000 generated dossiers over 3 years with their counters
# (scripts/gen_province.py). Heavy (a minute or more, ~1 GB of disk): run it once, never in
# `make test`. Then serve it:  scripts/serve-state.sh STATE_DIR PORT  and measure with
# scripts/bench-dashboard.sh http://127.0.0.1:PORT
# Usage: scripts/gen-province.sh [STATE_DIR=.wrangler/province] [DOSSIERS=1000000]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
state="${1:-.wrangler/province}"
n="${2:-1000000}"
start=$(date +%s)
scripts/prepare-state.sh "$state"
python3 scripts/gen_province.py "$state" --dossiers "$n"
echo "gen-province: $n dossiers ready in $state after $(( $(date +%s) - start )) s"
