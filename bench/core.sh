#!/usr/bin/env bash
# The benchmark suites of bench/RESULTS.md, aio against its goroutine
# versions and against Python asyncio 3.13 and uvloop, in one run, printed
# as a markdown table with ratios and target checks:
#
#   SUITE=core         issue 2 (the default): bench/core_test.go
#                      (^BenchmarkCore) and bench/py/core.py
#   SUITE=combinators  issue 3: bench/{gather,queue,lock}_bench_test.go
#                      (Gather10k, QueuePingPong, LockContention) and
#                      bench/py/combinators.py; bench/combinators.sh runs this
#
#   bench/core.sh                    # core suite, Go -count 6, Python 5 reps
#   SUITE=combinators bench/core.sh  # issue 3 suite (= bench/combinators.sh)
#   COUNT=2 REPS=2 bench/core.sh     # quicker, noisier
#
# Fairness: every measurement runs on one CPU with one P:
# GOMAXPROCS=1 taskset -c $CPU (CPU=0 by default) for Go and for Python, so
# the goroutine baselines get no second core that asyncio cannot use.
# Raw outputs stay in $OUT (a fresh temp dir unless set).
#
# Environment: SUITE (core), COUNT (go test -count, 6), REPS (Python
# repetitions, 5), CPU (the CPU to pin to, 0), BENCH (go test -bench
# regexp; the suite's benchmarks by default), PY313
# (/root/.pyenv/versions/3.13.0/bin/python3), PYSYS (/usr/bin/python3, the
# Debian interpreter that has python3-uvloop), OUT.
set -euo pipefail

cd "$(dirname "$0")/.."
SUITE=${SUITE:-core}
case $SUITE in
core)
	bench_re='^BenchmarkCore'
	pyscript=bench/py/core.py
	# aio against its goroutine equivalent; the other variants are in the table.
	bs_filter=(-filter '/impl:(aio OR goroutine)')
	;;
combinators)
	bench_re='^Benchmark(Gather10k|QueuePingPong|LockContention)$'
	pyscript=bench/py/combinators.py
	bs_filter=() # every impl: lock contention has mutex and chan, no goroutine
	;;
*)
	echo "core.sh: unknown SUITE=$SUITE (core or combinators)" >&2
	exit 2
	;;
esac
COUNT=${COUNT:-6}
REPS=${REPS:-5}
CPU=${CPU:-0}
BENCH=${BENCH:-$bench_re}
PY313=${PY313:-/root/.pyenv/versions/3.13.0/bin/python3}
PYSYS=${PYSYS:-/usr/bin/python3}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/aio-$SUITE-bench.XXXXXX")}
mkdir -p "$OUT"

if command -v taskset >/dev/null; then
	PIN=(env GOMAXPROCS=1 taskset -c "$CPU")
	pin_note="GOMAXPROCS=1 taskset -c $CPU"
else
	PIN=(env GOMAXPROCS=1)
	pin_note="GOMAXPROCS=1 (taskset not found: not pinned to a CPU)"
fi

note() { echo "# $*" >&2; }

note "suite $SUITE; $(go version); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(nproc) CPUs; pinned: $pin_note"
note "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
note "raw outputs in $OUT"

# 1. Go: aio vs the goroutine versions.
note "go test -run '^\$' -bench '$BENCH' -benchmem -count $COUNT ./bench/"
"${PIN[@]}" go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -timeout 60m ./bench/ >"$OUT/go.txt"
if command -v benchstat >/dev/null || [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	bs=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
	"$bs" -col /impl ${bs_filter[@]+"${bs_filter[@]}"} "$OUT/go.txt" >"$OUT/benchstat.txt" 2>&1 || true
	cat "$OUT/benchstat.txt" >&2
else
	note "benchstat not installed (go install golang.org/x/perf/cmd/benchstat@latest): raw output only"
	cat "$OUT/go.txt" >&2
fi

# 2. Python asyncio 3.13, uvloop (Debian's python3 + python3-uvloop), and
#    asyncio on the Debian interpreter as an extra reference.
run_py() { # name interpreter loop
	local name=$1 py=$2 loop=$3
	if [ ! -x "$py" ]; then
		echo "{\"impl\": \"$loop\", \"skip\": \"skipped: $py is not installed\"}" >"$OUT/$name.jsonl"
	else
		note "$py $pyscript --loop $loop --reps $REPS --json"
		"${PIN[@]}" "$py" "$pyscript" --loop "$loop" --reps "$REPS" --json >"$OUT/$name.jsonl"
	fi
	grep skip "$OUT/$name.jsonl" | sed 's/^/# /' >&2 || true
}
run_py asyncio313 "$PY313" asyncio
run_py uvloop "$PYSYS" uvloop
run_py asyncio311 "$PYSYS" asyncio
note "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# 3. The table.
PYT=$PY313
[ -x "$PYT" ] || PYT=python3
"$PYT" bench/py/core_table.py --suite "$SUITE" "$OUT/go.txt" "$OUT/asyncio313.jsonl" "$OUT/uvloop.jsonl" "$OUT/asyncio311.jsonl" | tee "$OUT/table.md"
