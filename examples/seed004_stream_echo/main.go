// Command seed004_stream_echo is the stream echo server and client of
// seed 004 (section 0x3, streams), written with aio streams:
//
//	async def on_client_connected(reader, writer):
//	    print("connected")
//	    data = await reader.read(100)
//	    message = data.decode()
//	    addr = writer.get_extra_info('peername')
//	    print("Received %r from %r" % (message, addr))
//	    print("Send: %r" % message)
//	    writer.write(data)
//	    await writer.drain() # flush
//	    print("Close the client socket")
//	    writer.close()
//
//	async def main():
//	    print("start server!")
//	    server = await asyncio.start_server(client_connected_cb=on_client_connected, host="127.0.0.1", port=8090)
//	    print('Serving on {}'.format(server.sockets[0].getsockname()))
//
//	# the client
//	async def main():
//	    reader, writer = await asyncio.open_connection('127.0.0.1', 8090)
//	    message = "hi"
//	    print('Send: %r' % message)
//	    writer.write(message.encode())
//	    data = await reader.read(100)
//	    print('Received: %r' % data.decode())
//	    print('Close the socket')
//	    writer.close()
//
// Addresses print as Go's host:port where Python prints a tuple
// ('127.0.0.1', 8090).
//
// Usage:
//
//	seed004_stream_echo [-addr 127.0.0.1:8090] server   # serve until Ctrl-C
//	seed004_stream_echo [-addr 127.0.0.1:8090] client   # send "hi" once
//	seed004_stream_echo                                 # both, in one loop
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aio-go/aio"
)

// onClientConnected echoes one read of up to 100 bytes, then closes.
func onClientConnected(out io.Writer) aio.StreamHandler {
	return func(t *aio.Task, reader *aio.StreamReader, writer *aio.StreamWriter) error {
		fmt.Fprintln(out, "connected")
		defer writer.Close()
		data, err := reader.Read(t, 100)
		if err != nil {
			return err
		}
		message := string(data)
		fmt.Fprintf(out, "Received %s from %v\n", repr(message), writer.ExtraInfo("peername"))
		fmt.Fprintf(out, "Send: %s\n", repr(message))
		writer.Write(data)
		if err := writer.Drain(t); err != nil { // flush
			return err
		}
		fmt.Fprintln(out, "Close the client socket")
		return nil
	}
}

// repr quotes s as Python's repr of a simple str does.
func repr(s string) string { return "'" + s + "'" }

// startServer is the server's main.
func startServer(t *aio.Task, out io.Writer, addr string) (*aio.Server, error) {
	fmt.Fprintln(out, "start server!")
	srv, err := aio.StartServer(t, onClientConnected(out), "tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Serving on %v\n", srv.Sockets()[0].Addr)
	return srv, nil
}

// client is the client's main.
func client(t *aio.Task, out io.Writer, addr string) error {
	reader, writer, err := aio.OpenConnection(t, "tcp", addr)
	if err != nil {
		return err
	}
	defer writer.Close()
	message := "hi"
	fmt.Fprintf(out, "Send: %s\n", repr(message))
	writer.Write([]byte(message))
	data, err := reader.Read(t, 100)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Received: %s\n", repr(string(data)))
	fmt.Fprintln(out, "Close the socket")
	return nil
}

// run runs the server, the client, or both ("both": the server on addr,
// which may have port 0, one client against it, then it stops).
func run(serverOut, clientOut io.Writer, mode, addr string) error {
	return aio.Run(func(t *aio.Task) error {
		switch mode {
		case "server":
			srv, err := startServer(t, serverOut, addr)
			if err != nil {
				return err
			}
			return srv.ServeForever(t)
		case "client":
			return client(t, clientOut, addr)
		case "both":
			srv, err := startServer(t, serverOut, addr)
			if err != nil {
				return err
			}
			if err := client(t, clientOut, srv.Addr().String()); err != nil {
				return err
			}
			srv.Close()
			return srv.WaitClosed(t)
		}
		return fmt.Errorf("unknown mode %q: want server, client or both", mode)
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to serve on or connect to")
	flag.Parse()
	mode := "both"
	if flag.NArg() > 0 {
		mode = flag.Arg(0)
	} else if !isFlagSet("addr") {
		*addr = "127.0.0.1:0"
	}
	if err := run(os.Stdout, os.Stdout, mode, *addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
