#!/usr/bin/env bash
# `make bench`: measures the release build and rewrites BENCHMARKS.md. Benchmarks measure; tests
# judge correctness — nothing here fails because a figure misses its target.
#
# 1. first-load weight of the citizen app (raw, gzip, brotli; the home page as the Worker writes it, and the whole app);
# 2. Lighthouse (mobile, default throttling) on the home page and a procedure page, plus
#    Chrome's own installability check;
# 3. the API under wrk on loopback, each route paired with the baseline GET /api/ping;
# 4. the three Workers' bundle sizes (public, back office, signer) and CPU time per request (process CPU of the local stack);
# 5. the domain's hot paths with criterion;
# 6. the dashboard's national roll-up over two provinces' databases, 1M dossiers each (issue #20).
#
# Needs `make build` first (the Makefile's `bench` target does it). Runs in about 11–14 min on 2
# cores, of which 1–3 min generate the dashboard's 1M-dossier data set, plus section 6 (see its
# figures for the time it takes); BENCH_STEPS=shards runs section 6 alone.
# Environment knobs (defaults in brackets): BENCH_DURATION [10] seconds per wrk run,
# BENCH_CONNECTIONS [16], BENCH_THREADS [2], BENCH_LH_RUNS [3] Lighthouse runs per page,
# BENCH_CPU_REQUESTS [400] sequential requests per route for the CPU figure,
# BENCH_IPN_ATTEMPTS [600] signed IPNs for the load and BENCH_IPN_CPU [150] for the CPU figure (each
# a payment attempt created in the set-up, ~15 a second), BENCH_OTP_ATTEMPTS [300] one-time codes
# (distinct numbers) for the load and BENCH_OTP_CPU [150] for the CPU figure, BENCH_FEE_ATTEMPTS
# [300] received dossiers for the fee notice's load and BENCH_FEE_CPU [150] for its CPU figure
# (~30 dossiers a second), BENCH_DASHBOARD_CPU_REQUESTS [100],
# BENCH_PROVINCE_DOSSIERS [1000000] and BENCH_PROVINCE_STATE (see "settings" below),
# BENCH_OUT [BENCHMARKS.md] (the report it replaces gives each route's previous ratio to ping);
# BENCH_KEEP=1 keeps the raw measurements (JSON) in the work directory
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
# The CPU measurement also reads, when a set-up sets them:
#   ROUTE_CPU_PATHS            a file of paths (one a line) that its measured requests go through
#                              in turn (a fresh signed IPN each); a line may instead be a JSON
#                              object {"path", "body", "headers": {...}} (a fresh one-time code, sent
#                              from its number's own address); and ROUTE_CPU_REQUESTS, a smaller
#                              count than BENCH_CPU_REQUESTS for a slow route.
# Every status change queues an SMS, and the outbox queue delivers them in order (some tens a
# second here), so a set-up that reads a one-time code waits behind what earlier routes queued:
# the OTP verify comes before the routes that queue thousands (submit, IPN).
# A set-up may also move the measurement to another server with `use_server STATE_DIR LABEL`
# (the dashboard runs on the generated provincial data set); routes after it stay there, so keep
# such routes last.
ROUTES='
procedure list  | GET  | /api/procedures?agency=000.10.51.H27&q=chung%20thuc |
fee quote       | POST | /api/fees/quote | {"procedure":"2.000815","agency":"000.10.51.H27","inputs":{"pages":5,"copies":3}}
health          | GET  | /api/health |
otp verify      | POST | /api/auth/otp/verify | | setup_otp_verify
fee notice      | POST | /api/staff/dossiers/<id>/fee-notice | {} | setup_fee_notice
dossier submit  | POST | /api/dossiers | {"agency":"000.10.51.H27","procedure":"2.000815","applicant":{"full_name":"Nguyễn Văn An","id_number":"042090001234","phone":"0912345678","address":"Thôn Tân Hương, xã Sơn Tây"},"inputs":{"pages":5,"copies":3}} | setup_dossier_submit
vnpay ipn       | GET  | /api/payments/vnpay/ipn | | setup_vnpay_ipn
dashboard rates | GET  | /api/dashboard/rates?period=<this year> | | setup_dashboard
'
BASELINE_PATH="/api/ping"

# ---- route set-ups ----------------------------------------------------------------------------
SETUP_JS="scripts/bench/setup.mjs"
# Dossier submit as a logged-in citizen (one-time code from the development outbox). Every
# request of the load creates a new dossier, so the D1 database grows during the run (by some
# thousands of dossiers: see the route's request count).
setup_dossier_submit() {
  local cookie
  cookie="$("$NODE20" "$SETUP_JS" citizen-login "$BASE" 0912345678)"
  ROUTE_HEADERS=("Cookie: $cookie")
}
# A valid VNPay IPN: IPN_ATTEMPTS payment attempts (dossier submitted, received, fee-noticed,
# VNPay payment started), each with its own signed success IPN. wrk's request() goes through them
# once, then repeats them: a repeat answers RspCode 02 (already confirmed), a cheaper path, and
# the report counts how many answers were real settlements (00). The smoke request settles one
# attempt of its own; the CPU figure uses IPN_CPU more, each settled once.
IPN_ATTEMPTS="${BENCH_IPN_ATTEMPTS:-600}"
IPN_CPU="${BENCH_IPN_CPU:-150}"
setup_vnpay_ipn() {
  BENCH_THREADS="$THREADS" "$NODE20" "$SETUP_JS" ipn "$BASE" "$IPN_ATTEMPTS" "$work" "$IPN_CPU" 2> >(tee -a "$work/setup.log" >&2)
  ROUTE_PATH="$(cat "$work/ipn-first.txt")"
  ROUTE_LUA="$work/ipn.lua"
  ROUTE_CPU_PATHS="$work/ipn-cpu.txt"
  ROUTE_CPU_REQUESTS="$IPN_CPU"
}
# The citizen's log-in by one-time code: OTP_ATTEMPTS numbers, each with a code asked for in the
# set-up (read from the development outbox). wrk's request() sends each number's right code once
# (200, a session started), each from the number's own CF-Connecting-IP so that no per-address
# limit on verification decides the figure, then repeats them: a used code is refused (400
# no_code), a cheaper path; the report counts the answers by status. The smoke request uses a
# code of its own; the CPU figure uses OTP_CPU fresh codes. Codes are valid 5 minutes, so the
# set-up asks for them right before the route is measured.
OTP_ATTEMPTS="${BENCH_OTP_ATTEMPTS:-300}"
OTP_CPU="${BENCH_OTP_CPU:-150}"
setup_otp_verify() {
  BENCH_THREADS="$THREADS" "$NODE20" "$SETUP_JS" otp "$BASE" "$OTP_ATTEMPTS" "$work" "$OTP_CPU" 2> >(tee -a "$work/setup.log" >&2)
  ROUTE_BODY="$("$NODE20" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).body)' "$work/otp-first.json")"
  ROUTE_HEADERS=("CF-Connecting-IP: $("$NODE20" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).ip)' "$work/otp-first.json")")
  ROUTE_LUA="$work/otp.lua"
  ROUTE_CPU_PATHS="$work/otp-cpu.txt"
  ROUTE_CPU_REQUESTS="$OTP_CPU"
}
# The fee notice as the commune's officer: FEE_ATTEMPTS dossiers submitted by a citizen and
# received with the procedure's documents in the set-up. wrk's request() posts each one's fee
# notice once (200: the fee computed, the notice stored, the dossier moved on, the citizen told),
# then repeats them: a repeat is refused (409, already notified), the cheaper path; the report
# counts the answers by status. The smoke request notifies a dossier of its own; the CPU figure
# notifies FEE_CPU more.
FEE_ATTEMPTS="${BENCH_FEE_ATTEMPTS:-300}"
FEE_CPU="${BENCH_FEE_CPU:-150}"
setup_fee_notice() {
  BENCH_THREADS="$THREADS" "$NODE20" "$SETUP_JS" fee-notice "$BASE" "$FEE_ATTEMPTS" "$work" "$FEE_CPU" 2> >(tee -a "$work/setup.log" >&2)
  ROUTE_PATH="$(cat "$work/fee-first.txt")"
  ROUTE_HEADERS=("Cookie: $(cat "$work/fee-cookie.txt")")
  ROUTE_LUA="$work/fee.lua"
  ROUTE_CPU_PATHS="$work/fee-cpu.txt"
  ROUTE_CPU_REQUESTS="$FEE_CPU"
}
# The dashboard's rates for this year as the province's admin, on the generated provincial data
# set (scripts/gen-province.sh, PROVINCE_DOSSIERS dossiers, prepared before the server starts).
setup_dashboard() {
  local cookie
  use_server "$province_state" "province ($PROVINCE_DOSSIERS dossiers)"
  cookie="$("$NODE20" "$SETUP_JS" staff-login "$BASE" haiduong.admin)"
  ROUTE_HEADERS=("Cookie: $cookie")
  ROUTE_PATH="/api/dashboard/rates?period=$(date -u +%Y)"
  ROUTE_CPU_REQUESTS="${BENCH_DASHBOARD_CPU_REQUESTS:-100}"
}

# ---- settings ---------------------------------------------------------------------------------
DURATION="${BENCH_DURATION:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
LH_RUNS="${BENCH_LH_RUNS:-3}"
CPU_REQUESTS="${BENCH_CPU_REQUESTS:-400}"
OUT_MD="${BENCH_OUT:-BENCHMARKS.md}"
# BENCH_STEPS [all]: "shards" runs only section 6 (the national roll-up over two provinces'
# databases) and replaces that section of OUT_MD, leaving the rest of the report as it is.
STEPS="${BENCH_STEPS:-all}"
case "$STEPS" in all|shards) ;; *) echo "BENCH_STEPS is all or shards, not $STEPS" >&2; exit 1 ;; esac
# Section 6: BENCH_SHARDS_DOSSIERS [1000000] per province, BENCH_SHARDS_REQUESTS [60] calls per
# route and user in BENCH_SHARDS_ROUNDS [4] rounds, BENCH_SHARDS_STATE (a directory reused while
# its key holds, as BENCH_PROVINCE_STATE).
SHARDS_DOSSIERS="${BENCH_SHARDS_DOSSIERS:-1000000}"
SHARDS_REQUESTS="${BENCH_SHARDS_REQUESTS:-60}"
SHARDS_ROUNDS="${BENCH_SHARDS_ROUNDS:-4}"
# The provincial data set of the dashboard route: BENCH_PROVINCE_DOSSIERS [1000000] generated by
# scripts/gen-province.sh into the run's work directory (fresh each run, ~1 GB, some minutes), or
# with BENCH_PROVINCE_STATE=DIR (e.g. .wrangler/bench-province) into DIR once and reused by later
# runs while the dossier count, the migrations, the demo data and the generator are unchanged.
PROVINCE_DOSSIERS="${BENCH_PROVINCE_DOSSIERS:-1000000}"
# Lighthouse 12.8.2 and the helpers run on the machine's own Node (20 here), not on the Node 22
# that env.sh puts first on PATH for wrangler (NOTES.md: Lighthouse 13 would need Node ≥ 22.19).
NODE20="${BENCH_NODE:-$(PATH="${PATH#"$ROOT/node_modules/.bin:"}" command -v node || true)}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
HELPER="scripts/bench/bench.mjs"

[ -f dist/index.html ] && [ -f functions/build/index.js ] || { echo "run make build first" >&2; exit 1; }
if [ "$STEPS" = all ]; then
  command -v wrk >/dev/null || { echo "wrk missing: scripts/tools.sh bench" >&2; exit 1; }
  [ -x "$CHROME_PATH" ] || { echo "$CHROME_PATH missing: scripts/tools.sh browser" >&2; exit 1; }
fi
[ -x "$NODE20" ] || { echo "no system node: set BENCH_NODE to a Node 20 binary" >&2; exit 1; }

started=$(date +%s)
load_start="$(cut -d' ' -f1 /proc/loadavg)"
work="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")"
server_pid=""
cleanup() {
  # The server was started in its own process group: stop exactly that group.
  if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then rm -rf "$work/state" "$work/province" "$work/shards" "$work/upload" "$work/upload-backoffice" "$work/upload-signer"; echo "raw measurements kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
log() { printf '[bench %3ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

# ---- server -------------------------------------------------------------------------------------
start_server() { # STATE_DIR [NAME:VALUE...]: a fresh wrangler dev on a free port; sets BASE and server_pid
  local state="$1" port
  shift
  port="$("$NODE20" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  BASE="http://127.0.0.1:$port"
  log "starting wrangler dev on $BASE ($(basename "$state") state)"
  # setsid: its own process group, so the cleanup stops wrangler and workerd and nothing else.
  setsid scripts/serve-test.sh "$$" "$port" "$state" "$@" >>"$work/server.log" 2>&1 </dev/null &
  server_pid=$!
  for _ in $(seq 1 480); do
    curl -fsS -o /dev/null "$BASE/api/health" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS -o /dev/null "$BASE/api/health" || { echo "server did not start" >&2; tail -30 "$work/server.log" >&2; exit 1; }
  curl -fsS "$BASE$BASELINE_PATH" | grep -q '"ok":true' || { echo "$BASELINE_PATH missing" >&2; exit 1; }
}
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
# For a route's set-up: measure the following routes on a server over STATE_DIR (warmed up, with
# its own ping CPU figure, so each route's excess over ping compares like with like).
use_server() { # STATE_DIR LABEL
  stop_server
  start_server "$1"
  server_label="$2"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$BASE$BASELINE_PATH" >/dev/null
  "$NODE20" "$HELPER" cpu "$server_pid" "ping ($2)" GET "$BASE$BASELINE_PATH" "" "$CPU_REQUESTS" >>"$work/cpu.jsonl"
}
# ---- 6. the national roll-up over two provinces' databases (issue #20) -----------------------
# Hải Phòng (31) and Khánh Hòa (56), SHARDS_DOSSIERS generated dossiers each in databases of their
# own (scripts/gen-province.sh --shards), served with DB_P31 and DB_P56 bound. Every dashboard
# route (scripts/bench-dashboard.sh, p50/p99 of sequential calls) as quocgia.admin, whose view is
# the bench state's root "Toàn quốc" over the provinces (each request reads both shards and DB),
# and as each province's admin; then the national figures must equal the two provinces' added
# up, or the bench fails. Writes section 6 of the report ($work/shards.md).
shards_bench() {
  local key reused=0 state gen_start gen_seconds load_before load_after u
  key="$( { echo "$SHARDS_DOSSIERS $(date -u +%F)"; cat functions/migrations/*.sql functions/migrations_shard/*.sql functions/seed/demo.sql scripts/gen_province.py scripts/gen-province.sh; } 2>/dev/null | sha256sum | cut -c1-16)"
  state="${BENCH_SHARDS_STATE:-$work/shards}"
  [ "$(cat "$state/bench-key" 2>/dev/null)" = "$key" ] && reused=1
  gen_start=$(date +%s)
  if [ "$reused" = 1 ]; then
    log "two provinces' data sets: reusing $state ($SHARDS_DOSSIERS dossiers each)"
  else
    log "two provinces' data sets: scripts/gen-province.sh --shards $state $SHARDS_DOSSIERS"
    rm -rf "$state"
    scripts/gen-province.sh --shards "$state" "$SHARDS_DOSSIERS" >"$work/gen-shards.log" 2>&1 || { cat "$work/gen-shards.log" >&2; exit 1; }
    # Kept with the state, so a later run that reuses it still reports how it was made.
    echo "$(( $(date +%s) - gen_start ))" >"$state/gen-seconds"
    cp "$work/gen-shards.log" "$state/gen-shards.log"
    echo "$key" >"$state/bench-key"
  fi
  gen_seconds="$(cat "$state/gen-seconds")"
  start_server "$state" SHARDS:31,56 PREPARED:1
  # A few calls per route and user first, so the first user measured does not pay the fresh
  # isolate's warm-up (and the SQLite pages read first) alone.
  for u in quocgia.admin haiduong.admin khanhhoa.admin; do scripts/bench-dashboard.sh "$BASE" "$u" 3 >/dev/null; done
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  # In rounds, the users taking turns (each round starting with the next one), so that the shared
  # machine's load drifting during the run weighs on the three columns alike.
  local users=(quocgia.admin haiduong.admin khanhhoa.admin) round i per=$(( (SHARDS_REQUESTS + SHARDS_ROUNDS - 1) / SHARDS_ROUNDS ))
  for u in "${users[@]}"; do : >"$work/shards-$u.raw"; done
  for round in $(seq 0 $((SHARDS_ROUNDS - 1))); do
    log "dashboard routes, round $((round + 1))/$SHARDS_ROUNDS: $per calls per route and user"
    for i in 0 1 2; do
      u="${users[$(( (round + i) % 3 ))]}"
      BENCH_DASHBOARD_RAW="$work/shards-$u.raw" scripts/bench-dashboard.sh "$BASE" "$u" "$per" >"$work/shards-$u.txt" \
        || { cat "$work/shards-$u.txt" >&2; echo "a dashboard route failed as $u" >&2; exit 1; }
    done
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "national = Hải Phòng + Khánh Hòa?"
  shards_check "$BASE" >"$work/shards-check.txt" || { cat "$work/shards-check.txt" >&2; echo "the national roll-up is not the sum of the provinces" >&2; exit 1; }
  stop_server
  STATE="$state" N="$SHARDS_DOSSIERS" REUSED="$reused" GEN_SECONDS="$gen_seconds" LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" \
    REQUESTS="$SHARDS_REQUESTS" ROUNDS="$SHARDS_ROUNDS" WORK="$work" STEPS="$STEPS" python3 - >"$work/shards.md" <<'PY'
import datetime, os, re
e = os.environ
work, state, n = e["WORK"], e["STATE"], int(e["N"])
def routes(user):
    # p50 and p99 as scripts/bench-dashboard.sh takes them, over every round's calls.
    calls = {}
    for line in open(f"{work}/shards-{user}.raw").read().splitlines():
        r, t = line.rsplit(None, 1)
        calls.setdefault(r, []).append(float(t) * 1000)
    rows = {}
    for r, a in calls.items():
        a.sort()
        rows[r] = (a[(len(a) + 1) // 2 - 1], a[min(len(a), -(-len(a) * 99 // 100)) - 1], len(a))
    return rows
users = ["quocgia.admin", "haiduong.admin", "khanhhoa.admin"]
t = {u: routes(u) for u in users}
files = [l.split(None, 1) for l in open(f"{state}/shard-files").read().splitlines()]
national = [f for f in __import__("glob").glob(f"{state}/v3/d1/*/*.sqlite") if not f.endswith("metadata.sqlite") and f not in {p for _, p in files}]
size = lambda f: os.path.getsize(f) / 1e6
gen = open(f"{state}/gen-shards.log").read()
times = re.findall(r"^(\d+) dossiers in ([\d.]+) s, counters rebuilt in ([\d.]+) s", gen, re.M)
cmd = "BENCH_STEPS=shards scripts/bench.sh" if e["STEPS"] == "shards" else "make bench"
if os.environ.get("BENCH_SHARDS_STATE"):
    cmd = f"BENCH_SHARDS_STATE={os.environ['BENCH_SHARDS_STATE']} " + cmd
print("## 6. National roll-up over two provinces' databases (issue #20)\n")
print(f"- **Date**: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. **Command**: `{cmd}` (BENCH_SHARDS_DOSSIERS={n}, BENCH_SHARDS_REQUESTS={e['REQUESTS']}, BENCH_SHARDS_ROUNDS={e['ROUNDS']}).")
print(f"- **Load**: 1/5/15-minute load average {e['LOAD_BEFORE']} before the calls and {e['LOAD_AFTER']} after them, on 2 cores shared with other builds: latencies are noisy, compare the columns with each other.")
per = "; ".join(f"{int(c):,} dossiers in {a} s + counters {b} s" for c, a, b in times)
print(f"- **Data**: {n:,} generated dossiers in each province by `scripts/gen-province.sh --shards` in {e['GEN_SECONDS']} s in all, the demo's migrations and data included ({per}, one province after the other)"
      + (f"; generated by an earlier run and reused from `{state}`." if e["REUSED"] == "1" else "."))
print("  Hải Phòng (31) holds the demo's Hải Dương agencies (208 agency × procedure pairs), Khánh Hòa (56) its 9 districts (9 pairs); dossier rows with empty JSON, their payment and intake counters rebuilt with the Worker's rules, no events, payments or bills.")
sizes = ", ".join(f"DB_P{c} {size(p):,.0f} MB ({size(p) * 1e6 / n:,.0f} bytes a dossier)" for c, p in files)
print(f"- **D1 files** (miniflare's SQLite): {sizes}; national DB {', '.join(f'{size(f):,.1f} MB' for f in national)}.")
print("- **Served** by `scripts/serve-test.sh … SHARDS:31,56 PREPARED:1` (wrangler dev, local D1, one request at a time). quocgia.admin's view is the root \"Toàn quốc\" the bench state adds above the provinces (the dashboard gives the national role the same node, `dashboard::NATIONAL_ROOT`, when the catalog has none): each of its requests reads DB_P31, DB_P56 and DB (the stand-in of the unbound provinces, no dossiers), at most 6 at a time; each province's admin reads its one shard.")
print(f"- **Check** (fails the bench when wrong): {open(work + '/shards-check.txt').read().strip()}\n")
calls = sorted({t[u][r][2] for u in users for r in t[u]})
print(f"Calls per route and user: {', '.join(map(str, calls))}, sequential, in {e['ROUNDS']} rounds with the users taking turns. The last column is the national p50 over the slower province's.\n")
print("| route | national p50 ms | p99 ms | Hải Phòng (31) p50 ms | p99 ms | Khánh Hòa (56) p50 ms | p99 ms | national ÷ slower province (p50) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in t[users[0]]:
    cells = [f"{x:.1f}" for u in users for x in t[u][r][:2]]
    ratio = t[users[0]][r][0] / max(t[users[1]][r][0], t[users[2]][r][0])
    print(f"| `{r}` | " + " | ".join(cells) + f" | {ratio:.2f} |")
PY
}
# National figures = Hải Phòng's + Khánh Hòa's for the rates (three periods) and the intake: the
# summary's counts, and the national row of each province equal to that province's own summary.
shards_check() { # BASE
  local base="$1" u jar
  for u in quocgia.admin haiduong.admin khanhhoa.admin; do
    jar="$work/jar-$u"
    curl -s -o /dev/null -c "$jar" -H 'content-type: application/json' -d "{\"username\":\"$u\",\"password\":\"MotCua@2026\"}" "$base/api/staff/login"
  done
  BASE="$base" WORK="$work" python3 - <<'PY'
import datetime, json, os, sys, urllib.request
base, work = os.environ["BASE"], os.environ["WORK"]
def cookie(u):
    for line in open(f"{work}/jar-{u}"):
        f = line.rstrip("\n").split("\t")
        if len(f) == 7 and f[5] == "motcua_staff":
            return f"motcua_staff={f[6]}"
    sys.exit(f"log-in as {u} failed")
def get(u, path):
    req = urllib.request.Request(base + path, headers={"cookie": cookie(u)})
    return json.load(urllib.request.urlopen(req))
y = datetime.datetime.now(datetime.timezone.utc).year
checks = [("rates", f"/api/dashboard/rates?period={y}", ("online", "other", "total")),
          ("rates", f"/api/dashboard/rates?period={y - 1}", ("online", "other", "total")),
          ("rates", f"/api/dashboard/rates?period={y - 2}-01-15..{y - 1}-10-23", ("online", "other", "total")),
          ("intake", f"/api/dashboard/intake?period={y}", ("online", "counter", "post", "total"))]
bad, said = [], []
for name, path, fields in checks:
    nat, a, b = (get(u, path) for u in ("quocgia.admin", "haiduong.admin", "khanhhoa.admin"))
    for f in fields:
        if nat["summary"][f] != a["summary"][f] + b["summary"][f]:
            bad.append(f"{path} {f}: national {nat['summary'][f]} != {a['summary'][f]} + {b['summary'][f]}")
    for prov in (a, b):
        row = next((r for r in nat["rows"] if r["code"] == prov["summary"]["code"]), None)
        if row is None or any(row[f] != prov["summary"][f] for f in fields):
            bad.append(f"{path}: national row {prov['summary']['code']} {row} != {prov['summary']}")
    if not nat["summary"]["total"]:
        bad.append(f"{path}: nothing counted")
    said.append(f"{path.split('?')[0].rsplit('/', 1)[1]} {path.split('period=')[1]}: " + ", ".join(f"{f} {nat['summary'][f]:,} = {a['summary'][f]:,} + {b['summary'][f]:,}" for f in fields))
if bad:
    print("FAILED: " + "; ".join(bad))
    sys.exit(1)
print("passed; " + "; ".join(said) + ".")
PY
}
# Section 6 into OUT_MD: in place of the one there (between its markers), else at the end.
put_shards_section() {
  OUT="$OUT_MD" SECTION="$work/shards.md" python3 - <<'PY'
import os
out, sec = os.environ["OUT"], open(os.environ["SECTION"]).read().strip()
begin, end = "<!-- section 6: scripts/bench.sh shards_bench -->", "<!-- end of section 6 -->"
text = open(out).read() if os.path.exists(out) else ""
block = f"{begin}\n{sec}\n{end}\n"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end) + 1:]
else:
    text = text.rstrip("\n") + "\n\n" + block
open(out, "w").write(text)
PY
}

if [ "$STEPS" = shards ]; then
  shards_bench
  put_shards_section
  log "section 6 of $OUT_MD written"
  exit 0
fi

# ---- 1. first-load weight -----------------------------------------------------------------------
log "first-load weight of dist/"
"$NODE20" "$HELPER" weight dist index.html >"$work/app-weight.json"
[ -f dist/can-bo/index.html ] && "$NODE20" "$HELPER" weight dist can-bo/index.html >"$work/staff-weight.json"

# ---- 4a. worker bundle --------------------------------------------------------------------------
# What Cloudflare would receive is the production build (`make deploy`: the providers' sandbox is
# not compiled in), built beside the development one that the load runs below use.
log "worker bundle: the production build (wrangler deploy --dry-run: what would be uploaded, no network)"
worker-build --release functions -d build-production >/dev/null 2>&1 || { echo "production worker build failed" >&2; exit 1; }
wrangler deploy functions/build-production/index.js --dry-run --outdir "$work/upload" >"$work/dry-run.log" 2>&1 || { cat "$work/dry-run.log" >&2; exit 1; }
"$NODE20" "$HELPER" bundle "$work/upload" "$work/dry-run.log" >"$work/bundle.json"
# The back-office Worker (the same crate, `backoffice` feature) and the signing Worker (its build
# is the same for development and production, scripts/build.sh): each has its own budget.
worker-build --release -d build-backoffice-production functions --features backoffice >/dev/null 2>&1 || { echo "production back-office build failed" >&2; exit 1; }
wrangler deploy -c backoffice/wrangler.toml functions/build-backoffice-production/index.js --dry-run --outdir "$work/upload-backoffice" >"$work/dry-run-backoffice.log" 2>&1 || { cat "$work/dry-run-backoffice.log" >&2; exit 1; }
"$NODE20" "$HELPER" bundle "$work/upload-backoffice" "$work/dry-run-backoffice.log" >"$work/bundle-backoffice.json"
wrangler deploy -c signer/wrangler.toml --dry-run --outdir "$work/upload-signer" >"$work/dry-run-signer.log" 2>&1 || { cat "$work/dry-run-signer.log" >&2; exit 1; }
"$NODE20" "$HELPER" bundle "$work/upload-signer" "$work/dry-run-signer.log" >"$work/bundle-signer.json"

# ---- the provincial data set (dashboard) --------------------------------------------------------
province_key="$( { echo "$PROVINCE_DOSSIERS $(date -u +%F)"; cat functions/migrations/*.sql functions/seed/demo.sql scripts/gen_province.py scripts/gen-province.sh; } 2>/dev/null | sha256sum | cut -c1-16)"
province_reused=0
if [ -n "${BENCH_PROVINCE_STATE:-}" ]; then
  province_state="$BENCH_PROVINCE_STATE"
  if [ "$(cat "$province_state/bench-key" 2>/dev/null)" = "$province_key" ]; then province_reused=1; fi
else
  province_state="$work/province"
fi
gen_start=$(date +%s)
if [ "$province_reused" = 1 ]; then
  log "provincial data set: reusing $province_state ($PROVINCE_DOSSIERS dossiers)"
else
  log "provincial data set: scripts/gen-province.sh $province_state $PROVINCE_DOSSIERS"
  rm -rf "$province_state"
  scripts/gen-province.sh "$province_state" "$PROVINCE_DOSSIERS" >"$work/gen-province.log" 2>&1 || { cat "$work/gen-province.log" >&2; exit 1; }
  echo "$province_key" >"$province_state/bench-key"
fi
printf '{"dossiers":%s,"reused":%s,"seconds":%s,"cached":%s}\n' "$PROVINCE_DOSSIERS" \
  "$([ "$province_reused" = 1 ] && echo true || echo false)" "$(( $(date +%s) - gen_start ))" \
  "$([ -n "${BENCH_PROVINCE_STATE:-}" ] && echo true || echo false)" >"$work/province.json"

start_server "$work/state"
server_label="demo"
# How the dev server encodes the app's largest file (Lighthouse's byte weight depends on it).
curl -fsS -o /dev/null -D - -H 'Accept-Encoding: gzip, deflate, br' "$BASE/pkg/motcua_bg.wasm" \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding"{print $2}' >"$work/served-encoding.txt" || true

# The landing pages' first load: the page as the Worker writes it, and the files it links.
curl -fsS "$BASE/" -o "$work/home.html"
"$NODE20" "$HELPER" weight dist home.html "$work/home.html" >"$work/weight.json"

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
  -- A route's Lua may define bench_extra(), returning more "key":value pairs for the report.
  local extra = bench_extra and ("," .. bench_extra()) or ""
  io.write(string.format(
    '\nBENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d%s}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, extra))
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
  ROUTE_PATH="$path" ROUTE_BODY="$body" ROUTE_HEADERS=() ROUTE_LUA="" ROUTE_CPU_PATHS="" ROUTE_CPU_REQUESTS=""
  if [ -n "$setup" ]; then log "set-up $setup"; "$setup"; fi
  status="$(smoke "$method" "$ROUTE_PATH" "$ROUTE_BODY")"
  lua_for "$method" "$ROUTE_BODY" "$work/route-$i.lua"
  log "wrk $method $ROUTE_PATH (status $status) beside $BASELINE_PATH, ${DURATION}s each"
  baseline="$(run_wrk "ping" "$work/baseline.lua" "$BASELINE_PATH")"
  route="$(run_wrk "$name" "$work/route-$i.lua" "$ROUTE_PATH")"
  "$NODE20" -e '
    const [name, method, path, status, b, r, answer, server] = process.argv.slice(1);
    console.log(JSON.stringify({ name, method, path, status: Number(status), answer, server, baseline: JSON.parse(b).run, route: JSON.parse(r).run }));
  ' "$name" "$method" "$ROUTE_PATH" "$status" "$baseline" "$route" "$(head -c 200 "$work/smoke.body")" "$server_label" >>"$work/load.jsonl"
  log "cpu per request: $name"
  headers_json="$("$NODE20" -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${ROUTE_HEADERS[@]}")"
  "$NODE20" "$HELPER" cpu "$server_pid" "$name" "$method" "$BASE$ROUTE_PATH" "$ROUTE_BODY" "${ROUTE_CPU_REQUESTS:-$CPU_REQUESTS}" "$headers_json" "$ROUTE_CPU_PATHS" >>"$work/cpu.jsonl"
done 3<<<"$ROUTES"
"$NODE20" "$HELPER" cpu "$server_pid" "ping (again)" GET "$BASE$BASELINE_PATH" "" "$CPU_REQUESTS" >>"$work/cpu.jsonl"
stop_server

# ---- 5. domain hot paths -----------------------------------------------------------------------
log "criterion (domain hot paths)"
crit_start="$(date +%s)"
# A bench that does not build or run leaves section 5 "not measured" (with cargo's first error in
# the report) rather than losing the measurements above.
if cargo bench -q -p motcua-domain --bench hot_paths -- --warm-up-time 1 --measurement-time 3 --noplot \
  >"$work/criterion.txt" 2>&1; then
  "$NODE20" "$HELPER" criterion target/criterion "$crit_start" >"$work/criterion.json"
else
  cat "$work/criterion.txt" >&2
  log "criterion failed: section 5 not measured"
  "$NODE20" -e 'const t = require("fs").readFileSync(process.argv[1], "utf8"); const i = t.search(/^error/m);
    console.log(JSON.stringify({ failed: (i < 0 ? t.slice(-1500) : t.slice(i)).split("\n").slice(0, 12).join("\n") }))' \
    "$work/criterion.txt" >"$work/criterion.json"
fi

# ---- report ------------------------------------------------------------------------------------
elapsed=$(( $(date +%s) - started ))
log "writing $OUT_MD"
# The report sets each route's ratio to ping beside the one in the report it replaces.
[ -f "$OUT_MD" ] && cp "$OUT_MD" "$work/previous.md"
BENCH_ELAPSED="$elapsed" BENCH_LOAD_START="$load_start" BENCH_DURATION="$DURATION" BENCH_CONNECTIONS="$CONNECTIONS" \
  BENCH_THREADS="$THREADS" BENCH_LH_RUNS="$LH_RUNS" BENCH_CPU_REQUESTS="$CPU_REQUESTS" \
  BENCH_LH_VERSION="$("$NODE20" node_modules/lighthouse/cli/index.js --version)" \
  BENCH_WRK_VERSION="$(wrk -v 2>&1 | head -1)" BENCH_CHROME_VERSION="$("$CHROME_PATH" --version 2>/dev/null || true)" \
  BENCH_NODE_VERSION="$("$NODE20" --version)" \
  "$NODE20" "$HELPER" report "$work" >"$OUT_MD"
shards_bench
put_shards_section
log "done in $(( $(date +%s) - started ))s"
