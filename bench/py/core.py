"""Core benchmarks (issue 2) in Python asyncio: the same five workloads as
bench/core_test.go, printed as ns per operation.

    python3 bench/py/core.py                 # asyncio's default loop
    python3 bench/py/core.py --loop uvloop   # uvloop (skips with a note if absent)
    python3 bench/py/core.py --json          # one JSON object per row, for bench/core.sh

Workloads (one op, as in the Go benchmarks):
  spawn     create_task of a trivial coroutine + its completion; batches of
            10,000 tasks, awaiting the last of each batch
  await     await of a future that is already done
  switch    await asyncio.sleep(0): one suspend/resume round trip, with
            nothing else ready
  handoff   two tasks alternating await asyncio.sleep(0): one op is one
            sleep(0), i.e. one switch from a task to the other
  callsoon  loop.call_soon of a no-op callback + its run; all queued, then
            one pass of the loop runs them
  timers    1M loop.call_later(3600, cb) + handle.cancel(), then one pass
            of the loop (which purges the cancelled handles); one op is 1M

Each workload runs --reps times (default 5) on a fresh loop and the median
is reported. gc stays enabled, as in the Go runs.
"""

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time

SPAWN_BATCH = 10_000
TIMERS_PER_OP = 1_000_000


async def _nop():
    pass


def _cb():
    pass


async def spawn(n):
    loop = asyncio.get_running_loop()
    create = loop.create_task
    left = n
    start = time.perf_counter_ns()
    while left > 0:
        b = min(left, SPAWN_BATCH)
        for _ in range(b):
            last = create(_nop())
        await last
        left -= b
    return time.perf_counter_ns() - start


async def await_done(n):
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(1)
    total = 0
    start = time.perf_counter_ns()
    for _ in range(n):
        total += await fut
    took = time.perf_counter_ns() - start
    assert total == n
    return took


async def switch(n):
    sleep = asyncio.sleep
    start = time.perf_counter_ns()
    for _ in range(n):
        await sleep(0)
    return time.perf_counter_ns() - start


async def _sleeper(n):
    sleep = asyncio.sleep
    for _ in range(n):
        await sleep(0)


async def handoff(n):
    loop = asyncio.get_running_loop()
    start = time.perf_counter_ns()
    a = loop.create_task(_sleeper(n // 2))
    b = loop.create_task(_sleeper(n - n // 2))
    await a
    await b
    return time.perf_counter_ns() - start


def run_one_pass(loop):
    loop.call_soon(loop.stop)
    loop.run_forever()


def callsoon(loop, n):
    call_soon = loop.call_soon
    start = time.perf_counter_ns()
    for _ in range(n):
        call_soon(_cb)
    run_one_pass(loop)
    return time.perf_counter_ns() - start


def timers(loop, n):
    assert n == TIMERS_PER_OP
    call_later = loop.call_later
    start = time.perf_counter_ns()
    hs = [call_later(3600, _cb) for _ in range(n)]
    for h in hs:
        h.cancel()
    run_one_pass(loop)
    took = time.perf_counter_ns() - start
    del hs
    return took


# name -> (ops per run, "coro" (runs in a task) or "loop" (drives the loop), function)
WORKLOADS = {
    "spawn": (1_000_000, "coro", spawn),
    "await": (1_000_000, "coro", await_done),
    "switch": (1_000_000, "coro", switch),
    "handoff": (1_000_000, "coro", handoff),
    "callsoon": (1_000_000, "loop", callsoon),
    "timers": (TIMERS_PER_OP, "loop", timers),
}


def measure(new_loop, name, scale, reps):
    n, kind, fn = WORKLOADS[name]
    n = max(1, int(n * scale)) if name != "timers" else n
    runs = []
    for _ in range(reps):
        loop = new_loop()
        try:
            if kind == "coro":
                took = loop.run_until_complete(fn(n))
            else:
                took = fn(loop, n)
        finally:
            loop.close()
        runs.append(took)
    ns = statistics.median(runs)
    if name == "timers":
        return {"ns_per_op": ns, "ops": 1, "ns_per_timer": ns / n, "n": n}
    return {"ns_per_op": ns / n, "n": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply the op counts (not the 1M timers) by this")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    args = ap.parse_args()

    impl = f"{args.loop} (CPython {platform.python_version()})"
    if args.loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            note = f"skipped: uvloop is not installed for {sys.executable}"
            if args.json:
                print(json.dumps({"impl": args.loop, "skip": note}))
            else:
                print(note)
            return
        new_loop = uvloop.new_event_loop
        impl = f"uvloop {uvloop.__version__} (CPython {platform.python_version()})"
    else:
        new_loop = asyncio.new_event_loop

    if not args.json:
        print(f"# {impl}, {sys.executable}")
    for name in args.workloads:
        r = measure(new_loop, name, args.scale, args.reps)
        if args.json:
            print(json.dumps({"impl": args.loop, "version": impl, "workload": name, **r}), flush=True)
        elif name == "timers":
            print(f"{name:10s} {r['ns_per_op'] / 1e6:10.1f} ms per 1M  ({r['ns_per_timer']:.1f} ns/timer)", flush=True)
        else:
            print(f"{name:10s} {r['ns_per_op']:10.1f} ns/op", flush=True)


if __name__ == "__main__":
    main()
