//go:build linux

package aio

import (
	"testing"

	"golang.org/x/sys/unix"
)

// echoOnly is the smallest echo protocol.
type echoOnly struct{ tr Transport }

func (p *echoOnly) ConnectionMade(t Transport) { p.tr = t }
func (p *echoOnly) DataReceived(b []byte)      { p.tr.Write(b) }
func (p *echoOnly) ConnectionLost(error)       {}

// echoCycle returns one read/write cycle of an echo transport: the peer
// writes, the loop runs one pass (poll, read, DataReceived, Write), the
// peer reads the echo.
func echoCycle(tb testing.TB, l *Loop, peer int, size int) func() {
	msg := make([]byte, size)
	buf := make([]byte, size)
	return func() {
		if _, err := unix.Write(peer, msg); err != nil {
			tb.Fatal(err)
		}
		for got := 0; got < size; {
			l.runOnce()
			n, err := unix.Read(peer, buf[got:])
			if err != nil {
				tb.Fatal(err)
			}
			got += n
		}
	}
}

// TestEchoZeroAllocs: in steady state a read/write cycle of a transport
// allocates nothing, on TCP and Unix sockets.
func TestEchoZeroAllocs(t *testing.T) {
	for _, kind := range []string{"tcp", "unix"} {
		t.Run(kind, func(t *testing.T) {
			l := newIOLoop(t)
			_, peer := peerPair(t, l, kind, func() *echoOnly { return &echoOnly{} })
			cycle := echoCycle(t, l, int(peer.Fd()), 64)
			for range 100 {
				cycle()
			}
			if a := testing.AllocsPerRun(2000, cycle); a != 0 {
				t.Fatalf("%v allocations per read/write cycle, want 0", a)
			}
		})
	}
}

// BenchmarkEchoCycle measures one 64-byte echo through a transport over
// TCP loopback, syscalls of both sides included.
func BenchmarkEchoCycle(b *testing.B) {
	l := newIOLoop(b)
	_, peer := peerPair(b, l, "tcp", func() *echoOnly { return &echoOnly{} })
	cycle := echoCycle(b, l, int(peer.Fd()), 64)
	b.ReportAllocs()
	for b.Loop() {
		cycle()
	}
}
