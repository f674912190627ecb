"""The asyncio + uvloop echo server of bench/echo: an asyncio.Protocol
whose data_received writes the bytes back, with flow control (reading
pauses while the write buffer is above its high-water mark).

    /usr/bin/python3 uvloop_server.py [host] [port]   # default 127.0.0.1 0

Prints "LISTEN host:port" once it serves, and runs until killed.
Without uvloop installed it runs on the default asyncio loop and says so
on stderr.
"""
import asyncio
import resource
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()


async def main(host, port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=4096)
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
