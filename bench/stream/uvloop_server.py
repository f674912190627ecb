"""The asyncio streams server of bench/stream, on uvloop: start_server
with a handler that reads a line (readline), writes it back (write) and
drains, until the end of the stream.

    /usr/bin/python3 uvloop_server.py [host] [port]   # default 127.0.0.1 0

Prints "LISTEN host:port" once it serves, and runs until killed.
Without uvloop installed it runs on the default asyncio loop and says so
on stderr.
"""
import asyncio
import resource
import sys


async def echo_lines(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(line)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(host, port):
    server = await asyncio.start_server(echo_lines, host, port, backlog=4096)
    h, p = server.sockets[0].getsockname()[:2]
    print(f"LISTEN {h}:{p}", flush=True)
    await server.serve_forever()


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
