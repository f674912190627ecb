#!/usr/bin/env bash
# TLS echo benchmarks: aio's TLS (an echo Protocol with WithTLS) against
# Go's crypto/tls over package net (a goroutine per connection), TLS 1.3
# with AES-128-GCM, 64-byte and 16 KiB messages, one message in flight
# per connection.
#
# The server runs alone on core 0 (taskset -c 0, GOMAXPROCS=1), the load
# generator (bench/tls/loadgen, crypto/tls clients) on core 1. Each
# scenario starts a fresh server. "server CPU per unit" is the server
# process's utime+stime over the measured window divided by the
# messages in it. The "at N/s" scenarios pace both servers to the same
# rate, so their CPU per message compares equal work; the others run as
# fast as the server and the load generator go (at 16 KiB the load
# generator, which does the same crypto, is the limit). Each scenario
# runs REPEAT times (default 3), the servers taking turns; the table at
# the end shows the medians.
#
#   bash bench/tls/run.sh
#   REPEAT=1 DURATION=2s bash bench/tls/run.sh
#   ONLY='16 KiB' bash bench/tls/run.sh
#
# Needs taskset (util-linux).
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
DUR=${DURATION:-3s}
WARM=${WARMUP:-1s}
REPEAT=${REPEAT:-3}
ONLY=${ONLY:-}
SERVERS=${SERVERS:-"aio net"}
go build -o "$bin/aioserver" ./aioserver
go build -o "$bin/netserver" ./netserver
go build -o "$bin/loadgen" ./loadgen
go build -o "$bin/report" ../echo/loadgen
results="$bin/results.txt"
: > "$results"

scenario() {
  local label=$1 r s addr
  shift
  if [ -n "$ONLY" ] && ! grep -qE "$ONLY" <<< "$label"; then
    return
  fi
  for r in $(seq "$REPEAT"); do
    for s in $SERVERS; do
      GOMAXPROCS=1 taskset -c 0 "$bin/${s}server" > "$bin/out" 2> "$bin/err" &
      srv_pid=$!
      for _ in $(seq 200); do
        grep -q LISTEN "$bin/out" && break
        sleep 0.05
      done
      addr=$(awk '/LISTEN/{print $2}' "$bin/out")
      [ -n "$addr" ] || { echo "server $s did not start:" >&2; cat "$bin/err" >&2; exit 1; }
      taskset -c 1 "$bin/loadgen" -server "$s" -scenario "$label" -addr "$addr" -pid "$srv_pid" \
        -warmup "$WARM" -duration "$DUR" "$@" | tee -a "$results" >&2
      kill -9 "$srv_pid" 2>/dev/null || true
      wait "$srv_pid" 2>/dev/null || true
      srv_pid=
    done
  done
}

scenario "64 B, 16 conns" -conns 16 -size 64
scenario "64 B at 10k msg/s" -conns 16 -size 64 -rate 10000
scenario "16 KiB, 16 conns" -conns 16 -size 16384
scenario "16 KiB at 5k msg/s" -conns 16 -size 16384 -rate 5000

echo
"$bin/report" -report "$results"
