//go:build linux

package aio

import (
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// The IO tests run on real-clock loops: a virtual clock would jump its
// timers while real sockets are in flight. They only talk to 127.0.0.1
// and ::1 on ports picked by the kernel. A watchdog stops a loop that
// hangs; it never decides the outcome of a test that passes.

const ioWatchdog = 20 * time.Second

// newIOLoop makes a real-clock loop closed at the end of the test.
func newIOLoop(tb testing.TB, opts ...Option) *Loop {
	tb.Helper()
	l, err := NewLoop(append([]Option{NoSignalHandlers()}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// runIO runs fn as a task on l until it completes; it fails the test if
// the loop hangs for longer than the watchdog.
func runIO[T any](tb testing.TB, l *Loop, fn func(t *Task) (T, error)) (T, error) {
	tb.Helper()
	var hung atomic.Bool
	w := time.AfterFunc(ioWatchdog, func() {
		l.CallSoonThreadsafe(func() { hung.Store(true); l.Stop() })
	})
	defer w.Stop()
	v, err := RunUntilComplete(l, CreateTask(l, fn))
	if hung.Load() {
		tb.Fatalf("the loop hung for %v", ioWatchdog)
	}
	return v, err
}

// runTest is runIO for a task that only returns an error, which fails
// the test.
func runTest(tb testing.TB, l *Loop, fn func(t *Task) error) {
	tb.Helper()
	_, err := runIO(tb, l, func(t *Task) (struct{}, error) { return struct{}{}, fn(t) })
	if err != nil {
		tb.Fatal(err)
	}
}

// countFDs returns the number of open fds of the process. Go's runtime
// opens its own poller fds on first use of package net, so callers warm
// it up first (see warmFDs).
func countFDs(tb testing.TB) int {
	tb.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

func warmFDs() {
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
}

// checkFDs makes the test fail if, once it and its cleanups (closing its
// loops) are done, the fd count is not back to what it is now. Call it
// before making the test's loops.
func checkFDs(tb testing.TB) {
	warmFDs()
	runtime.GC()
	before := countFDs(tb)
	tb.Cleanup(func() {
		tb.Helper()
		if after := countFDs(tb); after != before {
			tb.Errorf("fds leaked: %d open before, %d after", before, after)
		}
	})
}

// recProto is a Protocol that records what happens to it, and can echo.
type recProto struct {
	tr       Transport
	data     []byte
	made     int
	eof      int
	lost     int
	err      error
	echo     bool
	keepOpen bool
	paused   int
	resumed  int
	onMade   func(p *recProto)
	onData   func(p *recProto, b []byte)
	onEOF    func(p *recProto)

	want    int
	dataFut *Future[struct{}]
	lostFut *Future[error]
}

func (p *recProto) ConnectionMade(t Transport) {
	p.tr = t
	p.made++
	if p.onMade != nil {
		p.onMade(p)
	}
}

func (p *recProto) DataReceived(b []byte) {
	if p.echo {
		p.tr.Write(b)
	}
	p.data = append(p.data, b...)
	if p.onData != nil {
		p.onData(p, b)
	}
	p.checkData()
}

func (p *recProto) checkData() {
	if p.dataFut != nil && len(p.data) >= p.want && !p.dataFut.Done() {
		p.dataFut.SetResult(struct{}{})
	}
}

func (p *recProto) EOFReceived() bool {
	p.eof++
	if p.onEOF != nil {
		p.onEOF(p)
	}
	return p.keepOpen
}

func (p *recProto) ConnectionLost(err error) {
	p.lost++
	p.err = err
	if p.lostFut != nil && !p.lostFut.Done() {
		p.lostFut.SetResult(err)
	}
}

func (p *recProto) PauseWriting()  { p.paused++ }
func (p *recProto) ResumeWriting() { p.resumed++ }

// waitData suspends t until at least n bytes were received.
func (p *recProto) waitData(t *Task, n int) error {
	if len(p.data) >= n {
		return nil
	}
	p.want = n
	p.dataFut = NewFuture[struct{}](t.Loop())
	_, err := Await(t, p.dataFut)
	p.dataFut = nil
	return err
}

// waitLost suspends t until ConnectionLost ran and returns its error.
func (p *recProto) waitLost(t *Task) error {
	if p.lost > 0 {
		return p.err
	}
	p.lostFut = NewFuture[error](t.Loop())
	v, err := Await(t, p.lostFut)
	if err != nil {
		return err
	}
	return v
}

// protoSet collects the protocols a server factory made.
type protoSet struct {
	list  []*recProto
	setup func(p *recProto)
	fut   *Future[struct{}]
	want  int
}

func (s *protoSet) factory() *recProto {
	p := &recProto{}
	if s.setup != nil {
		s.setup(p)
	}
	s.list = append(s.list, p)
	if s.fut != nil && len(s.list) >= s.want && !s.fut.Done() {
		s.fut.SetResult(struct{}{})
	}
	return p
}

// waitN suspends t until the factory made n protocols.
func (s *protoSet) waitN(t *Task, n int) error {
	if len(s.list) >= n {
		return nil
	}
	s.want = n
	s.fut = NewFuture[struct{}](t.Loop())
	_, err := Await(t, s.fut)
	s.fut = nil
	return err
}
