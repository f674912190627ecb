#!/usr/bin/env bash
# HTTP client benchmarks (issue 11): aio's client against the Go net/http
# client, the fasthttp v1.73.0 client and the aiohttp client on uvloop,
# all GETting the same 13-byte "Hello, World!" from one local fasthttp
# server over keep-alive connections, 64 requests in flight.
#
# The server (bench/web/peers/fasthttpserver) runs on core 0
# (taskset -c 0, GOMAXPROCS=1), so that it is not the limit; each client
# runs alone on core 1 (taskset -c 1, GOMAXPROCS=1: one core, as aiohttp
# and aio's one loop have). Each run starts a fresh server. A client
# reports requests per second and its own CPU per request (getrusage,
# all threads, over the measured window), and the server's CPU use in
# percent: near 100 % the server, not the client, set the rate. Prints
# the RESULT lines on stderr as they come and a markdown table of
# medians at the end, with each row's ratios to fasthttp and net/http.
#
#   bash bench/client/run.sh                         # ~2 minutes
#   REPEAT=1 DURATION=2s CLIENTS="aio net" bash bench/client/run.sh
#   CONNS=256 bash bench/client/run.sh               # requests in flight
#   NICE=-10 bash bench/client/run.sh                # server and client at nice -10 (root)
#
# Needs taskset (util-linux) and /usr/bin/python3 with python3-aiohttp
# and python3-uvloop: missing Debian packages are installed with apt-get
# (as root, or with sudo). If the aio client (aioclient) does not build,
# it is left out, with a note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
web=$here/../web
PY=${PYTHON:-/usr/bin/python3}
DUR=${DURATION:-5s}
WARM=${WARMUP:-1s}
REPEAT=${REPEAT:-3}
NICE=${NICE:-0}
CONNS=${CONNS:-64}

. "$web/harness.sh"

go build -o "$bin/loadgen" "$web/loadgen"
go build -o "$bin/netclient" ./netclient
(cd "$web/peers" && go build -o "$bin/fasthttpserver" ./fasthttpserver && go build -o "$bin/fasthttpclient" ./fasthttpclient)
build_aio "$bin/aioclient" ./aioclient
CLIENTS=${CLIENTS:-"$aioname fasthttp net $pyname"}
results="$bin/results.txt"
: > "$results"

label="keep-alive, $CONNS in flight"
for r in $(seq "$REPEAT"); do
  for c in $CLIENTS; do
    case $c in
      aio) cmd=("$bin/aioclient") ;;
      fasthttp) cmd=("$bin/fasthttpclient") ;;
      net) cmd=("$bin/netclient") ;;
      aiohttp|aiohttp-asyncio) cmd=("$PY" "$here/aiohttp_client.py") ;;
      *) echo "unknown client $c" >&2; exit 1 ;;
    esac
    pick_port
    serve fasthttp "$bin/fasthttpserver" -addr "$srv_addr" || continue
    measure "$c" "${cmd[@]}" -url "http://$srv_addr/" -conns "$CONNS" \
      -warmup "$WARM" -duration "$DUR" -pid "$srv_pid" -name "$c" -scenario "$label"
    stop
  done
done

echo
"$bin/loadgen" -report "$results" -layout client -refs fasthttp,net
