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

// tcpPair returns a connected pair of TCP sockets on 127.0.0.1: the
// first non-blocking (for a transport), the second blocking.
func tcpPair(tb testing.TB) (int, int) {
	tb.Helper()
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer unix.Close(lfd)
	unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	unix.Listen(lfd, 1)
	sa, _ := unix.Getsockname(lfd)
	c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if err := unix.Connect(c, sa); err != nil {
		tb.Fatal(err)
	}
	s, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC)
	if err != nil {
		tb.Fatal(err)
	}
	unix.SetsockoptInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return s, c
}

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
			var s, c int
			if kind == "tcp" {
				s, c = tcpPair(t)
			} else {
				fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				s, c = fds[0], fds[1]
			}
			defer unix.Close(c)
			l := newIOLoop(t)
			if _, _, err := ConnectAccepted(l, func() *echoOnly { return &echoOnly{} }, s); err != nil {
				t.Fatal(err)
			}
			cycle := echoCycle(t, l, c, 64)
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
	s, c := tcpPair(b)
	defer unix.Close(c)
	l := newIOLoop(b)
	if _, _, err := ConnectAccepted(l, func() *echoOnly { return &echoOnly{} }, s); err != nil {
		b.Fatal(err)
	}
	cycle := echoCycle(b, l, c, 64)
	b.ReportAllocs()
	for b.Loop() {
		cycle()
	}
}
