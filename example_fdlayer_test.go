package aio_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/aio-go/aio"
)

// fileServer sends a header and a file to each client, then closes.
type fileServer struct{ f *os.File }

func (p *fileServer) ConnectionMade(tr aio.Transport) {
	st := tr.(*aio.SocketTransport)
	aio.CreateTask(tr.Loop(), func(t *aio.Task) (int64, error) {
		defer st.Close() // after the file: Close waits for what is buffered
		st.Write([]byte("file: "))
		return st.SendFile(t, p.f, 0, 0) // 0: up to the end of the file
	})
}
func (p *fileServer) DataReceived([]byte)  {}
func (p *fileServer) ConnectionLost(error) {}

// collector gathers what it receives and resolves done when the
// connection ends.
type collector struct {
	buf  strings.Builder
	done *aio.Future[string]
}

func (p *collector) ConnectionMade(aio.Transport) {}
func (p *collector) DataReceived(b []byte)        { p.buf.Write(b) }
func (p *collector) ConnectionLost(error)         { p.done.SetResult(p.buf.String()) }

// A server sends a file with sendfile(2) after a header it wrote.
func ExampleSocketTransport_SendFile() {
	f, err := os.CreateTemp("", "aio-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	f.WriteString("hello from a file")
	err = aio.Run(func(t *aio.Task) error {
		srv, err := aio.CreateServer(t, func() *fileServer { return &fileServer{f: f} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		got := aio.NewFuture[string](t.Loop())
		if _, _, err := aio.CreateConnection(t, func() *collector { return &collector{done: got} },
			"tcp", srv.Addr().String()); err != nil {
			return err
		}
		s, err := aio.Await(t, got)
		fmt.Println(s)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: file: hello from a file
}

// loopGreeter answers with its loop's greeting, made once per loop.
type loopGreeter struct{ greeting []byte }

func (p *loopGreeter) ConnectionMade(tr aio.Transport) { tr.Write(p.greeting); tr.Close() }
func (p *loopGreeter) DataReceived([]byte)             {}
func (p *loopGreeter) ConnectionLost(error)            {}

// Per-loop state for a server on several loops: setup runs once on each
// loop and its factory makes that loop's protocols, which share the
// state with no lock.
func ExampleServeMultiLoopPerLoop() {
	ms, err := aio.ServeMultiLoopPerLoop(func(l *aio.Loop) func() *loopGreeter {
		greeting := []byte("hello") // built once per loop: a Date cache, a timer wheel...
		return func() *loopGreeter { return &loopGreeter{greeting: greeting} }
	}, "tcp", "127.0.0.1:0", aio.Loops(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ms.Shutdown(context.Background())
	c, err := net.Dial("tcp", ms.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	b, err := io.ReadAll(c)
	fmt.Println(string(b), err)
	// Output: hello <nil>
}
