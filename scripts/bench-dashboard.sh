#!/usr/bin/env bash
# Latency of every dashboard API route against a running server, p50/p99 per route over N calls
# (sequential, after one warm-up call), plus /api/health as the baseline of the same run.
# For `make bench` (and by hand after scripts/gen-province.sh):
#   scripts/bench-dashboard.sh http://127.0.0.1:8787 [USERNAME=haiduong.admin] [N=40]
# Prints one line per route: "<route> p50_ms p99_ms"; exits 1 if any call fails. With
# BENCH_DASHBOARD_RAW=FILE, each measured call also appends "<route> <seconds>" to FILE (the
# bench's section 6 interleaves users in rounds and takes the percentiles over all of them).
set -euo pipefail
base="${1:?base url}"
user="${2:-haiduong.admin}"
n="${3:-40}"
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -H 'content-type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"MotCua@2026\"}" "$base/api/staff/login")
[ "$code" = 200 ] || { echo "log-in as $user failed: HTTP $code" >&2; exit 1; }
# The staff cookie is Secure; curl would not send it over http, so pass it by hand.
cookie=$(awk '$6 == "motcua_staff" {print $6 "=" $7}' "$jar")
year=$(date -u +%Y)
routes=(
  "/api/health"
  "/api/dashboard/rates?period=$year"
  "/api/dashboard/rates?period=$((year - 1))"
  "/api/dashboard/rates?period=$((year - 2))-01-15..$((year - 1))-10-23"
  "/api/dashboard/rates?period=$year&format=csv"
  "/api/dashboard/trend?period=$((year - 2))-01-01..$year-12-31"
  "/api/dashboard/procedures?period=$year"
  "/api/dashboard/coverage"
  "/api/dashboard/dormant"
  "/api/dashboard/overdue"
  "/api/dashboard/intake?period=$year"
)
status=0
printf '%-72s %8s %8s\n' route p50_ms p99_ms
for r in "${routes[@]}"; do
  curl -s -o /dev/null -H "cookie: $cookie" "$base$r" || true
  times=()
  for _ in $(seq "$n"); do
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "cookie: $cookie" "$base$r")
    [ "${out%% *}" = 200 ] || { echo "$r answered ${out%% *}" >&2; status=1; }
    times+=("${out#* }")
    [ -z "${BENCH_DASHBOARD_RAW:-}" ] || echo "$r ${out#* }" >>"$BENCH_DASHBOARD_RAW"
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v r="$r" '{a[NR]=$1} END {
    p50=a[int((NR+1)*0.5)]; i=int(NR*0.99+0.999); if (i>NR) i=NR; p99=a[i];
    printf "%-72s %8.1f %8.1f\n", r, p50*1000, p99*1000 }'
done
exit $status
