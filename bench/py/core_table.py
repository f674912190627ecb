"""Builds the markdown table of bench/core.sh (issue 2) from the Go
benchmark output and the JSON lines of bench/py/core.py.

    python3 bench/py/core_table.py GO_OUTPUT [asyncio313.jsonl] [uvloop.jsonl] [asyncio311.jsonl]

Go figures are the median over -count runs (as benchstat reports them);
Python figures are the median over core.py's repetitions. A missing or
skipped Python file gives "n/a" cells and a note under the table.
"""

import json
import re
import statistics
import sys
from collections import defaultdict

# workload key, row label, Go benchmark name
ROWS = [
    ("spawn", "spawn + complete a trivial task (per task)", "CoreSpawn"),
    ("await", "await an already-done future (per await)", "CoreAwaitDone"),
    ("switch", "`Sleep(t, 0)` suspend/resume round trip", "CoreSwitch"),
    ("callsoon", "`CallSoon` + run (per callback, 1M queued)", "CoreCallSoon"),
    ("timers", "1M `CallLater` + `Cancel` (total for 1M)", "CoreCallLaterCancel1M"),
]

GOROUTINE_EQUIV = {
    "spawn": "`go wg.Done()` + `wg.Wait()`",
    "await": "receive from a closed channel",
    "switch": "ping-pong on 2 unbuffered channels",
    "callsoon": "`func()` over a buffered channel (cap 1024) to a goroutine",
    "timers": "`time.AfterFunc` + `Stop`",
}

LINE = re.compile(r"^Benchmark(\w+)/impl=(\w+)(?:-\d+)?\s+\d+\s+(.*)$")


def parse_go(path):
    """Returns {(bench, impl): {unit: [values]}}."""
    out = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            bench, impl, rest = m.groups()
            fields = rest.split()
            for v, unit in zip(fields[0::2], fields[1::2]):
                out[(bench, impl)][unit].append(float(v))
    return out


def parse_py(path):
    """Returns ({workload: ns_per_op}, version or skip note)."""
    if not path:
        return {}, "not run"
    rows, version = {}, None
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                r = json.loads(line)
                if "skip" in r:
                    return {}, r["skip"]
                rows[r["workload"]] = r["ns_per_op"]
                version = r["version"]
    except FileNotFoundError:
        return {}, f"skipped: {path} not found"
    return rows, version or "no results"


def med(go, bench, impl, unit="ns/op"):
    vals = go.get((bench, impl), {}).get(unit)
    return statistics.median(vals) if vals else None


def fmt_ns(key, ns):
    if ns is None:
        return "n/a"
    if key == "timers":
        return f"{ns / 1e6:.0f} ms"
    if ns >= 100:
        return f"{ns:.0f} ns"
    return f"{ns:.1f} ns"


def fmt_allocs(n):
    if n is None:
        return ""
    if n >= 10_000:
        return f", {n / 1e6:.2f}M allocs"
    return f", {n:g} alloc" + ("" if n == 1 else "s")


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.1f}×"


def yes(ok):
    return "✅" if ok else "❌"


def main():
    args = sys.argv[1:] + [None] * 4
    go = parse_go(args[0])
    py313, v313 = parse_py(args[1])
    uv, vuv = parse_py(args[2])
    py311, v311 = parse_py(args[3])

    print("| workload | aio | goroutine | asyncio 3.13 | uvloop | asyncio/aio | uvloop/aio | targets |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    misses = []
    for key, label, bench in ROWS:
        aio = med(go, bench, "aio")
        gor = med(go, bench, "goroutine")
        allocs = med(go, bench, "aio", "allocs/op")
        a313, auv = py313.get(key), uv.get(key)
        aio_cell = fmt_ns(key, aio) + fmt_allocs(allocs)
        gor_cell = fmt_ns(key, gor) + fmt_allocs(med(go, bench, "goroutine", "allocs/op"))
        targets = []
        if key == "spawn" and aio is not None:
            targets.append(f"≤150 ns {yes(aio <= 150)}")
            targets.append(f"≤1 alloc {yes(allocs is not None and allocs <= 1)}")
            if aio > 150 or (allocs or 0) > 1:
                misses.append(key)
        if key == "switch" and aio is not None:
            targets.append(f"≤100 ns {yes(aio <= 100)}")
            if aio > 100:
                misses.append(key)
        if key == "timers" and aio is not None:
            targets.append(f"≤0.3 s {yes(aio <= 0.3e9)}")
            if aio > 0.3e9:
                misses.append(key)
        if aio is not None and a313 is not None:
            ok = a313 / aio >= 10
            targets.append(f"≥10× asyncio {yes(ok)}")
            if not ok and key not in misses:
                misses.append(key)
        print(f"| {label} | {aio_cell} | {gor_cell} | {fmt_ns(key, a313)} | {fmt_ns(key, auv)} "
              f"| {fmt_ratio(a313, aio)} | {fmt_ratio(auv, aio)} | {', '.join(targets)} |")
    print()
    print(f"asyncio 3.13: {v313}; uvloop: {vuv}.")
    print("goroutine column: " + "; ".join(f"{k}: {v}" for k, v in GOROUTINE_EQUIV.items()) + ".")
    print()

    # The variants that do not fit the main table.
    print("| other variants | time | allocs |")
    print("|---|---:|---:|")
    extra = [
        ("CoreSpawn", "aio_eager", "spawn", "spawn with `aio.Eager()`, per task"),
        ("CoreSwitch", "iter_pull", "switch", "switch: bare `iter.Pull` next+yield (the floor under aio's switch)"),
        ("CoreSwitch", "gosched", "switch", "switch: `runtime.Gosched()`"),
    ]
    for bench, impl, key, label in extra:
        ns = med(go, bench, impl)
        al = med(go, bench, impl, "allocs/op")
        if ns is not None:
            print(f"| {label} | {fmt_ns(key, ns)} | {al:g} |")
    if py311:
        for key, label, _ in ROWS:
            if key in py311:
                print(f"| {label}: {v311} | {fmt_ns(key, py311[key])} | |")
    elif v311 != "not run":
        print(f"| asyncio 3.11 | {v311} | |")
    print()
    print("Misses: " + (", ".join(misses) if misses else "none"))


if __name__ == "__main__":
    main()
