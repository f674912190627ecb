# The benchmark runner shared by bench/echo/run.sh and bench/stream/run.sh
# (sourced, not run). The sourcing script sets SERVERS (names) and
# defines server_cmd NAME, which sets the array cmd to the command that
# serves; LOADGEN_FLAGS adds flags to every load generator run. Then it
# calls scenario LABEL FLAGS... and, at the end, report.
#
# Environment: PYTHON, DURATION, WARMUP, REPEAT, ONLY, NICE (see run.sh);
# LOADGEN_PKG, the load generator's package (bench/echo/loadgen by
# default; its RESULT lines must be in that one's format).
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
ONLY=${ONLY:-}
NICE=${NICE:-0}
LOADGEN_FLAGS=${LOADGEN_FLAGS:-}
pyname=uvloop
if ! "$PY" -c 'import uvloop' 2>/dev/null; then
  echo "run.sh: no uvloop for $PY: the Python server runs on plain asyncio" >&2
  pyname=asyncio
fi
# The C floor (bench/echo/cserver.c), built with the system's cc by
# build_cfloor when SERVERS names c; cname is "c", or empty without cc.
CC=${CC:-cc}
cname=c
if ! command -v "$CC" >/dev/null; then
  echo "run.sh: no C compiler ($CC): the C floor server is left out" >&2
  cname=
fi
build_cfloor() {
  case " $SERVERS " in
    *" c "*) "$CC" -O2 -o "$bin/cserver" "$(dirname "${BASH_SOURCE[0]}")/cserver.c" ;;
  esac
}
results="$bin/results.txt"
: > "$results"
go build -o "$bin/loadgen" "${LOADGEN_PKG:-$(dirname "${BASH_SOURCE[0]}")/loadgen}"
go build -o "$bin/report" "$(dirname "${BASH_SOURCE[0]}")/loadgen"

start() {
  local cmd
  server_cmd "$1"
  : > "$bin/out"
  GOMAXPROCS=1 nice -n "$NICE" taskset -c 0 "${cmd[@]}" > "$bin/out" 2> "$bin/err" &
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
      # shellcheck disable=SC2086 # LOADGEN_FLAGS is a list of flags
      nice -n "$NICE" taskset -c 1 "$bin/loadgen" $LOADGEN_FLAGS -server "$s" -scenario "$label" -addr "$srv_addr" -pid "$srv_pid" \
        -warmup "$WARM" -duration "$DUR" "$@" | tee -a "$results" >&2
      stop
    done
  done
}

report() {
  echo
  "$bin/report" -report "$results"
}
