//go:build linux

package poll

import (
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// assertWakeDrained checks that the eventfd counter is zero: reading it
// without blocking fails with EAGAIN.
func assertWakeDrained(t *testing.T, p *Poller) {
	t.Helper()
	var buf [8]byte
	if n, err := unix.Read(p.wakefd, buf[:]); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("eventfd not drained: read n=%d err=%v (counter %v)", n, err, buf)
	}
}

// openFds counts the entries of /proc/self/fd.
func openFds(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot list open fds: %v", err)
	}
	return len(entries)
}

// TestNoFdLeak is not parallel: parallel tests only start once the
// sequential ones are done, so no other test opens fds meanwhile.
func TestNoFdLeak(t *testing.T) {
	warm, err := New() // let the runtime and the test set up whatever they keep
	if err != nil {
		t.Fatal(err)
	}
	warm.Close()

	before := openFds(t)
	for range 20 {
		p, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Wake(); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Wait(make([]Ready, 4), 0); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if after := openFds(t); after != before {
		t.Fatalf("open fds: %d before, %d after 20 New+Close", before, after)
	}
}

// TestHangupWithoutInterest documents an epoll property the loop must
// handle: EPOLLHUP is reported even for an fd registered with no interest.
func TestHangupWithoutInterest(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := rawSocketpair(t)
	closeFd(t, a)
	if err := p.Register(a, 0); err != nil {
		t.Fatal(err)
	}
	if err := unix.Close(b); err != nil {
		t.Fatal(err)
	}
	if got := waitEvents(t, p); got[a]&Hangup == 0 || got[a]&(Readable|Writable) != 0 {
		t.Fatalf("got %v, want fd %d Hangup without Readable/Writable", got, a)
	}
}

// TestHalfCloseWithoutReadInterest checks that a peer's shutdown(SHUT_WR)
// (EPOLLRDHUP) does not make an fd with reading paused busy.
func TestHalfCloseWithoutReadInterest(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	a, b := socketpair(t)
	if err := p.Register(a, Readable); err != nil {
		t.Fatal(err)
	}
	if err := unix.Shutdown(b, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	if got := waitEvents(t, p); got[a] != Readable|Hangup {
		t.Fatalf("got %v, want fd %d Readable|Hangup", got, a)
	}
	if err := p.Modify(a, 0); err != nil { // reading paused
		t.Fatal(err)
	}
	if got := pollNow(t, p); len(got) != 0 {
		t.Fatalf("half-closed fd with no interest reported: %v", got)
	}
}

// TestErrorReported: the write end of a pipe whose read end is closed reports
// Error (EPOLLERR).
func TestErrorReported(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	r, w := rawPipe(t)
	closeFd(t, w)
	if err := p.Register(w, Writable); err != nil {
		t.Fatal(err)
	}
	if err := unix.Close(r); err != nil {
		t.Fatal(err)
	}
	// A pipe's write end reports EPOLLERR once the read end is closed.
	if got := waitEvents(t, p); got[w]&Error == 0 {
		t.Fatalf("got %v, want fd %d Error", got, w)
	}
}

// TestFairWithSmallBuffer: with more ready fds than room in events, epoll
// rotates level-triggered fds, so every one is reported in turn.
func TestFairWithSmallBuffer(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	want := make(map[int]bool)
	for range 3 {
		r, w := pipe(t)
		write(t, w, "x")
		if err := p.Register(r, Readable); err != nil {
			t.Fatal(err)
		}
		want[r] = true
	}
	events := make([]Ready, 1)
	seen := make(map[int]bool)
	for i := 0; i < 100 && len(seen) < len(want); i++ {
		n, err := p.Wait(events, -1)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			seen[events[0].Fd] = true
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("saw %v of %v", seen, want)
	}
}

// TestPwait2Fallback forces the epoll_wait path for sub-millisecond
// timeouts (what a kernel before 5.11 gets) and checks it still times out
// with no events.
func TestPwait2Fallback(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	p.noPwait2 = true
	events := make([]Ready, 4)
	for _, d := range []time.Duration{time.Nanosecond, 200 * time.Microsecond, 1200 * time.Microsecond} {
		if n, err := p.Wait(events, d); n != 0 || err != nil {
			t.Errorf("Wait(%v): n=%d err=%v, want 0, nil", d, n, err)
		}
	}
}

func TestCeilMillis(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   time.Duration
		want int
	}{
		{time.Nanosecond, 1},
		{time.Millisecond - 1, 1},
		{time.Millisecond, 1},
		{time.Millisecond + 1, 2},
		{1500 * time.Microsecond, 2},
		{time.Second, 1000},
		{time.Duration(math.MaxInt64), math.MaxInt32},
		{time.Duration(math.MaxInt32+1) * time.Millisecond, math.MaxInt32},
	}
	for _, c := range cases {
		if got := ceilMillis(c.in); got != c.want {
			t.Errorf("ceilMillis(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestPwait2Probe runs a sub-millisecond Wait and logs which syscall served
// it; either is correct, so it never fails on that.
func TestPwait2Probe(t *testing.T) {
	t.Parallel()
	p := newPoller(t)
	if n, err := p.Wait(make([]Ready, 4), 100*time.Microsecond); n != 0 || err != nil {
		t.Fatalf("Wait: n=%d err=%v", n, err)
	}
	if p.noPwait2 {
		t.Log("epoll_pwait2 unavailable: sub-millisecond timeouts round up to 1ms")
	} else {
		t.Log("epoll_pwait2 available: nanosecond timeouts")
	}
}
