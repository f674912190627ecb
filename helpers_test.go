package aio

import (
	"bytes"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The helpers of the package's own tests. These tests are internal
// (package aio), so they cannot use the public kit in aiotest, which
// imports aio: what they need is kept here, small. Tests that need only
// the exported API belong in package aio_test and use aiotest.

// newTestLoop makes a virtual-clock loop closed at the end of the test.
func newTestLoop(tb testing.TB, opts ...Option) *Loop {
	tb.Helper()
	return newLoopFor(tb, append([]Option{VirtualClock()}, opts...))
}

// newIOLoop makes a real-clock loop closed at the end of the test. The
// IO tests that wait on timers use it: a virtual clock would jump its
// timers while real sockets are in flight. They only talk to 127.0.0.1
// and ::1 on ports picked by the kernel.
func newIOLoop(tb testing.TB, opts ...Option) *Loop {
	tb.Helper()
	return newLoopFor(tb, append([]Option{NoSignalHandlers()}, opts...))
}

func newLoopFor(tb testing.TB, opts []Option) *Loop {
	tb.Helper()
	l, err := NewLoop(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// ioWatchdog bounds a run of the loop: it stops a loop that hangs. It
// never decides the outcome of a test that ends in time.
const ioWatchdog = time.Minute

// runMain runs fn as a task on l until it completes; it fails the test
// if the loop hangs for longer than the watchdog.
func runMain[T any](tb testing.TB, l *Loop, fn func(t *Task) (T, error)) (T, error) {
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

// runTest is runMain for a task that only returns an error, which fails
// the test.
func runTest(tb testing.TB, l *Loop, fn func(t *Task) error) {
	tb.Helper()
	_, err := runMain(tb, l, func(t *Task) (struct{}, error) { return struct{}{}, fn(t) })
	if err != nil {
		tb.Fatal(err)
	}
}

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func captureLogger() (*logBuffer, Option) {
	b := &logBuffer{}
	return b, WithLogger(slog.New(slog.NewTextHandler(b, nil)))
}

// recorder collects exception-handler reports.
type recorder struct{ got []ExceptionContext }

func (r *recorder) handler() Option {
	return WithExceptionHandler(func(_ *Loop, c ExceptionContext) { r.got = append(r.got, c) })
}

func (r *recorder) messages() string {
	var s []string
	for _, c := range r.got {
		s = append(s, c.Message)
	}
	return strings.Join(s, "; ")
}

// settled calls ok until it reports true or 5 s have passed, and
// returns its last answer: goroutines of stopped coroutines exit, and
// finalizers close files, asynchronously.
func settled(ok func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// checkNoGoroutineLeak fails if the goroutine count does not come back to
// what it was.
func checkNoGoroutineLeak(tb testing.TB) func() {
	before := runtime.NumGoroutine()
	return func() {
		tb.Helper()
		if !settled(func() bool { return runtime.NumGoroutine() <= before }) {
			buf := make([]byte, 1<<16)
			tb.Fatalf("goroutines leaked: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
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

// rawPair connects two blocking, close-on-exec stream sockets of network:
// "unix" (a socketpair) or "tcp" (on 127.0.0.1, with TCP_NODELAY). The
// caller owns them.
func rawPair(tb testing.TB, network string) (a, b int) {
	tb.Helper()
	syscall.ForkLock.RLock() // no exec (server_test re-executes itself) may inherit them first
	defer syscall.ForkLock.RUnlock()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	if network == "unix" {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		must(err)
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
		return fds[0], fds[1]
	}
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	must(err)
	defer unix.Close(lfd)
	must(unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	must(unix.Listen(lfd, 1))
	sa, err := unix.Getsockname(lfd)
	must(err)
	a, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	must(err)
	unix.CloseOnExec(a)
	must(unix.Connect(a, sa))
	b, _, err = unix.Accept(lfd)
	must(err)
	unix.CloseOnExec(b)
	unix.SetsockoptInt(a, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	unix.SetsockoptInt(b, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return a, b
}

// socketPair returns a connected pair of non-blocking sockets of network
// ("unix" or "tcp", as for rawPair), closed when the test ends.
func socketPair(tb testing.TB, network string) [2]int {
	tb.Helper()
	a, b := rawPair(tb, network)
	tb.Cleanup(func() { unix.Close(a); unix.Close(b) })
	for _, fd := range []int{a, b} {
		if err := unix.SetNonblock(fd, true); err != nil {
			tb.Fatal(err)
		}
	}
	return [2]int{a, b}
}

// peerPair serves one end of a rawPair of network with a transport on l
// (through ConnectAccepted) and returns the other end, the peer that the
// test drives by hand, as a blocking *os.File closed when the test ends.
func peerPair[P Protocol](tb testing.TB, l *Loop, network string, factory func() P) (*SocketTransport, *os.File) {
	tb.Helper()
	a, b := rawPair(tb, network)
	peer := os.NewFile(uintptr(b), "peer")
	tb.Cleanup(func() { peer.Close() })
	tr, _, err := ConnectAccepted(l, factory, a)
	if err != nil {
		unix.Close(a)
		tb.Fatal(err)
	}
	return tr, peer
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
