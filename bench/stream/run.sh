#!/usr/bin/env bash
# Stream echo benchmarks: aio streams (StartServer, ReadLine + Write +
# Drain) against Go net+bufio (goroutine per connection) and asyncio
# streams on uvloop, all driven by bench/echo's load generator with
# -lines (each 64-byte message is a line ending in "\n").
#
# The server runs alone on core 0 (taskset -c 0, GOMAXPROCS=1), the load
# generator on core 1; each scenario starts a fresh server. "server CPU
# per unit" is the server process's utime+stime over the measured window
# divided by the messages in it. Each scenario runs REPEAT times (default
# 3), the servers taking turns; the table at the end shows the medians.
# The "at N/s" scenarios pace every server to the same rate, so their CPU
# per message compares equal work.
#
#   bench/stream/run.sh                       # everything, ~8 minutes
#   REPEAT=1 DURATION=3s SERVERS="aio net" bench/stream/run.sh
#   ONLY='ping-pong' bench/stream/run.sh      # scenarios whose name matches (grep -E)
#
# Needs taskset (util-linux) and, for the Python server, /usr/bin/python3
# with python3-uvloop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
bin=$(mktemp -d)
srv_pid=
cleanup() {
  [ -n "$srv_pid" ] && kill -9 "$srv_pid" 2>/dev/null || true
  rm -rf "$bin"
}
trap cleanup EXIT

PY=${PYTHON:-/usr/bin/python3}
DUR=${DURATION:-5s}
WARM=${WARMUP:-1s}
REPEAT=${REPEAT:-3}
pyname=uvloop
if ! "$PY" -c 'import uvloop' 2>/dev/null; then
  echo "run.sh: no uvloop for $PY: the Python server runs on plain asyncio" >&2
  pyname=asyncio
fi
SERVERS=${SERVERS:-"aio net $pyname"}
ONLY=${ONLY:-}

go build -o "$bin/loadgen" ../echo/loadgen
go build -o "$bin/aioserver" ./aioserver
go build -o "$bin/netserver" ./netserver
results="$bin/results.txt"
: > "$results"

start() {
  local cmd
  case $1 in
    aio) cmd=("$bin/aioserver") ;;
    net) cmd=("$bin/netserver") ;;
    uvloop|asyncio) cmd=("$PY" "$here/uvloop_server.py") ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
  : > "$bin/out"
  GOMAXPROCS=1 taskset -c 0 "${cmd[@]}" > "$bin/out" 2> "$bin/err" &
  srv_pid=$!
  for _ in $(seq 200); do
    grep -q LISTEN "$bin/out" && break
    sleep 0.05
  done
  srv_addr=$(awk '/LISTEN/{print $2}' "$bin/out")
  if [ -z "$srv_addr" ]; then
    echo "server $1 did not start:" >&2; cat "$bin/err" >&2; exit 1
  fi
}

stop() {
  kill -9 "$srv_pid" 2>/dev/null || true
  wait "$srv_pid" 2>/dev/null || true
  srv_pid=
}

scenario() {
  local label=$1 s r
  shift
  if [ -n "$ONLY" ] && ! grep -qE "$ONLY" <<< "$label"; then
    return
  fi
  for r in $(seq "$REPEAT"); do
    for s in $SERVERS; do
      start "$s"
      taskset -c 1 "$bin/loadgen" -lines -server "$s" -scenario "$label" -addr "$srv_addr" -pid "$srv_pid" \
        -warmup "$WARM" -duration "$DUR" "$@" | tee -a "$results" >&2
      stop
    done
  done
}

scenario "lines ping-pong, 64 conns × 64 B" -conns 64 -size 64 -depth 1
scenario "lines ping-pong at 20k msg/s" -conns 64 -size 64 -depth 1 -rate 20000
scenario "lines, 64 conns × 64 B, 16 in flight" -conns 64 -size 64 -depth 16
scenario "lines, 16 in flight at 80k msg/s" -conns 64 -size 64 -depth 16 -rate 80000
REPEAT=1 scenario "10,000 idle stream conns" -mode idle -conns 10000

echo
"$bin/loadgen" -report "$results"
