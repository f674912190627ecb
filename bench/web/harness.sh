# The parts of bench/web/run.sh and bench/client/run.sh that are alike,
# sourced by both after they set PY and NICE: a temp directory ($bin)
# removed at exit with the server still running, the Debian packages the
# Python peers need, and a server's start and stop.

bin=$(mktemp -d)
srv_pid=
cleanup() {
  [ -n "$srv_pid" ] && kill -9 "$srv_pid" 2>/dev/null || true
  rm -rf "$bin"
}
trap cleanup EXIT

# apt_need PACKAGE TEST...: installs the Debian package unless TEST passes.
apt_need() {
  local pkg=$1
  shift
  "$@" >/dev/null 2>&1 && return
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "run.sh: installing $pkg" >&2
  $sudo apt-get install -y -q "$pkg" >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "$pkg" >&2; }
}
apt_need util-linux command -v taskset
apt_need python3-aiohttp "$PY" -c 'import aiohttp'
apt_need python3-uvloop "$PY" -c 'import uvloop'
# pyname names the aiohttp peer: on uvloop, or on plain asyncio without.
pyname=aiohttp
if ! "$PY" -c 'import uvloop' 2>/dev/null; then
  echo "run.sh: no uvloop for $PY: aiohttp runs on plain asyncio" >&2
  pyname=aiohttp-asyncio
fi

# pick_port sets srv_port to a free port and srv_addr to 127.0.0.1:port
# ($bin/loadgen must be built).
pick_port() {
  srv_port=$("$bin/loadgen" -mode port)
  srv_addr=127.0.0.1:$srv_port
}

# serve NAME CMD...: starts CMD alone on core 0 (GOMAXPROCS=1, nice
# $NICE), sets srv_pid, and waits until it answers GET / at $srv_addr.
# If it does not, it says so, stops it and fails.
serve() {
  local name=$1
  shift
  GOMAXPROCS=1 nice -n "$NICE" taskset -c 0 "$@" > "$bin/out" 2> "$bin/err" &
  srv_pid=$!
  if ! "$bin/loadgen" -mode check -addr "$srv_addr"; then
    echo "run.sh: server $name did not start:" >&2
    tail -5 "$bin/err" >&2
    stop
    return 1
  fi
}

# measure NAME CMD...: runs CMD alone on core 1 (GOMAXPROCS=1, nice
# $NICE), its RESULT line to $bin/results.txt and stderr. A failure is
# reported with the server's last words, and the run goes on.
measure() {
  local name=$1
  shift
  if ! GOMAXPROCS=1 nice -n "$NICE" taskset -c 1 "$@" | tee -a "$bin/results.txt" >&2; then
    echo "run.sh: $name failed; the server's stderr ends:" >&2
    tail -5 "$bin/err" >&2
  fi
}

stop() {
  kill -9 "$srv_pid" 2>/dev/null || true
  wait "$srv_pid" 2>/dev/null || true
  srv_pid=
}

# build_aio OUT PKG: builds the aio peer and sets aioname to aio, or to
# nothing, with a note, if it does not build.
build_aio() {
  aioname=aio
  if ! go build -o "$1" "$2" 2> "$bin/aio-build.txt"; then
    echo "run.sh: $2 does not build (package web not there yet?): aio left out" >&2
    head -3 "$bin/aio-build.txt" >&2
    aioname=
  fi
}
