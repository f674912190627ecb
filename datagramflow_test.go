//go:build linux

package aio

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// flowUDPProto is a udpProto that counts flow-control calls.
type flowUDPProto struct {
	udpProto
	paused, resumed int
}

func (p *flowUDPProto) PauseWriting()  { p.paused++ }
func (p *flowUDPProto) ResumeWriting() { p.resumed++ }

// A datagram endpoint queues what the kernel refuses, pauses a
// WriteFlowProtocol above the high-water mark, refuses datagrams past
// the queue's hard limit (only those: the queued ones stay whole), and
// resumes the protocol once the queue drains to the low-water mark. The
// endpoint is a datagram transport over a Unix datagram socket pair,
// whose sends block (EAGAIN) when the peer's queue is full, unlike UDP
// over loopback, which drops.
func TestDatagramQueueLimitAndFlowControl(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	peer := fds[1]
	defer unix.Close(peer)
	p := &flowUDPProto{}
	// A valid remote lets SendTo send with no address, as on a
	// connected UDP endpoint.
	tr := newUDPTransport(l, fds[0], unix.AF_UNIX, p, netip.MustParseAddrPort("127.0.0.1:9"))
	if err := tr.start(); err != nil {
		t.Fatal(err)
	}
	const size, high, low, limit = 1000, 4000, 1000, 10000
	tr.SetWriteBufferLimits(high, low)
	tr.SetWriteBufferMax(limit)
	sent, refused := 0, 0
	for i := 0; refused < 3 && i < 10000; i++ {
		err := tr.SendTo(datagram(i, size), netip.AddrPort{})
		switch {
		case err == nil:
			if i != sent {
				t.Fatalf("datagram %d accepted after a refused one", i)
			}
			sent++
		case errors.Is(err, ErrWriteBufferFull):
			refused++
		default:
			t.Fatal(err)
		}
		if q := tr.WriteBufferSize(); q > limit {
			t.Fatalf("%d bytes queued, limit %d", q, limit)
		}
	}
	if refused == 0 {
		t.Fatal("the queue never reached its limit")
	}
	if tr.WriteBufferSize() <= high || p.paused != 1 || p.resumed != 0 {
		t.Fatalf("queued %d (high %d): PauseWriting %d, ResumeWriting %d; want 1 and 0",
			tr.WriteBufferSize(), high, p.paused, p.resumed)
	}
	// The peer reads everything; the loop flushes the queue as room comes.
	buf := make([]byte, 2*size)
	for got := 0; got < sent; {
		n, err := unix.Read(peer, buf)
		if err == unix.EAGAIN {
			l.runOnce()
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(buf[:n]) != string(datagram(got, size)) {
			t.Fatalf("datagram %d garbled or out of order", got)
		}
		got++
	}
	if tr.WriteBufferSize() != 0 || p.resumed != 1 {
		t.Fatalf("after draining: %d bytes queued, ResumeWriting %d, want 0 and 1", tr.WriteBufferSize(), p.resumed)
	}
	tr.Abort()
	l.runOnce()
	if p.lost != 1 {
		t.Fatalf("ConnectionLost %d, want 1", p.lost)
	}
}

// datagram returns datagram i of a test: size bytes starting with i.
func datagram(i, size int) []byte {
	b := make([]byte, size)
	copy(b, fmt.Sprint(i))
	return b
}
