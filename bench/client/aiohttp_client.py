"""The aiohttp client of bench/client, on uvloop: CONNS tasks on one
loop, each GETting the URL in a loop on one ClientSession (keep-alive, a
connector of CONNS connections), reading the whole body and checking it
is "Hello, World!". Prints one RESULT line in the format of
bench/client/meter and exits.

    /usr/bin/python3 aiohttp_client.py -url URL [-conns 64] [-warmup 1s]
        [-duration 5s] [-pid SERVERPID] [-name aiohttp] [-scenario S]

Without uvloop installed it runs on the default asyncio loop and says so
on stderr (and names itself aiohttp-asyncio).
"""
import argparse
import asyncio
import os
import resource
import sys
import time

import aiohttp

TICKS = os.sysconf("SC_CLK_TCK")


def seconds(s):
    return float(s[:-2]) / 1000 if s.endswith("ms") else float(s.rstrip("s"))


def self_cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def proc_cpu(pid):
    """utime+stime of pid, all threads, from /proc/PID/stat."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Meter:
    def __init__(self):
        self.done = 0
        self.failed = 0

    def body(self, status, body):
        if status == 200 and body == b"Hello, World!":
            self.done += 1
        else:
            self.fail(f"status {status}, body {body!r}")

    def fail(self, err):
        if self.failed == 0:
            print("request failed:", err, file=sys.stderr)
        self.failed += 1

    def sample(self, pid):
        return time.monotonic(), self.done, self.failed, self_cpu(), proc_cpu(pid)


async def worker(session, url, meter):
    while True:
        try:
            async with session.get(url) as r:
                meter.body(r.status, await r.read())
        except aiohttp.ClientError as e:
            meter.fail(e)
            await asyncio.sleep(0.001)  # do not spin on a dead server


async def main(a, name):
    meter = Meter()
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=a.conns))
    _workers = [asyncio.create_task(worker(session, a.url, meter)) for _ in range(a.conns)]
    await asyncio.sleep(seconds(a.warmup))
    w0, n0, f0, c0, s0 = meter.sample(a.pid)
    await asyncio.sleep(seconds(a.duration))
    w1, n1, f1, c1, s1 = meter.sample(a.pid)
    secs = w1 - w0
    n = n1 - n0
    cpu_us = (c1 - c0) * 1e6 / n if n else 0.0
    print(f'RESULT name={name} scenario="{a.scenario}" unit=req/s rate={n / secs:.1f} '
          f"cpu_us={cpu_us:.3f} srv_pct={100 * (s1 - s0) / secs:.1f} "
          f"gen_pct={100 * (c1 - c0) / secs:.1f} errors={f1 - f0}", flush=True)
    os._exit(0)  # the workers run on: leave without tearing them down


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("-url", default="http://127.0.0.1:8080/")
    p.add_argument("-conns", type=int, default=64)
    p.add_argument("-warmup", default="1s")
    p.add_argument("-duration", default="5s")
    p.add_argument("-pid", type=int, default=0)
    p.add_argument("-name", default="aiohttp")
    p.add_argument("-scenario", default="keep-alive")
    args = p.parse_args()
    name = args.name
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        print("uvloop not installed: plain asyncio", file=sys.stderr)
        name += "-asyncio"
    asyncio.run(main(args, name))
