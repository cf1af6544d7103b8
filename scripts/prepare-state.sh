#!/usr/bin/env bash
# Applies the D1 migrations and loads the demo data into a local state directory.
# Both steps are idempotent: running this twice changes nothing.
# Usage: scripts/prepare-state.sh STATE_DIR
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
state="${1:?state directory}"
# Test servers start several at once in a fresh clone: one at a time past this lock, or two see
# no .dev.vars and the second copy fails ("File exists"), or both append the same setting.
(
  flock 9
  [ -f .dev.vars ] || cp .dev.vars.example .dev.vars
  # Settings added to the example since this .dev.vars was made are appended (edited ones are kept).
  while IFS= read -r line; do
    name="${line%%=*}"
    case "$line" in ''|'#'*) continue ;; esac
    grep -q "^$name=" .dev.vars || echo "$line" >> .dev.vars
  done < .dev.vars.example
) 9>.dev.vars.lock
wrangler d1 migrations apply DB --local --persist-to "$state" >/dev/null
wrangler d1 execute DB --local --persist-to "$state" --file functions/seed/demo.sql >/dev/null
