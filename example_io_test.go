package aio_test

import (
	"fmt"

	"github.com/aio-go/aio"
)

// echoServer writes every byte back (seed 004's EchoServerClientProtocol).
type echoServer struct{ tr aio.Transport }

func (p *echoServer) ConnectionMade(tr aio.Transport) { p.tr = tr }
func (p *echoServer) DataReceived(b []byte)           { p.tr.Write(b) }
func (p *echoServer) ConnectionLost(error)            {}

// echoClient sends one message and resolves done with the reply.
type echoClient struct {
	tr   aio.Transport
	done *aio.Future[string]
}

func (p *echoClient) ConnectionMade(tr aio.Transport) { p.tr = tr; tr.Write([]byte("Hello World!")) }
func (p *echoClient) DataReceived(b []byte)           { p.done.SetResult(string(b)); p.tr.Close() }
func (p *echoClient) ConnectionLost(error)            {}

// A TCP echo server and a client, both with protocols, on one loop.
func ExampleCreateServer() {
	err := aio.Run(func(t *aio.Task) error {
		srv, err := aio.CreateServer(t, func() *echoServer { return &echoServer{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		reply := aio.NewFuture[string](t.Loop())
		_, _, err = aio.CreateConnection(t, func() *echoClient { return &echoClient{done: reply} },
			"tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		s, err := aio.Await(t, reply)
		fmt.Println("echoed:", s)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: echoed: Hello World!
}
