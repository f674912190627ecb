package web

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// sinkTransport is a Transport that keeps nothing but a count of the
// bytes written (and, with record, the bytes), so that a benchmark
// measures the server's own work per request, no syscall.
type sinkTransport struct {
	loop   *aio.Loop
	proto  aio.Protocol
	bytes  int
	record bool
	data   []byte
	closed bool
}

// Close ends the connection as a real transport would, with
// ConnectionLost soon after, when the bytes are recorded (a test).
func (s *sinkTransport) Close() error {
	if s.record && !s.closed {
		s.closed = true
		s.loop.CallSoon(func() { s.proto.ConnectionLost(nil) })
	}
	return nil
}

func (s *sinkTransport) IsClosing() bool               { return false }
func (s *sinkTransport) ExtraInfo(string) any          { return nil }
func (s *sinkTransport) Loop() *aio.Loop               { return s.loop }
func (s *sinkTransport) PauseReading()                 {}
func (s *sinkTransport) ResumeReading()                {}
func (s *sinkTransport) IsReading() bool               { return true }
func (s *sinkTransport) WriteEOF() error               { return nil }
func (s *sinkTransport) CanWriteEOF() bool             { return true }
func (s *sinkTransport) Abort()                        {}
func (s *sinkTransport) SetWriteBufferLimits(int, int) {}
func (s *sinkTransport) WriteBufferLimits() (int, int) { return 64 << 10, 16 << 10 }
func (s *sinkTransport) WriteBufferSize() int          { return 0 }
func (s *sinkTransport) Protocol() aio.Protocol        { return s.proto }
func (s *sinkTransport) SetProtocol(p aio.Protocol)    { s.proto = p }

func (s *sinkTransport) Write(p []byte) error { return s.Writelines([][]byte{p}) }

func (s *sinkTransport) Writelines(bufs [][]byte) error {
	for _, b := range bufs {
		s.bytes += len(b)
		if s.record {
			s.data = append(s.data, b...)
		}
	}
	return nil
}

// BenchmarkConnPipelined16 is the server's work per request with 16
// requests in each read, as in bench/web's pipelined rows, without the
// sockets: parsing, routing, the handler's task and the response, into a
// transport that discards it. Machine noise that swamps a few percent
// end to end (the kernel's share is most of a request there) moves this
// one far less.
func BenchmarkConnPipelined16(b *testing.B) {
	const depth = 16
	app := NewApp()
	app.Get("/", func(t *aio.Task, r *Request) (*Response, error) { return Text("Hello, World!"), nil })
	if err := app.freeze(); err != nil {
		b.Fatal(err)
	}
	in := bytes.Repeat([]byte("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), depth)
	err := aio.Run(func(t *aio.Task) error {
		ls := newLoopState(t.Loop(), newConfig(app, nil))
		c := ls.newConn()
		tr := &sinkTransport{loop: t.Loop(), proto: c}
		c.ConnectionMade(tr)
		batch := func() {
			c.DataReceived(in)
			for ls.exchanges != 0 {
				aio.Sleep(t, 0) // the handlers that did not finish inside DataReceived
			}
		}
		batch() // the pools warm
		want := []byte("HTTP/1.1 200 OK\r\n")
		if n := bytes.Count(c.ls.w.AppendTo(nil), want); tr.bytes == 0 || n != 1 {
			b.Fatalf("%d bytes written, last response %q", tr.bytes, c.ls.w.AppendTo(nil))
		}
		per := tr.bytes // every batch writes as much: the Date is of fixed length
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i += depth {
			batch()
		}
		b.StopTimer()
		if batches := (b.N + depth - 1) / depth; tr.bytes != per*(batches+1) {
			b.Fatalf("%d bytes written in %d batches of %d", tr.bytes, batches+1, per)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
