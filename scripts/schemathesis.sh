#!/usr/bin/env bash
# `make test-schema`: schemathesis over the OpenAPI document (functions/openapi.json) against a
# fresh `wrangler dev` started exactly as the API tests start theirs (scripts/serve-test.sh),
# as a logged-in demo citizen and a logged-in provincial admin (Hà Tĩnh, whose scope holds the citizen's commune) at once, with a real dossier,
# upload, agency and procedure in the paths that name one (tests/schema/login.py). Fails on any 5xx
# (not_a_server_error) and on any 4xx outside the error envelope (tests/schema/hooks.py).
# Needs functions/build and dist (make build) and the venv of scripts/tools.sh.
# SCHEMA_EXAMPLES (default 10; the run takes ~3 minutes) bounds the test cases per operation; extra arguments go to
# schemathesis (e.g. --include-path-regex '^/api/fees').
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

examples="${SCHEMA_EXAMPLES:-10}"
state="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# The server gets a process group of its own, stopped by its id at exit (never by name).
setsid scripts/serve-test.sh $$ "$port" "$state/state" >"$state/wrangler.log" 2>&1 </dev/null &
server=$!
stop() {
  kill -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$state"
}
trap stop EXIT

deadline=$((SECONDS + 120))
until curl -fsS "$base/api/health" >/dev/null 2>&1; do
  if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
    echo "wrangler dev did not become ready on $base:" >&2
    cat "$state/wrangler.log" >&2
    exit 1
  fi
  sleep 0.5
done

.tools/venv/bin/python tests/schema/login.py "$base" hatinh.admin 0912345678 "$state/schemathesis.toml"

# Log-outs would end the run's own sessions; the sandbox and /dev routes are not in the document.
# One worker: with two, CPython 3.11's ast module (hypothesis reads lambda sources) failed once
# with "AST constructor recursion depth mismatch" in a thread, a tool error, not a finding.
SCHEMATHESIS_HOOKS=tests/schema/hooks.py .tools/venv/bin/schemathesis --config-file "$state/schemathesis.toml" \
  run functions/openapi.json \
  --url "$base" \
  --checks not_a_server_error,error_envelope \
  --exclude-path-regex '/logout$' \
  --max-examples "$examples" \
  --phases examples,coverage,fuzzing \
  --workers 1 \
  --request-timeout 30 \
  --seed "${SCHEMA_SEED:-2026}" \
  --no-color \
  "$@"
