#!/usr/bin/env bash
# TLS echo benchmarks: aio's TLS (bench/echo's echo Protocol with
# WithTLS: aioserver -tls) against Go's crypto/tls over package net
# (bench/echo's goroutine-per-connection server: netserver -tls), TLS 1.3
# with AES-128-GCM, 64-byte and 16 KiB messages, one message in flight
# per connection, driven by bench/tls/loadgen (crypto/tls clients).
#
# The runner is bench/echo/harness.sh: the server alone on core 0
# (taskset -c 0, GOMAXPROCS=1), the load generator on core 1, a fresh
# server per scenario, REPEAT runs (default 3) with the servers taking
# turns, and a table of medians at the end. "server CPU per unit" is the
# server process's utime+stime over the measured window divided by the
# messages in it. The "at N/s" scenarios pace both servers to the same
# rate, so their CPU per message compares equal work; the others run as
# fast as the server and the load generator go (the load generator does
# the same crypto, so it can be the limit).
#
#   bash bench/tls/run.sh
#   REPEAT=1 DURATION=2s bash bench/tls/run.sh
#   ONLY='16 KiB' bash bench/tls/run.sh
#
# Needs taskset (util-linux).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
DURATION=${DURATION:-3s}
LOADGEN_PKG=$here/loadgen
. "$here/../echo/harness.sh"
SERVERS=${SERVERS:-"aio net"}

go build -o "$bin/aioserver" ../echo/aioserver
go build -o "$bin/netserver" ../echo/netserver

server_cmd() {
  case $1 in
    aio) cmd=("$bin/aioserver" -tls) ;;
    net) cmd=("$bin/netserver" -tls -buf 16384) ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
}

scenario "64 B, 16 conns" -conns 16 -size 64
scenario "64 B at 10k msg/s" -conns 16 -size 64 -rate 10000
scenario "16 KiB, 16 conns" -conns 16 -size 16384
scenario "16 KiB at 5k msg/s" -conns 16 -size 16384 -rate 5000

report
