#!/usr/bin/env bash
# `make bench`: measures the release build and rewrites BENCHMARKS.md. Benchmarks measure; tests
# judge correctness — nothing here fails because a figure misses its target.
#
# 1. first-load weight of the citizen app in dist/ (raw, gzip, brotli);
# 2. Lighthouse (mobile, default throttling) on the home page and a procedure page, plus
#    Chrome's own installability check;
# 3. the API under wrk on loopback, each route paired with the baseline GET /api/ping;
# 4. the Worker's bundle size and CPU time per request (process CPU of the local stack);
# 5. the domain's hot paths with criterion.
#
# Needs `make build` first (the Makefile's `bench` target does it). Runs in 5–6 min on 2 cores.
# Environment knobs (defaults in brackets): BENCH_DURATION [10] seconds per wrk run,
# BENCH_CONNECTIONS [16], BENCH_THREADS [2], BENCH_LH_RUNS [3] Lighthouse runs per page,
# BENCH_CPU_REQUESTS [400] sequential requests per route for the CPU figure,
# BENCH_OUT [BENCHMARKS.md]; BENCH_KEEP=1 keeps the raw measurements (JSON) in the work directory
# (`node scripts/bench/bench.mjs report DIR` rewrites the report from them).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

# ---- ROUTES UNDER LOAD ----------------------------------------------------------------------
# One line per route: NAME | METHOD | PATH?QUERY | JSON BODY (empty for none) | SETUP (optional)
# (no "|" inside a field: a body that needs one comes from a SETUP function).
# Each route is loaded right after the baseline GET /api/ping in the same run, and its CPU time
# per request is measured the same way. A route must answer 2xx to a single request first; if
# it does not, the report says so (the load figures would be those of an error path).
#
# SETUP names a bash function (define it in the "route set-ups" block below) that runs once
# against the fresh server (demo data loaded, SANDBOX=1 from .dev.vars.example) before the route
# is measured, with $BASE (http://127.0.0.1:PORT) and $work (a scratch directory) set. It may
# prepare state (log in, create a dossier, start a payment) and override what is sent by setting:
#   ROUTE_PATH, ROUTE_BODY     instead of the columns above;
#   ROUTE_HEADERS              a bash array of "Name: value" (e.g. a session cookie);
#   ROUTE_LUA                  a file of extra wrk Lua appended to the generated script, e.g. a
#                              request() that varies the request (see wrk's SCRIPTING): a valid
#                              IPN per request from a list of payments signed in the set-up.
# The CPU-per-request measurement sends ROUTE_PATH/ROUTE_BODY/ROUTE_HEADERS as they are (it
# ignores ROUTE_LUA), so for a route whose repeat is cheaper (a second IPN for a settled payment
# is only a duplicate), say which path was measured when reading section 4.
# Examples for routes still to come (uncomment once the feature exists):
#   dossier submit  | POST | /api/dossiers | | setup_dossier_submit
#   vnpay ipn       | GET  | /api/payments/vnpay/ipn | | setup_vnpay_ipn
#   dashboard       | GET  | /api/dashboard?agency=000.00.00.H23&from=2026-01-01&to=2026-06-30 | | setup_staff_session
ROUTES='
procedure list  | GET  | /api/procedures?agency=000.10.51.H27&q=chung%20thuc |
fee quote       | POST | /api/fees/quote | {"procedure":"2.000815","agency":"000.10.51.H27","inputs":{"pages":5,"copies":3}}
health          | GET  | /api/health |
'
BASELINE_PATH="/api/ping"

# ---- route set-ups ----------------------------------------------------------------------------
# (none yet: see the examples above; each is `setup_name() { ...; ROUTE_HEADERS=(...); }`)

# ---- settings ---------------------------------------------------------------------------------
DURATION="${BENCH_DURATION:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
LH_RUNS="${BENCH_LH_RUNS:-3}"
CPU_REQUESTS="${BENCH_CPU_REQUESTS:-400}"
OUT_MD="${BENCH_OUT:-BENCHMARKS.md}"
# Lighthouse 12.8.2 and the helpers run on the machine's own Node (20 here), not on the Node 22
# that env.sh puts first on PATH for wrangler (NOTES.md: Lighthouse 13 would need Node ≥ 22.19).
NODE20="${BENCH_NODE:-$(PATH="${PATH#"$ROOT/node_modules/.bin:"}" command -v node || true)}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
HELPER="scripts/bench/bench.mjs"

[ -f dist/index.html ] && [ -f functions/build/index.js ] || { echo "run make build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/tools.sh bench" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "$CHROME_PATH missing: scripts/tools.sh browser" >&2; exit 1; }
[ -x "$NODE20" ] || { echo "no system node: set BENCH_NODE to a Node 20 binary" >&2; exit 1; }

started=$(date +%s)
load_start="$(cut -d' ' -f1 /proc/loadavg)"
work="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")"
server_pid=""
cleanup() {
  # The server was started in its own process group: stop exactly that group.
  if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then rm -rf "$work/state" "$work/upload"; echo "raw measurements kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
log() { printf '[bench %3ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

# ---- 1. first-load weight -----------------------------------------------------------------------
log "first-load weight of dist/"
"$NODE20" "$HELPER" weight dist >"$work/weight.json"

# ---- 4a. worker bundle --------------------------------------------------------------------------
log "worker bundle (wrangler deploy --dry-run: what would be uploaded, no network)"
wrangler deploy --dry-run --outdir "$work/upload" >"$work/dry-run.log" 2>&1 || { cat "$work/dry-run.log" >&2; exit 1; }
"$NODE20" "$HELPER" bundle "$work/upload" "$work/dry-run.log" >"$work/bundle.json"

# ---- server -------------------------------------------------------------------------------------
port="$("$NODE20" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://127.0.0.1:$port"
log "starting wrangler dev on $BASE"
# setsid: its own process group, so the cleanup stops wrangler and workerd and nothing else.
setsid scripts/serve-test.sh "$$" "$port" "$work/state" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 240); do
  curl -fsS -o /dev/null "$BASE/api/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "$BASE/api/health" || { echo "server did not start" >&2; tail -30 "$work/server.log" >&2; exit 1; }
curl -fsS "$BASE$BASELINE_PATH" | grep -q '"ok":true' || { echo "$BASELINE_PATH missing" >&2; exit 1; }
# How the dev server encodes the app's largest file (Lighthouse's byte weight depends on it).
curl -fsS -o /dev/null -D - -H 'Accept-Encoding: gzip, deflate, br' "$BASE/pkg/motcua_bg.wasm" \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding"{print $2}' >"$work/served-encoding.txt" || true

# ---- 2. Lighthouse and installability --------------------------------------------------------
pages=("/" "/thu-tuc/2.000815")
printf '%s\n' "${pages[@]}" >"$work/pages.txt"
for page in "${pages[@]}"; do
  slug="$(printf '%s' "$page" | tr -c 'a-zA-Z0-9.' '_')"
  for run in $(seq 1 "$LH_RUNS"); do
    log "lighthouse $page (run $run/$LH_RUNS)"
    profile="$(mktemp -d "$work/chrome.XXXXXX")"
    "$NODE20" node_modules/lighthouse/cli/index.js "$BASE$page" --quiet \
      --only-categories=performance,accessibility,best-practices \
      --output=json --output-path="$work/lh-$slug-$run.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$profile" \
      || log "lighthouse failed on $page run $run"
    rm -rf "$profile"
  done
done
log "installability (Chrome's own check)"
"$NODE20" "$HELPER" installable "$BASE/" >"$work/installable.json" || echo '{"error":"check failed"}' >"$work/installable.json"

# ---- 3. API under load, 4b. CPU per request --------------------------------------------------
lua_for() { # METHOD BODY FILE -> a wrk script that sends it and prints the summary as JSON
  local method="$1" body="$2" file="$3"
  {
    printf 'wrk.method = "%s"\n' "$method"
    if [ -n "$body" ]; then
      printf 'wrk.body = [==[%s]==]\n' "$body"
      printf 'wrk.headers["Content-Type"] = "application/json"\n'
    fi
    for h in "${ROUTE_HEADERS[@]}"; do
      printf 'wrk.headers[ [==[%s]==] ] = [==[%s]==]\n' "${h%%:*}" "$(printf '%s' "${h#*:}" | sed 's/^ *//')"
    done
    [ -n "${ROUTE_LUA:-}" ] && cat "$ROUTE_LUA"
    cat <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
LUA
  } >"$file"
}
run_wrk() { # LABEL LUA PATH -> one JSON line
  local label="$1" lua="$2" path="$3" json
  json="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$lua" "$BASE$path" | sed -n 's/^BENCH_JSON //p')"
  printf '{"label":%s,"run":%s}\n' "$("$NODE20" -e 'console.log(JSON.stringify(process.argv[1]))' "$label")" "${json:-null}"
}
smoke() { # METHOD PATH BODY -> HTTP status of one request
  local args=(-s -o "$work/smoke.body" -w '%{http_code}' -X "$1")
  [ -n "$3" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  for h in "${ROUTE_HEADERS[@]}"; do args+=(-H "$h"); done
  curl "${args[@]}" "$BASE$2" || echo 000
}

ROUTE_HEADERS=() ROUTE_LUA=""
lua_for GET "" "$work/baseline.lua"
log "warm-up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$BASE$BASELINE_PATH" >/dev/null
: >"$work/load.jsonl"
: >"$work/cpu.jsonl"
"$NODE20" "$HELPER" cpu "$server_pid" "ping" GET "$BASE$BASELINE_PATH" "" "$CPU_REQUESTS" >>"$work/cpu.jsonl"
i=0
# fd 3, so a set-up function or a tool reading stdin cannot eat the route list.
while IFS='|' read -r -u 3 name method path body setup; do
  name="$(echo "$name" | xargs)"; [ -z "$name" ] && continue
  method="$(echo "$method" | xargs)"; path="$(echo "$path" | xargs)"
  body="$(echo "$body" | sed 's/^ *//; s/ *$//')"; setup="$(echo "${setup:-}" | xargs)"
  i=$((i + 1))
  ROUTE_PATH="$path" ROUTE_BODY="$body" ROUTE_HEADERS=() ROUTE_LUA=""
  if [ -n "$setup" ]; then log "set-up $setup"; "$setup"; fi
  status="$(smoke "$method" "$ROUTE_PATH" "$ROUTE_BODY")"
  lua_for "$method" "$ROUTE_BODY" "$work/route-$i.lua"
  log "wrk $method $ROUTE_PATH (status $status) beside $BASELINE_PATH, ${DURATION}s each"
  baseline="$(run_wrk "ping" "$work/baseline.lua" "$BASELINE_PATH")"
  route="$(run_wrk "$name" "$work/route-$i.lua" "$ROUTE_PATH")"
  "$NODE20" -e '
    const [name, method, path, status, b, r] = process.argv.slice(1);
    console.log(JSON.stringify({ name, method, path, status: Number(status), baseline: JSON.parse(b).run, route: JSON.parse(r).run }));
  ' "$name" "$method" "$ROUTE_PATH" "$status" "$baseline" "$route" >>"$work/load.jsonl"
  log "cpu per request: $name"
  headers_json="$("$NODE20" -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${ROUTE_HEADERS[@]}")"
  "$NODE20" "$HELPER" cpu "$server_pid" "$name" "$method" "$BASE$ROUTE_PATH" "$ROUTE_BODY" "$CPU_REQUESTS" "$headers_json" >>"$work/cpu.jsonl"
done 3<<<"$ROUTES"
"$NODE20" "$HELPER" cpu "$server_pid" "ping (again)" GET "$BASE$BASELINE_PATH" "" "$CPU_REQUESTS" >>"$work/cpu.jsonl"

kill -- "-$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# ---- 5. domain hot paths -----------------------------------------------------------------------
log "criterion (domain hot paths)"
crit_start="$(date +%s)"
cargo bench -q -p motcua-domain --bench hot_paths -- --warm-up-time 1 --measurement-time 3 --noplot \
  >"$work/criterion.txt" 2>&1 || { cat "$work/criterion.txt" >&2; exit 1; }
"$NODE20" "$HELPER" criterion target/criterion "$crit_start" >"$work/criterion.json"

# ---- report ------------------------------------------------------------------------------------
elapsed=$(( $(date +%s) - started ))
log "writing $OUT_MD"
BENCH_ELAPSED="$elapsed" BENCH_LOAD_START="$load_start" BENCH_DURATION="$DURATION" BENCH_CONNECTIONS="$CONNECTIONS" \
  BENCH_THREADS="$THREADS" BENCH_LH_RUNS="$LH_RUNS" BENCH_CPU_REQUESTS="$CPU_REQUESTS" \
  BENCH_LH_VERSION="$("$NODE20" node_modules/lighthouse/cli/index.js --version)" \
  BENCH_WRK_VERSION="$(wrk -v 2>&1 | head -1)" BENCH_CHROME_VERSION="$("$CHROME_PATH" --version 2>/dev/null || true)" \
  BENCH_NODE_VERSION="$("$NODE20" --version)" \
  "$NODE20" "$HELPER" report "$work" >"$OUT_MD"
log "done in ${elapsed}s"
