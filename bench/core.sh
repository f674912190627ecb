#!/usr/bin/env bash
# Core benchmarks (issue 2): aio vs goroutine+channel (bench/core_test.go)
# vs Python asyncio 3.13 and uvloop (bench/py/core.py), in one run, printed
# as the markdown table of bench/RESULTS.md ("## Core (issue 2)").
#
#   bench/core.sh                 # everything, Go -count 6, Python 5 reps
#   COUNT=2 REPS=2 bench/core.sh  # quicker, noisier
#
# Fairness: every measurement runs on one CPU with one P:
# GOMAXPROCS=1 taskset -c $CPU (CPU=0 by default) for Go and for Python, so
# the goroutine baselines get no second core that asyncio cannot use.
# Raw outputs stay in $OUT (a fresh temp dir unless set).
#
# Environment: COUNT (go test -count, 6), REPS (Python repetitions, 5),
# CPU (the CPU to pin to, 0), BENCH (go test -bench regexp, ^BenchmarkCore: this issue's benchmarks only),
# PY313 (/root/.pyenv/versions/3.13.0/bin/python3), PYSYS (/usr/bin/python3,
# the Debian interpreter that has python3-uvloop), OUT.
set -euo pipefail

cd "$(dirname "$0")/.."
COUNT=${COUNT:-6}
REPS=${REPS:-5}
CPU=${CPU:-0}
BENCH=${BENCH:-^BenchmarkCore}
PY313=${PY313:-/root/.pyenv/versions/3.13.0/bin/python3}
PYSYS=${PYSYS:-/usr/bin/python3}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/aio-core-bench.XXXXXX")}
mkdir -p "$OUT"

if command -v taskset >/dev/null; then
	PIN=(env GOMAXPROCS=1 taskset -c "$CPU")
	pin_note="GOMAXPROCS=1 taskset -c $CPU"
else
	PIN=(env GOMAXPROCS=1)
	pin_note="GOMAXPROCS=1 (taskset not found: not pinned to a CPU)"
fi

note() { echo "# $*" >&2; }

note "$(go version); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(nproc) CPUs; pinned: $pin_note"
note "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
note "raw outputs in $OUT"

# 1. Go: aio vs goroutine.
note "go test -run '^\$' -bench '$BENCH' -benchmem -count $COUNT ./bench/"
"${PIN[@]}" go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -timeout 60m ./bench/ >"$OUT/go.txt"
if command -v benchstat >/dev/null || [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	bs=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
	# aio against its goroutine equivalent; the other variants are in the table.
	"$bs" -col /impl -filter '/impl:(aio OR goroutine)' "$OUT/go.txt" >"$OUT/benchstat.txt" 2>&1 || true
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
		note "$py bench/py/core.py --loop $loop --reps $REPS --json"
		"${PIN[@]}" "$py" bench/py/core.py --loop "$loop" --reps "$REPS" --json >"$OUT/$name.jsonl"
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
"$PYT" bench/py/core_table.py "$OUT/go.txt" "$OUT/asyncio313.jsonl" "$OUT/uvloop.jsonl" "$OUT/asyncio311.jsonl" | tee "$OUT/table.md"
