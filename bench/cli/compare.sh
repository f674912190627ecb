#!/usr/bin/env bash
# Compares "aio bench" with wrk on the same server: httpd.c (a minimal C
# HTTP responder, fast enough that the load generator is the
# bottleneck) alone on core 0, the load generator on core 1, one thread
# each (wrk -t1; aio bench with one loop and GOMAXPROCS=1), at equal
# connections. Prints both request rates per run and the median ratio,
# and each one's CPU time per request (user+system over the whole run,
# start-up included): on a machine shared with other work the rates move
# with the load, the CPU per request much less.
#
#   bench/cli/compare.sh                         # 10 and 100 connections, 5s, 3 runs
#   CONNS="50" DURATION=10s REPEAT=5 bench/cli/compare.sh
#
# Needs wrk, taskset (util-linux) and a C compiler ($CC, default cc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$(mktemp -d)
srv_pid=
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null || true
  rm -rf "$bin"
}
trap cleanup EXIT

CONNS=${CONNS:-"10 100"}
DUR=${DURATION:-5s}
REPEAT=${REPEAT:-3}
CC=${CC:-cc}
for tool in wrk taskset "$CC"; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not found" >&2; exit 1; }
done

"$CC" -O2 -o "$bin/httpd" "$here/httpd.c"
(cd "$root" && go build -o "$bin/aio" ./cmd/aio)

taskset -c 0 "$bin/httpd" >"$bin/listen" &
srv_pid=$!
for _ in $(seq 50); do
  grep -q LISTEN "$bin/listen" 2>/dev/null && break
  sleep 0.1
done
url="http://$(sed -n 's/^LISTEN //p' "$bin/listen")/"
echo "server: httpd.c on core 0 at $url; load generators on core 1, $DUR per run"
echo
# run CMD...: runs the load generator, leaving its output in $bin/out and
# its CPU time (user+system, seconds) in $cpu.
TIMEFORMAT='%U %S'
run() {
  local t
  t=$( { time "$@" >"$bin/out" 2>/dev/null; } 2>&1 )
  cpu=$(awk '{ print $1 + $2 }' <<<"$t")
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| connections | run | wrk req/s | aio bench req/s | aio ÷ wrk | wrk µs CPU/req | aio bench µs CPU/req |"
echo "|---|---|---|---|---|---|---|"
for c in $CONNS; do
  ratios=()
  for r in $(seq "$REPEAT"); do
    run taskset -c 1 wrk -t1 -c"$c" -d"$DUR" "$url"
    w=$(sed -n 's/^Requests\/sec: *//p' "$bin/out")
    wn=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$bin/out")
    wcpu=$(awk -v c="$cpu" -v n="$wn" 'BEGIN { printf "%.2f", c * 1e6 / n }')
    run env GOMAXPROCS=1 taskset -c 1 "$bin/aio" bench -json -c "$c" -d "$DUR" "$url"
    a=$(sed -n 's/^ *"requests_per_sec": *\([0-9.]*\).*/\1/p' "$bin/out")
    an=$(sed -n 's/^ *"requests": *\([0-9]*\).*/\1/p' "$bin/out")
    acpu=$(awk -v c="$cpu" -v n="$an" 'BEGIN { printf "%.2f", c * 1e6 / n }')
    ratio=$(awk -v a="$a" -v w="$w" 'BEGIN { printf "%.3f", a / w }')
    ratios+=("$ratio")
    printf '| %s | %s | %.0f | %.0f | %s | %s | %s |\n' "$c" "$r" "$w" "$a" "$ratio" "$wcpu" "$acpu"
  done
  echo "| $c | median | | | $(printf '%s\n' "${ratios[@]}" | median) | | |"
done
