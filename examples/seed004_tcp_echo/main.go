// Command seed004_tcp_echo is the TCP echo server and client of seed 004
// (section 0x2, transports and protocols), written with aio protocols. It
// follows the examples of the asyncio documentation the seed links to:
//
//	class EchoServerClientProtocol(asyncio.Protocol):
//	    def connection_made(self, transport):
//	        peername = transport.get_extra_info('peername')
//	        print('Connection from {}'.format(peername))
//	        self.transport = transport
//
//	    def data_received(self, data):
//	        message = data.decode()
//	        print('Data received: {!r}'.format(message))
//	        print('Send: {!r}'.format(message))
//	        self.transport.write(data)
//	        print('Close the client socket')
//	        self.transport.close()
//
//	class EchoClientProtocol(asyncio.Protocol):
//	    def __init__(self, message, on_con_lost):
//	        self.message = message
//	        self.on_con_lost = on_con_lost
//
//	    def connection_made(self, transport):
//	        transport.write(self.message.encode())
//	        print('Data sent: {!r}'.format(self.message))
//
//	    def data_received(self, data):
//	        print('Data received: {!r}'.format(data.decode()))
//
//	    def connection_lost(self, exc):
//	        print('The server closed the connection')
//	        self.on_con_lost.set_result(True)
//
// Usage:
//
//	seed004_tcp_echo [-addr 127.0.0.1:8888] server   # serve until Ctrl-C
//	seed004_tcp_echo [-addr 127.0.0.1:8888] client   # send one message
//	seed004_tcp_echo                                 # both, in one loop
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aio-go/aio"
)

// EchoServerClientProtocol echoes what it receives, then closes.
type EchoServerClientProtocol struct {
	out       io.Writer
	transport aio.Transport
}

func (p *EchoServerClientProtocol) ConnectionMade(t aio.Transport) {
	fmt.Fprintf(p.out, "Connection from %v\n", t.ExtraInfo("peername"))
	p.transport = t
}

func (p *EchoServerClientProtocol) DataReceived(data []byte) {
	message := string(data)
	fmt.Fprintf(p.out, "Data received: %s\n", repr(message))
	fmt.Fprintf(p.out, "Send: %s\n", repr(message))
	p.transport.Write(data)
	fmt.Fprintln(p.out, "Close the client socket")
	p.transport.Close()
}

func (p *EchoServerClientProtocol) ConnectionLost(error) {}

// EchoClientProtocol sends a message and prints the answer.
type EchoClientProtocol struct {
	out       io.Writer
	message   string
	onConLost *aio.Future[bool]
}

func (p *EchoClientProtocol) ConnectionMade(t aio.Transport) {
	t.Write([]byte(p.message))
	fmt.Fprintf(p.out, "Data sent: %s\n", repr(p.message))
}

func (p *EchoClientProtocol) DataReceived(data []byte) {
	fmt.Fprintf(p.out, "Data received: %s\n", repr(string(data)))
}

func (p *EchoClientProtocol) ConnectionLost(error) {
	fmt.Fprintln(p.out, "The server closed the connection")
	p.onConLost.SetResult(true)
}

// repr quotes s as Python's repr of a simple str does.
func repr(s string) string { return "'" + s + "'" }

// startServer is the server's main: create_server, then print the address.
func startServer(t *aio.Task, out io.Writer, addr string) (*aio.Server, error) {
	srv, err := aio.CreateServer(t, func() *EchoServerClientProtocol {
		return &EchoServerClientProtocol{out: out}
	}, "tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Serving on %v\n", srv.Addr())
	return srv, nil
}

// client is the client's main: connect, and wait until the connection is lost.
func client(t *aio.Task, out io.Writer, addr string) error {
	onConLost := aio.NewFuture[bool](t.Loop())
	tr, _, err := aio.CreateConnection(t, func() *EchoClientProtocol {
		return &EchoClientProtocol{out: out, message: "Hello World!", onConLost: onConLost}
	}, "tcp", addr)
	if err != nil {
		return err
	}
	defer tr.Close()
	_, err = aio.Await(t, onConLost)
	return err
}

// run runs the server, the client, or both ("both": the server on addr,
// which may have port 0, and one client against it; then it stops).
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
	addr := flag.String("addr", "127.0.0.1:8888", "address to serve on or connect to")
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
