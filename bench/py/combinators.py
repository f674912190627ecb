"""Issue 3 benchmarks in Python asyncio: the same workloads as
bench/gather_bench_test.go, bench/queue_bench_test.go and
bench/lock_bench_test.go, printed as ns per operation.

    python3 bench/py/combinators.py                 # asyncio's default loop
    python3 bench/py/combinators.py --loop uvloop   # uvloop (skips with a note if absent)
    python3 bench/py/combinators.py --json          # one JSON object per row

Workloads (one op, as in the Go benchmarks):
  gather    create_task of a trivial coroutine returning its index, then
            asyncio.gather of them; batches of 10,000 tasks; one op is one task
  queue     ping-pong of an item between two tasks through two unbounded
            asyncio.Queues; one op is one round trip (1M round trips)
  lock      1,000 tasks take turns at one asyncio.Lock, each holding it
            across `await asyncio.sleep(0)`; one op is one acquire + yield +
            release

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

GATHER_SIZE = 10_000
LOCK_TASKS = 1_000


async def _ident(i):
    return i


async def gather(n):
    loop = asyncio.get_running_loop()
    create = loop.create_task
    left = n
    start = time.perf_counter_ns()
    while left > 0:
        b = min(left, GATHER_SIZE)
        res = await asyncio.gather(*[create(_ident(i)) for i in range(b)])
        assert res[-1] == b - 1
        left -= b
    return time.perf_counter_ns() - start


async def queue(n):
    ping, pong = asyncio.Queue(), asyncio.Queue()

    async def partner():
        get, put = ping.get, pong.put_nowait
        while True:
            v = await get()
            if v is None:
                return
            put(v + 1)

    p = asyncio.create_task(partner())
    put, get = ping.put_nowait, pong.get
    start = time.perf_counter_ns()
    for i in range(n):
        put(i)
        v = await get()
        assert v == i + 1
    took = time.perf_counter_ns() - start
    put(None)
    await p
    return took


async def lock(n):
    mu = asyncio.Lock()
    per = max(1, n // LOCK_TASKS)
    counter = 0
    sleep = asyncio.sleep

    async def worker():
        nonlocal counter
        for _ in range(per):
            async with mu:
                counter += 1
                await sleep(0)

    start = time.perf_counter_ns()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(LOCK_TASKS)])
    took = time.perf_counter_ns() - start
    assert counter == per * LOCK_TASKS
    return took, per * LOCK_TASKS


WORKLOADS = {
    "gather": (1_000_000, gather),
    "queue": (1_000_000, queue),
    "lock": (1_000_000, lock),
}


def measure(new_loop, name, scale, reps):
    n, fn = WORKLOADS[name]
    n = max(1, int(n * scale))
    runs = []
    ops = n
    for _ in range(reps):
        loop = new_loop()
        try:
            r = loop.run_until_complete(fn(n))
        finally:
            loop.close()
        if isinstance(r, tuple):
            r, ops = r
        runs.append(r)
    return {"ns_per_op": statistics.median(runs) / ops, "n": ops}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the op counts by this")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    args = ap.parse_args()

    impl = f"{args.loop} (CPython {platform.python_version()})"
    if args.loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            note = f"skipped: uvloop is not installed for {sys.executable}"
            print(json.dumps({"impl": args.loop, "skip": note}) if args.json else note)
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
        else:
            print(f"{name:10s} {r['ns_per_op']:10.1f} ns/op", flush=True)


if __name__ == "__main__":
    main()
