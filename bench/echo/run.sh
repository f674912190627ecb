#!/usr/bin/env bash
# Echo benchmarks: aio against Go net (goroutine per connection),
# asyncio+uvloop and a minimal C epoll server (the floor), all driven by
# the same load generator (loadgen).
#
# The server runs alone on core 0 (taskset -c 0, GOMAXPROCS=1), the load
# generator on core 1. Each scenario starts a fresh server. Rates are
# messages (or MiB) echoed per second; "server CPU per unit" is the
# server process's utime+stime over the measured window divided by the
# messages (or MiB) in it. Prints the RESULT lines on stderr as they come
# and a markdown table at the end.
#
# Each scenario runs REPEAT times (default 3), the servers taking turns,
# and the table shows the medians: this machine's figures drift by 10%
# from one run to the next.
#
# The "at N/s" scenarios pace the load generator to the same rate for
# every server, below what the slowest one sustains: their CPU per
# message compares the servers at equal work. The others run as fast as
# each server answers; there a faster server batches less per wake-up,
# so its CPU per message is not comparable, its rate is.
#
#   bench/echo/run.sh                       # everything, ~12 minutes
#   REPEAT=1 DURATION=3s SERVERS="aio net" bench/echo/run.sh
#   ONLY='at [0-9]+k' bench/echo/run.sh      # the scenarios whose name matches (grep -E)
#   NICE=-10 bench/echo/run.sh              # server and loadgen at nice -10 (root), on a
#                                           # machine where other work takes the cores
#
# Needs taskset (util-linux) and, for the uvloop server,
# /usr/bin/python3 with python3-uvloop (apt-get install python3-uvloop).
# The C server (cserver.c) is built with the system's cc; without one it
# is left out, with a note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
. "$here/harness.sh"
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

scenario "ping-pong, 64 conns × 64 B" -conns 64 -size 64 -depth 1
scenario "ping-pong at 40k msg/s" -conns 64 -size 64 -depth 1 -rate 40000
scenario "pipelined, 64 conns × 64 B, 16 in flight" -conns 64 -size 64 -depth 16
scenario "pipelined at 100k msg/s" -conns 64 -size 64 -depth 16 -rate 100000
scenario "pipelined at 300k msg/s" -conns 64 -size 64 -depth 16 -rate 300000
scenario "pipelined at 500k msg/s" -conns 64 -size 64 -depth 16 -rate 500000
scenario "1 MiB messages, 4 conns" -conns 4 -size 1048576 -depth 1
scenario "1 MiB messages at 400 MB/s" -conns 4 -size 1048576 -depth 1 -rate 400
REPEAT=1 scenario "10,000 idle conns" -mode idle -conns 10000

report
