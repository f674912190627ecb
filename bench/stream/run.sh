#!/usr/bin/env bash
# Stream echo benchmarks: aio streams (StartServer, ReadLine + Write +
# Drain) against Go net+bufio (goroutine per connection) and asyncio
# streams on uvloop, all driven by bench/echo's load generator with
# -lines (each 64-byte message is a line ending in "\n"). The floor is
# bench/echo's C server (c), which echoes the bytes without looking for
# the lines: the same syscalls per message as a line server that answers
# all the lines of a read in one write, and nothing else.
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
# with python3-uvloop. The runner is bench/echo/harness.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
LOADGEN_FLAGS=-lines
. "$here/../echo/harness.sh"
SERVERS=${SERVERS:-"aio net $pyname $cname"}

go build -o "$bin/aioserver" ./aioserver
go build -o "$bin/netserver" ./netserver
build_cfloor

server_cmd() {
  case $1 in
    aio) cmd=("$bin/aioserver") ;;
    net) cmd=("$bin/netserver") ;;
    c) cmd=("$bin/cserver") ;;
    uvloop|asyncio) cmd=("$PY" "$here/uvloop_server.py") ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
}

scenario "lines ping-pong, 64 conns × 64 B" -conns 64 -size 64 -depth 1
scenario "lines ping-pong at 20k msg/s" -conns 64 -size 64 -depth 1 -rate 20000
scenario "lines, 64 conns × 64 B, 16 in flight" -conns 64 -size 64 -depth 16
scenario "lines, 16 in flight at 80k msg/s" -conns 64 -size 64 -depth 16 -rate 80000
REPEAT=1 scenario "10,000 idle stream conns" -mode idle -conns 10000

report
