package aio_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"time"

	"github.com/aio-go/aio"
)

// greeter answers a name after a pause. As an aio.IdleCloser it lets a
// graceful shutdown wait for the answer in flight.
type greeter struct {
	tr      aio.Transport
	busy    bool
	closing bool
	started chan<- struct{}
}

func (p *greeter) ConnectionMade(tr aio.Transport) { p.tr = tr }

func (p *greeter) DataReceived(b []byte) {
	if p.busy || p.closing {
		return
	}
	p.busy = true
	name := string(b) // b is valid only during the call: copy it
	aio.CreateTask(p.tr.(*aio.SocketTransport).Loop(), func(t *aio.Task) (struct{}, error) {
		p.started <- struct{}{}
		if err := aio.Sleep(t, 50*time.Millisecond); err != nil {
			return struct{}{}, err // the connection went away
		}
		p.tr.Write([]byte("hello, " + name + "\n"))
		p.busy = false
		if p.closing {
			p.tr.Close()
		}
		return struct{}{}, nil
	})
}

// CloseWhenIdle is called by Shutdown: close now, or after the answer.
func (p *greeter) CloseWhenIdle() {
	p.closing = true
	if !p.busy {
		p.tr.Close()
	}
}

func (p *greeter) ConnectionLost(error) {}

// Shutdown stops accepting and lets the request in flight be answered
// before the loops stop.
func ExampleMultiServer_Shutdown() {
	started := make(chan struct{}, 1)
	srv, err := aio.ServeMultiLoop(func() *greeter { return &greeter{started: started} },
		"tcp", "127.0.0.1:0", aio.Loops(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Fprint(c, "ada")
	<-started // the answer is on its way

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fmt.Println("shutdown:", srv.Shutdown(ctx))
	answer, _ := bufio.NewReader(c).ReadString('\n')
	fmt.Print(answer)
	// Output:
	// shutdown: <nil>
	// hello, ada
}
