"""The aiohttp server of bench/web, on uvloop: GET / answers
"Hello, World!" as text/plain; every other path gets 404. No access log.

    /usr/bin/python3 aiohttp_server.py [host] [port]   # default 127.0.0.1 0

Prints "LISTEN host:port" once it serves, and runs until killed.
Without uvloop installed it runs on the default asyncio loop and says so
on stderr.
"""
import asyncio
import resource
import sys

from aiohttp import web


async def hello(request):
    return web.Response(text="Hello, World!")


async def main(host, port):
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=4096)
    await site.start()
    h, p = site._server.sockets[0].getsockname()[:2]
    print(f"LISTEN {h}:{p}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        print("uvloop not installed: plain asyncio", file=sys.stderr)
    asyncio.run(main(host, port))
