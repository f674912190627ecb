#!/usr/bin/env bash
# HTTP server benchmarks (issue 10): the aio web server against Go
# net/http, fasthttp v1.73.0, aiohttp on uvloop and a minimal responder on
# aio's poller (raw, the floor), all answering GET / with the 13 bytes
# "Hello, World!".
#
# The server runs alone on core 0 (taskset -c 0, GOMAXPROCS=1), the load
# generator on core 1. Each scenario starts a fresh server. Free-running
# scenarios use wrk (one thread, bench/web/wrk.lua for the pipelining);
# the "at N req/s" ones use bench/web/loadgen's own paced generator at
# the same rate for every server, below what the slowest sustains, so
# that their CPU per request compares equal work (running free, a faster
# server batches less per wake-up, so only its rate compares). "server
# CPU per request" is the server process's utime+stime (/proc/PID/stat,
# all threads) over the measured window divided by the requests in it.
# wrk's p99 is its own, corrected for coordinated omission; in pipelined
# rows wrk times a batch of 16 as one request and its correction breaks
# the percentiles, so those rows show none (FREE=loadgen runs the
# free-running rows on loadgen, which times every request from its
# write). The idle scenario opens 10,000 keep-alive connections, one request
# each, and reports the server's RSS growth per connection
# (bench/web/idleconns). Prints the RESULT lines on stderr as they come
# and a markdown table of medians at the end, with each row's ratios to
# the floor (raw) and to fasthttp.
#
#   bash bench/web/run.sh                          # everything, ~10 minutes
#   REPEAT=1 DURATION=2s SERVERS="aio fasthttp" bash bench/web/run.sh
#   ONLY='pipelined' bash bench/web/run.sh         # the scenarios whose name matches (grep -E)
#   NICE=-10 bash bench/web/run.sh                 # server and load at nice -10 (root)
#   RATE=10000 PRATE=50000 bash bench/web/run.sh   # the paced rates (plain, pipelined; the defaults)
#   FREE=loadgen bash bench/web/run.sh             # free-running rows on loadgen instead of wrk
#
# Needs taskset (util-linux), wrk, and /usr/bin/python3 with
# python3-aiohttp and python3-uvloop: missing Debian packages are
# installed with apt-get (as root, or with sudo). If the aio server
# (aioserver) does not build, it is left out, with a note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
PY=${PYTHON:-/usr/bin/python3}
DUR=${DURATION:-5s}
WARM=${WARMUP:-1s}
REPEAT=${REPEAT:-3}
NICE=${NICE:-0}
ONLY=${ONLY:-}
RATE=${RATE:-10000}
PRATE=${PRATE:-50000}
IDLE=${IDLE:-10000}
FREE=${FREE:-wrk}

. "$here/harness.sh"
apt_need wrk command -v wrk

# 10,000 idle connections need as many fds in the server and in idleconns.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE + 100)) ]; then
  ulimit -n $((IDLE + 100)) 2>/dev/null || echo "run.sh: fd limit $(ulimit -n) is below $IDLE connections" >&2
fi

go build -o "$bin/loadgen" ./loadgen
go build -o "$bin/idleconns" ./idleconns
go build -o "$bin/rawserver" ./rawserver
go build -o "$bin/netserver" ./netserver
(cd peers && go build -o "$bin/fasthttpserver" ./fasthttpserver)
build_aio "$bin/aioserver" ./aioserver
SERVERS=${SERVERS:-"raw $aioname fasthttp net $pyname"}
results="$bin/results.txt"
: > "$results"

start() {
  local cmd
  pick_port
  case $1 in
    raw) cmd=("$bin/rawserver" -addr "$srv_addr") ;;
    aio) cmd=("$bin/aioserver" -addr "$srv_addr") ;;
    fasthttp) cmd=("$bin/fasthttpserver" -addr "$srv_addr") ;;
    net) cmd=("$bin/netserver" -addr "$srv_addr") ;;
    aiohttp|aiohttp-asyncio) cmd=("$PY" "$here/aiohttp_server.py" 127.0.0.1 "$srv_port") ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
  serve "$1" "${cmd[@]}"
}

# scenario LABEL REPEATS COMMAND ARGS...: runs the command (on core 1,
# given the server's -addr, -pid and -name) against each server in turn.
scenario() {
  local label=$1 repeats=$2 s r
  shift 2
  if [ -n "$ONLY" ] && ! grep -qE "$ONLY" <<< "$label"; then
    return
  fi
  for r in $(seq "$repeats"); do
    for s in $SERVERS; do
      start "$s" || continue
      measure "$s" "$@" -addr "$srv_addr" -pid "$srv_pid" -name "$s" -scenario "$label"
      stop
    done
  done
}

lg=("$bin/loadgen" -warmup "$WARM" -duration "$DUR")
case $FREE in
  wrk) free=("${lg[@]}" -mode wrk -script "$here/wrk.lua") ;;
  loadgen) free=("${lg[@]}" -mode paced -rate 0) ;;
  *) echo "FREE is wrk or loadgen, not $FREE" >&2; exit 1 ;;
esac
scenario "64 conns" "$REPEAT" "${free[@]}" -conns 64
scenario "256 conns" "$REPEAT" "${free[@]}" -conns 256
scenario "64 conns, 16 pipelined" "$REPEAT" "${free[@]}" -conns 64 -depth 16
scenario "256 conns, 16 pipelined" "$REPEAT" "${free[@]}" -conns 256 -depth 16
scenario "64 conns at $((RATE / 1000))k req/s" "$REPEAT" "${lg[@]}" -mode paced -conns 64 -rate "$RATE"
scenario "64 conns, 16 pipelined at $((PRATE / 1000))k req/s" "$REPEAT" "${lg[@]}" -mode paced -conns 64 -depth 16 -rate "$PRATE"
scenario "$(sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta' <<< "$IDLE") idle keep-alive conns" 1 "$bin/idleconns" -conns "$IDLE"

echo
"$bin/loadgen" -report "$results" -refs raw,fasthttp
