// Command seed004_udp_echo is the UDP echo server and client of seed 004
// (section 0x2: "the server binds with local_addr, the client names the
// server with remote_addr"), written with aio datagram protocols. It
// follows the examples of the asyncio documentation the seed links to:
//
//	class EchoServerProtocol:
//	    def connection_made(self, transport):
//	        self.transport = transport
//
//	    def datagram_received(self, data, addr):
//	        message = data.decode()
//	        print('Received %r from %s' % (message, addr))
//	        print('Send %r to %s' % (message, addr))
//	        self.transport.sendto(data, addr)
//
//	class EchoClientProtocol:
//	    def __init__(self, message, on_con_lost):
//	        self.message = message
//	        self.on_con_lost = on_con_lost
//	        self.transport = None
//
//	    def connection_made(self, transport):
//	        self.transport = transport
//	        print('Send:', self.message)
//	        self.transport.sendto(self.message.encode())
//
//	    def datagram_received(self, data, addr):
//	        print("Received:", data.decode())
//	        print("Close the socket")
//	        self.transport.close()
//
//	    def error_received(self, exc):
//	        print('Error received:', exc)
//
//	    def connection_lost(self, exc):
//	        print("Connection closed")
//	        self.on_con_lost.set_result(True)
//
//	# server: loop.create_datagram_endpoint(EchoServerProtocol, local_addr=('127.0.0.1', 9999))
//	# client: loop.create_datagram_endpoint(lambda: EchoClientProtocol(message, on_con_lost),
//	#                                       remote_addr=('127.0.0.1', 9999))
//
// Usage:
//
//	seed004_udp_echo [-addr 127.0.0.1:9999] server   # serve until Ctrl-C
//	seed004_udp_echo [-addr 127.0.0.1:9999] client   # send one datagram
//	seed004_udp_echo                                 # both, in one loop
package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/aio-go/aio"
)

// EchoServerProtocol sends every datagram back to its sender.
type EchoServerProtocol struct {
	out       io.Writer
	transport aio.DatagramTransport
}

func (p *EchoServerProtocol) ConnectionMade(t aio.DatagramTransport) { p.transport = t }

func (p *EchoServerProtocol) DatagramReceived(data []byte, addr netip.AddrPort) {
	message := string(data)
	fmt.Fprintf(p.out, "Received '%s' from %v\n", message, addr)
	fmt.Fprintf(p.out, "Send '%s' to %v\n", message, addr)
	p.transport.SendTo(data, addr)
}

func (p *EchoServerProtocol) ConnectionLost(error) {}

// EchoClientProtocol sends one datagram and closes after the answer.
type EchoClientProtocol struct {
	out       io.Writer
	message   string
	onConLost *aio.Future[bool]
	transport aio.DatagramTransport
}

func (p *EchoClientProtocol) ConnectionMade(t aio.DatagramTransport) {
	p.transport = t
	fmt.Fprintln(p.out, "Send:", p.message)
	t.SendTo([]byte(p.message), netip.AddrPort{}) // connected: no address
}

func (p *EchoClientProtocol) DatagramReceived(data []byte, _ netip.AddrPort) {
	fmt.Fprintln(p.out, "Received:", string(data))
	fmt.Fprintln(p.out, "Close the socket")
	p.transport.Close()
}

func (p *EchoClientProtocol) ErrorReceived(err error) {
	fmt.Fprintln(p.out, "Error received:", err)
}

func (p *EchoClientProtocol) ConnectionLost(error) {
	fmt.Fprintln(p.out, "Connection closed")
	p.onConLost.SetResult(true)
}

// startServer binds the server's endpoint with a local address.
func startServer(t *aio.Task, out io.Writer, addr string) (*aio.UDPTransport, error) {
	fmt.Fprintln(out, "Starting UDP server")
	tr, _, err := aio.CreateDatagramEndpoint(t, func() *EchoServerProtocol {
		return &EchoServerProtocol{out: out}
	}, "udp", addr, "")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Serving on %v\n", tr.LocalAddr())
	return tr, nil
}

// client connects an endpoint to the server's address and waits until it
// is closed.
func client(t *aio.Task, out io.Writer, addr string) error {
	onConLost := aio.NewFuture[bool](t.Loop())
	tr, _, err := aio.CreateDatagramEndpoint(t, func() *EchoClientProtocol {
		return &EchoClientProtocol{out: out, message: "Hello World!", onConLost: onConLost}
	}, "udp", "", addr)
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
			tr, err := startServer(t, serverOut, addr)
			if err != nil {
				return err
			}
			defer tr.Close()
			return aio.Sleep(t, 1<<62) // serve until cancelled (Ctrl-C)
		case "client":
			return client(t, clientOut, addr)
		case "both":
			tr, err := startServer(t, serverOut, addr)
			if err != nil {
				return err
			}
			defer tr.Close()
			return client(t, clientOut, tr.LocalAddr().String())
		}
		return fmt.Errorf("unknown mode %q: want server, client or both", mode)
	})
}

func main() {
	addr := flag.String("addr", "", "address to serve on or send to (default 127.0.0.1:9999, or a free port for both)")
	flag.Parse()
	mode := "both"
	if flag.NArg() > 0 {
		mode = flag.Arg(0)
	}
	if *addr == "" {
		*addr = "127.0.0.1:9999"
		if mode == "both" {
			*addr = "127.0.0.1:0"
		}
	}
	if err := run(os.Stdout, os.Stdout, mode, *addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
