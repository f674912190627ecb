//go:build linux

package aio

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// burstProto is a BufferedProtocol with a small buffer, so that a test
// can count the reads of a pass.
type burstProto struct {
	tr       Transport
	buf      [100]byte
	got      []byte
	onUpdate func(p *burstProto)
	lost     int
	err      error
}

func (p *burstProto) ConnectionMade(t Transport)    { p.tr = t }
func (p *burstProto) DataReceived([]byte)           { panic("DataReceived called on a BufferedProtocol") }
func (p *burstProto) ConnectionLost(err error)      { p.lost, p.err = p.lost+1, err }
func (p *burstProto) GetBuffer(sizeHint int) []byte { return p.buf[:] }
func (p *burstProto) BufferUpdated(n int) {
	p.got = append(p.got, p.buf[:n]...)
	if p.onUpdate != nil {
		p.onUpdate(p)
	}
}

// runUntilLost runs loop passes until ConnectionLost ran, at most 10.
func (p *burstProto) runUntilLost(l *Loop) {
	for i := 0; i < 10 && p.lost == 0; i++ {
		l.runOnce()
	}
}

// burstPair serves one end of a TCP pair with p and returns the other
// end, blocking, and the transport.
func burstPair(t *testing.T, l *Loop, p Protocol) (*SocketTransport, int) {
	t.Helper()
	s, c := rawPair(t, "tcp")
	t.Cleanup(func() { unix.Close(c) })
	tr, _, err := ConnectAccepted(l, func() Protocol { return p }, s)
	if err != nil {
		unix.Close(s)
		t.Fatal(err)
	}
	return tr, c
}

// One loop pass reads at most readBudget buffers from a connection,
// however much is waiting: the rest waits for the next pass.
func TestReadBudgetPerPass(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	p := &burstProto{}
	tr, peer := burstPair(t, l, p)
	defer tr.Abort()
	if _, err := unix.Write(peer, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	for pass, want := range []int{400, 800, 1000} {
		l.runOnce()
		if len(p.got) != want {
			t.Fatalf("after pass %d: %d bytes read, want %d (a budget of %d reads of %d bytes)",
				pass+1, len(p.got), want, readBudget, len(p.buf))
		}
	}
}

// A protocol that pauses reading in the middle of a burst gets nothing
// more in that pass, and the rest after ResumeReading.
func TestPauseReadingMidBurst(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	p := &burstProto{onUpdate: func(p *burstProto) {
		if len(p.got) == 100 {
			p.tr.PauseReading()
		}
	}}
	tr, peer := burstPair(t, l, p)
	defer tr.Abort()
	if _, err := unix.Write(peer, make([]byte, 300)); err != nil {
		t.Fatal(err)
	}
	l.runOnce()
	if len(p.got) != 100 || tr.IsReading() {
		t.Fatalf("%d bytes read after PauseReading in the first read (reading %v), want 100", len(p.got), tr.IsReading())
	}
	tr.ResumeReading()
	l.runOnce()
	if len(p.got) != 300 {
		t.Fatalf("%d bytes read after ResumeReading, want 300", len(p.got))
	}
}

// pausedPair is burstPair with reading paused and nothing to write: the
// transport waits for no readiness.
func pausedPair(t *testing.T) (*Loop, *burstProto, *SocketTransport, int) {
	checkFDs(t)
	l := newIOLoop(t)
	p := &burstProto{}
	tr, peer := burstPair(t, l, p)
	tr.PauseReading()
	return l, p, tr, peer
}

// A connection reset while the transport waits for nothing (reading
// paused, nothing to write) is noticed from the hang-up: the transport
// closes with the socket's error.
func TestHangupWithErrorWhilePaused(t *testing.T) {
	l, p, _, peer := pausedPair(t)
	// Close with SO_LINGER 0: the peer resets the connection.
	unix.SetsockoptLinger(peer, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	unix.Close(peer)
	p.runUntilLost(l)
	if p.lost != 1 || !errors.Is(p.err, unix.ECONNRESET) {
		t.Fatalf("ConnectionLost called %d times with %v, want once with ECONNRESET", p.lost, p.err)
	}
}

// A hang-up with no error while the transport waits for nothing takes
// the fd out of the poller (level-triggered, it would be reported every
// pass); resuming reading registers it again and reads the end of file.
func TestHangupWhilePausedLeavesThePoller(t *testing.T) {
	l, p, tr, peer := pausedPair(t)
	if err := tr.WriteEOF(); err != nil {
		t.Fatal(err)
	}
	unix.Close(peer) // both directions are shut now: EPOLLHUP
	l.runOnce()
	if tr.pfd.registered || p.lost != 0 {
		t.Fatalf("after the hang-up: in the poller %v, lost %d; want out of the poller, not lost", tr.pfd.registered, p.lost)
	}
	tr.ResumeReading()
	p.runUntilLost(l)
	if p.lost != 1 || p.err != nil {
		t.Fatalf("ConnectionLost called %d times with %v, want once with nil (end of file)", p.lost, p.err)
	}
}
