"""Builds the markdown tables of bench/core.sh from the Go benchmark output
and the JSON lines of the suite's Python script, for either suite:

    python3 bench/py/core_table.py [--suite core|combinators] GO_OUTPUT \\
        [asyncio313.jsonl] [uvloop.jsonl] [asyncio311.jsonl]

  core         issue 2: bench/core_test.go against bench/py/core.py
  combinators  issue 3: bench/{gather,queue,lock}_bench_test.go against
               bench/py/combinators.py

Go figures are the median over -count runs (as benchstat reports them);
Python figures are the median over the Python script's repetitions. A
missing or skipped Python file gives "n/a" cells and a note under the table.
Ratios: asyncio (or uvloop) time over aio time, so higher is better for aio;
aio/goroutine is aio time over the goroutine version's, lower is better.
"""

import json
import re
import statistics
import sys
from collections import defaultdict


class Row:
    """One workload: its key in the Python JSON, its label, its Go benchmark,
    the goroutine implementations it is compared with ((impl, label), ...),
    and its targets."""

    def __init__(self, key, label, bench, gor=(("goroutine", ""),), max_ns=None,
                 max_allocs=None, min_vs_asyncio=10, max_vs_goroutine=None, unit="ns"):
        self.key, self.label, self.bench, self.gor = key, label, bench, gor
        self.max_ns, self.max_allocs = max_ns, max_allocs
        self.min_vs_asyncio, self.max_vs_goroutine = min_vs_asyncio, max_vs_goroutine
        self.unit = unit  # "ns" per op, or "ms" for a whole op (the 1M timers)


SUITES = {
    "core": {
        "rows": [
            Row("spawn", "spawn + complete a trivial task (per task)", "CoreSpawn",
                max_ns=150, max_allocs=1),
            Row("await", "await an already-done future (per await)", "CoreAwaitDone"),
            Row("switch", "`Sleep(t, 0)` round trip, nothing else ready (the next pass runs "
                "inline: no coroutine switch)", "CoreSwitch", max_ns=100),
            Row("handoff", "2 tasks alternating `Sleep(t, 0)` (per switch from one task to "
                "the other)", "CoreHandoff"),
            Row("callsoon", "`CallSoon` + run (per callback, 1M queued)", "CoreCallSoon"),
            Row("timers", "1M `CallLater` + `Cancel` (total for 1M)", "CoreCallLaterCancel1M",
                max_ns=0.3e9, unit="ms"),
        ],
        "goroutine_note": {
            "spawn": "`go wg.Done()` + `wg.Wait()`",
            "await": "receive from a closed channel",
            "switch": "ping-pong on 2 unbuffered channels",
            "handoff": "ping-pong on 2 unbuffered channels, per one-way send",
            "callsoon": "`func()` over a buffered channel (cap 1024) to a goroutine",
            "timers": "`time.AfterFunc` + `Stop`",
        },
        "goroutine_ratio": False,
        "extra": [
            ("CoreSpawn", "aio_eager", "spawn with `aio.Eager()`, per task"),
            ("CoreSwitch", "iter_pull", "bare `iter.Pull` next+yield (the floor under any coroutine switch)"),
            ("CoreSwitch", "gosched", "switch: `runtime.Gosched()`"),
        ],
    },
    "combinators": {
        "rows": [
            Row("gather", "`Gather` of 10k trivial tasks (per task)", "Gather10k",
                max_vs_goroutine=2),
            Row("queue", "`Queue` ping-pong between 2 tasks (per round trip)", "QueuePingPong",
                max_vs_goroutine=2),
            Row("lock", "`Lock` contention, 1k tasks (per acquire + yield + release)",
                "LockContention", gor=(("mutex", "mutex"), ("chan", "chan")), max_vs_goroutine=2),
        ],
        "goroutine_note": {
            "gather": "10k goroutines writing into a slice + `sync.WaitGroup`",
            "queue": "2 goroutines, 2 unbuffered channels",
            "lock": "1k goroutines, `sync.Mutex` (mutex) or a channel of cap 1 (chan) held "
                    "across `runtime.Gosched()`",
        },
        "goroutine_ratio": True,
        "extra": [],
    },
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


def fmt_ns(row_unit, ns):
    if ns is None:
        return "n/a"
    if row_unit == "ms":
        return f"{ns / 1e6:.0f} ms"
    if ns >= 100:
        return f"{ns:.0f} ns"
    return f"{ns:.1f} ns"


def fmt_target_ns(row_unit, ns):
    return f"{ns / 1e9:g} s" if row_unit == "ms" else f"{ns:g} ns"


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
    argv = sys.argv[1:]
    suite = "core"
    if argv and argv[0].startswith("--suite"):
        if argv[0] == "--suite":
            suite, argv = argv[1], argv[2:]
        else:
            suite, argv = argv[0].split("=", 1)[1], argv[1:]
    if suite not in SUITES or not argv:
        sys.exit(__doc__)
    cfg = SUITES[suite]
    args = argv + [None] * 4
    go = parse_go(args[0])
    py313, v313 = parse_py(args[1])
    uv, vuv = parse_py(args[2])
    py311, v311 = parse_py(args[3])

    head = "| workload | aio | goroutine | asyncio 3.13 | uvloop | asyncio/aio | uvloop/aio |"
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if cfg["goroutine_ratio"]:
        head += " aio/goroutine |"
        rule += "---:|"
    print(head + " targets |")
    print(rule + "---|")
    misses = []
    for row in cfg["rows"]:
        aio = med(go, row.bench, "aio")
        allocs = med(go, row.bench, "aio", "allocs/op")
        a313, auv = py313.get(row.key), uv.get(row.key)
        aio_cell = fmt_ns(row.unit, aio) + fmt_allocs(allocs)
        gor_cells, gor_ratios = [], []
        targets, missed = [], []
        for impl, name in row.gor:
            g = med(go, row.bench, impl)
            cell = fmt_ns(row.unit, g) + fmt_allocs(med(go, row.bench, impl, "allocs/op"))
            gor_cells.append(f"{name} {cell}" if name else cell)
            r = fmt_ratio(aio, g)
            gor_ratios.append(f"{r} {name}" if name else r)
            if row.max_vs_goroutine is not None and aio is not None and g:
                ok = aio / g <= row.max_vs_goroutine
                targets.append(f"≤{row.max_vs_goroutine:g}× {name or 'goroutine'} {yes(ok)}")
                missed += [] if ok else [f"≤{row.max_vs_goroutine:g}× {name or 'goroutine'}"]
        if row.max_ns is not None and aio is not None:
            ok = aio <= row.max_ns
            targets.append(f"≤{fmt_target_ns(row.unit, row.max_ns)} {yes(ok)}")
            missed += [] if ok else [f"≤{fmt_target_ns(row.unit, row.max_ns)}"]
        if row.max_allocs is not None and aio is not None:
            ok = allocs is not None and allocs <= row.max_allocs
            targets.append(f"≤{row.max_allocs:g} alloc {yes(ok)}")
            missed += [] if ok else [f"≤{row.max_allocs:g} alloc"]
        if row.min_vs_asyncio is not None and aio is not None and a313 is not None:
            ok = a313 / aio >= row.min_vs_asyncio
            targets.append(f"≥{row.min_vs_asyncio:g}× asyncio {yes(ok)}")
            missed += [] if ok else [f"≥{row.min_vs_asyncio:g}× asyncio"]
        if missed:
            misses.append(f"{row.key} ({', '.join(missed)})")
        line = (f"| {row.label} | {aio_cell} | {'; '.join(gor_cells)} | {fmt_ns(row.unit, a313)} "
                f"| {fmt_ns(row.unit, auv)} | {fmt_ratio(a313, aio)} | {fmt_ratio(auv, aio)} |")
        if cfg["goroutine_ratio"]:
            line += f" {', '.join(gor_ratios)} |"
        print(line + f" {', '.join(targets)} |")
    print()
    print(f"asyncio 3.13: {v313}; uvloop: {vuv}.")
    print("goroutine column: " + "; ".join(f"{k}: {v}" for k, v in cfg["goroutine_note"].items()) + ".")
    print()

    # The variants that do not fit the main table.
    units = {row.bench: row.unit for row in cfg["rows"]}
    lines = []
    for bench, impl, label in cfg["extra"]:
        ns = med(go, bench, impl)
        al = med(go, bench, impl, "allocs/op")
        if ns is not None:
            lines.append(f"| {label} | {fmt_ns(units[bench], ns)} | {al:g} |")
    if py311:
        for row in cfg["rows"]:
            if row.key in py311:
                lines.append(f"| {row.label}: {v311} | {fmt_ns(row.unit, py311[row.key])} | |")
    elif v311 != "not run":
        lines.append(f"| asyncio 3.11 | {v311} | |")
    if lines:
        print("| other variants | time | allocs |")
        print("|---|---:|---:|")
        print("\n".join(lines))
        print()
    print("Misses: " + ("; ".join(misses) if misses else "none"))


if __name__ == "__main__":
    main()
