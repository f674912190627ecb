//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package poll

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Tests never let timing decide pass/fail: positive cases wait forever (the
// test binary's -timeout catches a hang), negative cases poll with timeout 0.
// A blocking Wait may return (0, nil) early (EINTR from the runtime's
// preemption signal, or a stray wake-up), so positive cases retry.

func newPoller(t testing.TB) *Poller {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func closeFd(t testing.TB, fd int) {
	t.Helper()
	t.Cleanup(func() { unix.Close(fd) })
}

// pipe returns a non-blocking pipe (read end, write end), closed at cleanup.
func pipe(t testing.TB) (r, w int) {
	t.Helper()
	r, w = rawPipe(t)
	closeFd(t, r)
	closeFd(t, w)
	return r, w
}

// socketpair returns a connected non-blocking AF_UNIX stream pair, closed at
// cleanup.
func socketpair(t testing.TB) (a, b int) {
	t.Helper()
	a, b = rawSocketpair(t)
	closeFd(t, a)
	closeFd(t, b)
	return a, b
}

// rawPipe is pipe without the cleanup, for tests that close an end
// themselves. (Closing an fd twice could close another parallel test's fd
// that reused the number.)
func rawPipe(t testing.TB) (r, w int) {
	t.Helper()
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		t.Fatalf("pipe: %v", err)
	}
	setup(t, fds[:])
	return fds[0], fds[1]
}

// rawSocketpair is socketpair without the cleanup.
func rawSocketpair(t testing.TB) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	setup(t, fds[:])
	return fds[0], fds[1]
}

func setup(t testing.TB, fds []int) {
	t.Helper()
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatalf("SetNonblock: %v", err)
		}
	}
}

func write(t testing.TB, fd int, s string) {
	t.Helper()
	if n, err := unix.Write(fd, []byte(s)); err != nil || n != len(s) {
		t.Fatalf("write(%d): n=%d err=%v", fd, n, err)
	}
}

// waitEvents blocks until Wait reports at least one event and returns the
// merged readiness per fd.
func waitEvents(t testing.TB, p *Poller) map[int]Event {
	t.Helper()
	events := make([]Ready, 16)
	for range 1000 {
		n, err := p.Wait(events, -1)
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if n == 0 {
			continue // EINTR or a wake-up
		}
		got := make(map[int]Event)
		for _, r := range events[:n] {
			got[r.Fd] |= r.Events
		}
		return got
	}
	t.Fatal("Wait kept returning no events")
	return nil
}

// pollNow polls once without blocking and returns the merged readiness per fd.
func pollNow(t testing.TB, p *Poller) map[int]Event {
	t.Helper()
	events := make([]Ready, 16)
	n, err := p.Wait(events, 0)
	if err != nil {
		t.Fatalf("Wait(0): %v", err)
	}
	got := make(map[int]Event)
	for _, r := range events[:n] {
		got[r.Fd] |= r.Events
	}
	return got
}

func TestReadable(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	r, w := pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	if got := pollNow(t, p); len(got) != 0 {
		t.Fatalf("empty pipe reported: %v", got)
	}
	write(t, w, "x")
	got := waitEvents(t, p)
	if len(got) != 1 || got[r]&Readable == 0 {
		t.Fatalf("got %v, want fd %d Readable", got, r)
	}
	if got[r]&(Writable|Error|Hangup) != 0 {
		t.Fatalf("unexpected bits: %v", got)
	}
}

func TestWritable(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, _ := socketpair(t)
	if err := p.Register(a, Writable); err != nil {
		t.Fatal(err)
	}
	got := waitEvents(t, p)
	if len(got) != 1 || got[a] != Writable {
		t.Fatalf("got %v, want fd %d Writable only", got, a)
	}
}

func TestLevelTriggered(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := socketpair(t)
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	write(t, b, "hello")
	for i := range 3 { // not read: reported again every time
		if got := waitEvents(t, p); got[a]&Readable == 0 {
			t.Fatalf("round %d: got %v, want fd %d Readable", i, got, a)
		}
	}
	buf := make([]byte, 16)
	if n, err := unix.Read(a, buf); err != nil || n != 5 {
		t.Fatalf("read: n=%d err=%v", n, err)
	}
	if got := pollNow(t, p); len(got) != 0 {
		t.Fatalf("drained socket still reported: %v", got)
	}
}

func TestModify(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := socketpair(t)
	write(t, b, "data") // a is now both readable and writable
	if err := p.Register(a, 0); err != nil {
		t.Fatal(err)
	}
	if got := pollNow(t, p); len(got) != 0 {
		t.Fatalf("no interest, but reported: %v", got)
	}
	steps := []Event{Readable, Writable, Readable | Writable, Readable, 0, Writable}
	for _, interest := range steps {
		if err := p.Modify(a, interest); err != nil {
			t.Fatalf("Modify(%#x): %v", interest, err)
		}
		if interest == 0 {
			if got := pollNow(t, p); len(got) != 0 {
				t.Fatalf("interest 0, but reported: %v", got)
			}
			continue
		}
		got := waitEvents(t, p)
		if got[a]&(Readable|Writable) != interest {
			t.Fatalf("interest %#x: got %v", interest, got)
		}
	}
}

func TestUnregister(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := socketpair(t)
	write(t, b, "data")
	if err := p.Register(a, Readable|Writable); err != nil {
		t.Fatal(err)
	}
	if got := waitEvents(t, p); got[a] == 0 {
		t.Fatalf("got %v, want fd %d", got, a)
	}
	if err := p.Unregister(a); err != nil {
		t.Fatal(err)
	}
	if got := pollNow(t, p); len(got) != 0 {
		t.Fatalf("unregistered fd reported: %v", got)
	}
	// And it can be registered again.
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	if got := waitEvents(t, p); got[a]&Readable == 0 {
		t.Fatalf("re-registered: got %v", got)
	}
}

func TestRegistrationErrors(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, _ := socketpair(t)
	if err := p.Modify(a, Readable); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Modify of unregistered fd: %v, want ENOENT", err)
	}
	if err := p.Unregister(a); !errors.Is(err, unix.ENOENT) {
		t.Errorf("Unregister of unregistered fd: %v, want ENOENT", err)
	}
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	if err := p.Register(a, Readable); !errors.Is(err, unix.EEXIST) {
		t.Errorf("second Register: %v, want EEXIST", err)
	}
	if err := p.Modify(a, Hangup); err == nil {
		t.Error("Modify with a readiness-only bit: no error")
	}
	if err := p.Register(-1, Readable); err == nil {
		t.Error("Register(-1): no error")
	}
}

func TestHangupSocket(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := rawSocketpair(t)
	closeFd(t, a)
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	write(t, b, "last words")
	if err := unix.Close(b); err != nil {
		t.Fatal(err)
	}
	got := waitEvents(t, p)
	if got[a]&Hangup == 0 || got[a]&Readable == 0 {
		t.Fatalf("got %v, want fd %d Readable|Hangup", got, a)
	}
	// The data sent before the close is still there, then EOF.
	buf := make([]byte, 32)
	if n, _ := unix.Read(a, buf); string(buf[:n]) != "last words" {
		t.Fatalf("read %q", buf[:n])
	}
	if n, err := unix.Read(a, buf); n != 0 || err != nil {
		t.Fatalf("want EOF, got n=%d err=%v", n, err)
	}
}

func TestHangupPipe(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	r, w := rawPipe(t)
	closeFd(t, r)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	if err := unix.Close(w); err != nil {
		t.Fatal(err)
	}
	if got := waitEvents(t, p); got[r]&Hangup == 0 {
		t.Fatalf("got %v, want fd %d Hangup", got, r)
	}
}

func TestWakeUnblocksInfiniteWait(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, _ := socketpair(t)
	if err := p.Register(a, Readable); err != nil { // registered, never ready
		t.Fatal(err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond) // most likely while Wait blocks; either order must work
		if err := p.Wake(); err != nil {
			t.Errorf("Wake: %v", err)
		}
	}()
	events := make([]Ready, 8)
	for p.signals.Load() == 0 || p.pending.Load() { // until the wake-up is sent and consumed
		n, err := p.Wait(events, -1)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("wake-up reported as events: %v", events[:n])
		}
	}
}

func TestWakeBeforeWait(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	events := make([]Ready, 8)
	for p.pending.Load() {
		if n, err := p.Wait(events, -1); n != 0 || err != nil {
			t.Fatalf("Wait: n=%d err=%v, want 0, nil", n, err)
		}
	}
}

func TestWakeWithReadyFd(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	r, w := pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	write(t, w, "x")
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	// Only the pipe is ever reported, never the wake-up, even with room to
	// spare and with a buffer of one entry.
	for _, size := range []int{8, 1} {
		events := make([]Ready, size)
		for range 3 {
			n, err := p.Wait(events, -1)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events[:n] {
				if e.Fd != r {
					t.Fatalf("unexpected report %+v (pipe is %d)", e, r)
				}
			}
		}
	}
}

func TestWakeCoalesces(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if err := p.Wake(); err != nil {
					t.Errorf("Wake: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := p.signals.Load(); got != 1 {
		t.Fatalf("8000 Wakes without a Wait sent %d signals, want 1", got)
	}
	events := make([]Ready, 8)
	for p.pending.Load() {
		if n, err := p.Wait(events, -1); n != 0 || err != nil {
			t.Fatalf("Wait: n=%d err=%v", n, err)
		}
	}
	if n, err := p.Wait(events, 0); n != 0 || err != nil {
		t.Fatalf("after the wake-up was consumed: n=%d err=%v, want 0, nil", n, err)
	}
	assertWakeDrained(t, p)
	// The flag was reset: the next Wake signals again.
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	if got := p.signals.Load(); got != 2 {
		t.Fatalf("Wake after Wait: %d signals, want 2", got)
	}
}

// TestWakeNeverLost runs many wake/acknowledge rounds with several goroutines
// waking at once: every round's Wait must return, so a wake-up lost between
// draining and clearing the flag would hang here.
func TestWakeNeverLost(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	const rounds = 2000
	var seq atomic.Int64
	ack := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := int64(1); i <= rounds; i++ {
				if g == 0 {
					seq.Store(i)
				}
				if err := p.Wake(); err != nil {
					t.Errorf("Wake: %v", err)
				}
				if g == 0 {
					<-ack
				}
			}
		})
	}
	events := make([]Ready, 4)
	for i := int64(1); i <= rounds; i++ {
		for seq.Load() < i {
			if _, err := p.Wait(events, -1); err != nil {
				t.Fatal(err)
			}
		}
		ack <- struct{}{}
	}
	wg.Wait()
}

func TestWaitTimeout(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, _ := socketpair(t)
	if err := p.Register(a, Readable); err != nil { // registered, never ready
		t.Fatal(err)
	}
	events := make([]Ready, 8)
	for _, d := range []time.Duration{0, time.Nanosecond, 300 * time.Microsecond, time.Millisecond, 1500 * time.Microsecond} {
		if n, err := p.Wait(events, d); n != 0 || err != nil {
			t.Errorf("Wait(%v): n=%d err=%v, want 0, nil", d, n, err)
		}
	}
}

func TestWaitEmptyEvents(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	r, w := pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	write(t, w, "x")
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	for p.pending.Load() {
		if n, err := p.Wait(nil, -1); n != 0 || err != nil {
			t.Fatalf("Wait(nil): n=%d err=%v", n, err)
		}
	}
	// The ready pipe was not lost: level-triggered, it is reported now.
	if got := waitEvents(t, p); got[r]&Readable == 0 {
		t.Fatalf("got %v", got)
	}
}

func TestClosed(t *testing.T) {
	t.Parallel()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := socketpair(t)
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	events := make([]Ready, 1)
	if _, err := p.Wait(events, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait after Close: %v", err)
	}
	if _, err := p.Wait(events, -1); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait(-1) after Close: %v", err)
	}
	if err := p.Register(a, Readable); !errors.Is(err, ErrClosed) {
		t.Errorf("Register after Close: %v", err)
	}
	if err := p.Modify(a, Writable); !errors.Is(err, ErrClosed) {
		t.Errorf("Modify after Close: %v", err)
	}
	if err := p.Unregister(a); !errors.Is(err, ErrClosed) {
		t.Errorf("Unregister after Close: %v", err)
	}
	if err := p.Wake(); !errors.Is(err, ErrClosed) {
		t.Errorf("Wake after Close: %v", err)
	}
	if err := p.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

// TestWakeDuringClose closes a Poller while other goroutines hammer Wake:
// no race, no panic, and every Wake returns nil or ErrClosed.
func TestWakeDuringClose(t *testing.T) {
	t.Parallel()
	for range 50 {
		p, err := New()
		if err != nil {
			t.Fatal(err)
		}
		events := make([]Ready, 1)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					err := p.Wake()
					if errors.Is(err, ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("Wake: %v", err)
						return
					}
				}
			})
		}
		for range 3 {
			if _, err := p.Wait(events, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

func TestWaitZeroAllocs(t *testing.T) {
	p := newPoller(t)
	r, w := pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	write(t, w, "x")
	events := make([]Ready, 64)
	waitReady := func() {
		if _, err := p.Wait(events, -1); err != nil {
			t.Fatal(err)
		}
	}
	waitReady() // sizes the internal buffer
	if a := testing.AllocsPerRun(1000, waitReady); a != 0 {
		t.Errorf("Wait with a ready fd: %v allocs, want 0", a)
	}
	if a := testing.AllocsPerRun(1000, func() {
		if err := p.Wake(); err != nil {
			t.Fatal(err)
		}
		waitReady()
	}); a != 0 {
		t.Errorf("Wake+Wait: %v allocs, want 0", a)
	}
	if a := testing.AllocsPerRun(1000, func() {
		if err := p.Modify(r, Readable|Writable); err != nil {
			t.Fatal(err)
		}
		if err := p.Modify(r, Readable); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Modify: %v allocs, want 0", a)
	}
	// Timed waits with nothing ready (sub-millisecond: epoll_pwait2 or the
	// rounded epoll_wait; either way no allocation).
	if err := p.Unregister(r); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(20, func() {
		if _, err := p.Wait(events, 50*time.Microsecond); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Wait with a timeout: %v allocs, want 0", a)
	}
}
