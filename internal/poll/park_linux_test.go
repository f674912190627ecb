//go:build linux

package poll

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Tests of how a Linux Wait sleeps (park_linux.go): held raw, parked in
// the runtime's netpoller, or blocked where it cannot park. Which way a
// Wait went is read from the parks counter, never from timing.

// waitUntil calls Wait(-1) until it reports an event for fd or done says
// the wake-up it waits for was consumed, and returns the events for fd.
func waitUntil(t *testing.T, p *Poller, fd int, done func() bool) Event {
	got, _ := waitCount(t, p, fd, done)
	return got
}

// waitCount is waitUntil that also returns how many Waits it took.
func waitCount(t *testing.T, p *Poller, fd int, done func() bool) (got Event, waits int) {
	t.Helper()
	events := make([]Ready, 8)
	for got == 0 && !done() {
		waits++
		n, err := p.Wait(events, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events[:n] {
			if ev.Fd == fd {
				got |= ev.Events
			}
		}
	}
	return got, waits
}

// afterPark runs fn on another goroutine once a Wait of p has parked
// (most likely: either order must work), or after 10 s without a park, so
// that a test whose Wait never parks fails instead of hanging.
func afterPark(p *Poller, fn func()) {
	go func() {
		deadline := time.Now().Add(10 * time.Second) // a watchdog, not a timing
		for p.parking.parks.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(5 * time.Millisecond)
		fn()
	}()
}

// pollerWithPipe returns a Poller with the read end of an empty pipe
// registered for reading, and the pipe.
func pollerWithPipe(t *testing.T) (p *Poller, r, w int) {
	t.Helper()
	p = newPoller(t)
	r, w = pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	return p, r, w
}

// TestRegisterPreparesParking: the parking fd is made at the first
// Register, not at the first long wait (see parker.prepare), and Close
// releases it.
func TestRegisterPreparesParking(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if p.parking.f != nil {
		t.Fatal("parking fd made before any Register")
	}
	r, _ := pipe(t)
	if err := p.Register(r, Readable); err != nil {
		t.Fatal(err)
	}
	if p.parking.f == nil || p.parking.failed {
		t.Fatalf("no parking fd after Register (failed=%v)", p.parking.failed)
	}
	f := p.parking.f
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p.parking.f != nil || f.Fd() != ^uintptr(0) { // os.File.Fd is -1 once closed
		t.Fatal("Close left the parking fd open")
	}
}

// gateEvents returns the events the parking gate watches on p's epoll
// fd, read from the kernel (/proc/self/fdinfo of the gate).
func gateEvents(p *Poller) (uint32, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", p.parking.gfd))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "tfd:" && f[1] == strconv.Itoa(p.epfd) && f[2] == "events:" {
			ev, err := strconv.ParseUint(f[3], 16, 32)
			return uint32(ev), err
		}
	}
	return 0, fmt.Errorf("the gate does not hold the epoll fd %d:\n%s", p.epfd, b)
}

// TestGateOpensOnlyWhileParked: the netpoller hears of the Poller's
// events only while a Wait is parked, so that a busy loop's events do
// not wake a thread sleeping in the runtime's poll.
func TestGateOpensOnlyWhileParked(t *testing.T) {
	t.Parallel()
	p, r, w := pollerWithPipe(t)
	gate := func(when string, open bool) {
		ev, err := gateEvents(p)
		if err == nil && (ev&unix.EPOLLIN != 0) != open {
			err = fmt.Errorf("gate events %#x %s", ev, when)
		}
		if err != nil {
			t.Error(err)
		}
	}
	gate("before any Wait", false)
	afterPark(p, func() {
		gate("while parked", true)
		write(t, w, "x")
	})
	waitUntil(t, p, r, func() bool { return false })
	if p.parking.parks.Load() == 0 {
		t.Fatal("the Wait never parked: the test did not test the parked wait")
	}
	gate("after the parked Wait", false)
}

// TestParkedWaitSeesReadiness: a Wait that has held its P for holdMax
// parks, and readiness that comes while it is parked ends it.
func TestParkedWaitSeesReadiness(t *testing.T) {
	t.Parallel()
	p, r, w := pollerWithPipe(t)
	afterPark(p, func() { write(t, w, "x") })
	if got := waitUntil(t, p, r, func() bool { return false }); got&Readable == 0 {
		t.Fatalf("got %v, want Readable", got)
	}
	if p.parking.parks.Load() == 0 {
		t.Fatal("the Wait never parked: the test did not test the parked wait")
	}
}

// TestParkedWaitWakes: Wake ends a parked Wait.
func TestParkedWaitWakes(t *testing.T) {
	t.Parallel()
	p, _, _ := pollerWithPipe(t) // registered, never ready
	afterPark(p, func() {
		if err := p.Wake(); err != nil {
			t.Errorf("Wake: %v", err)
		}
	})
	waitUntil(t, p, -1, func() bool { return p.signals.Load() != 0 && !p.pending.Load() })
	if p.parking.parks.Load() == 0 {
		t.Fatal("the Wait never parked: the test did not test the parked wait")
	}
}

// TestParkedWaitTimeout: a timeout ends a Wait with nothing; after
// HoldBriefly, one longer than holdMax parks and still ends at its
// timeout.
func TestParkedWaitTimeout(t *testing.T) {
	t.Parallel()
	p, _, _ := pollerWithPipe(t)
	events := make([]Ready, 8)
	if n, err := p.Wait(events, holdMax/2); n != 0 || err != nil {
		t.Fatalf("Wait(holdMax/2): n=%d err=%v", n, err)
	}
	before := p.parking.parks.Load()
	for range 10 { // a signal (EINTR) may end a Wait before it parks
		p.parkNext = false
		p.HoldBriefly()
		if n, err := p.Wait(events, 3*holdMax); n != 0 || err != nil {
			t.Fatalf("brief Wait(3*holdMax): n=%d err=%v", n, err)
		}
		if p.parking.parks.Load() != before {
			break
		}
	}
	if got := p.parking.parks.Load() - before; got != 1 {
		t.Fatalf("parks = %d after a brief Wait longer than holdMax, want 1", got)
	}
	// The deadline of that Wait must not cut the next one short: a Wait
	// that returned at each hold's end would take about ten. A signal
	// (the runtime's preemption, more often under -race) ends a Wait with
	// nothing too, so a few more than one are no failure.
	go func() {
		time.Sleep(10 * holdMax)
		p.Wake()
	}()
	if _, waits := waitCount(t, p, -1, func() bool { return p.signals.Load() != 0 && !p.pending.Load() }); waits > 6 {
		t.Fatalf("a Wait(-1) after a timed one took %d Waits to see a Wake: the deadline stayed", waits)
	}
}

// TestWaitWithoutParking: where the netpoller cannot be used, Wait blocks
// in epoll_pwait instead, and readiness and Wake still end it.
func TestWaitWithoutParking(t *testing.T) {
	t.Parallel()
	p, r, w := pollerWithPipe(t)
	p.parking.close() // as if the dup or the netpoller had failed
	go func() {
		time.Sleep(10 * holdMax)
		write(t, w, "x")
	}()
	if got := waitUntil(t, p, r, func() bool { return false }); got&Readable == 0 {
		t.Fatalf("got %v, want Readable", got)
	}
	if p.parking.parks.Load() != 0 {
		t.Fatal("parked without a parking fd")
	}
}

// TestWaitLetsRunnableGoroutinesRun: on one P, a goroutine that is
// runnable when Wait begins runs before Wait holds the P, so its Wake
// ends the Wait during the hold instead of after it.
func TestWaitLetsRunnableGoroutinesRun(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p, _, _ := pollerWithPipe(t)
	for range 20 {
		before := p.signals.Load()
		go p.Wake()
		waitUntil(t, p, -1, func() bool { return p.signals.Load() > before && !p.pending.Load() })
	}
	// Without the yield every one of them parks; with it, one may still
	// park where the VM stalls the waking goroutine's write for 1 ms.
	if n := p.parking.parks.Load(); n > 10 {
		t.Fatalf("%d of 20 Waits parked: the waking goroutine did not run during the hold", n)
	}
}

// TestParkSeesWakeBeforeIt: a Wake that comes after the hold ended, and
// that the runtime's netpoller has already noted before park begins its
// Read, still ends the Wait (Read clears the netpoller's note, so park
// must poll before it waits). Not parallel: it sets a package hook.
func TestParkSeesWakeBeforeIt(t *testing.T) {
	p, _, _ := pollerWithPipe(t)
	testHookBeforePark = func(hp *Poller) {
		if hp != p {
			return
		}
		hp.Wake()
		time.Sleep(5 * time.Millisecond) // the scheduler polls the netpoller meanwhile
	}
	defer func() { testHookBeforePark = nil }()
	events := make([]Ready, 8)
	for range 10 { // a signal (EINTR) may end a Wait before it parks
		p.HoldBriefly()
		if n, err := p.Wait(events, 10*time.Second); n != 0 || err != nil {
			t.Fatalf("Wait: n=%d err=%v", n, err)
		}
		if p.parking.parks.Load() != 0 {
			break
		}
	}
	if p.parking.parks.Load() != 1 {
		t.Fatal("the Wait did not park: the test did not test the parked wait")
	}
	if p.pending.Load() {
		t.Fatal("the Wait ended without the Wake that came before it parked")
	}
}

// TestQuietLoopParks: a Wait with nothing due holds its P in a raw wait
// with no timeout; the ticks find the loop quiet and the next Wait parks,
// so a quiet loop lets go of its P.
func TestQuietLoopParks(t *testing.T) {
	t.Parallel()
	p, _, _ := pollerWithPipe(t) // registered, never ready
	afterPark(p, func() { p.Wake() })
	waitUntil(t, p, -1, func() bool { return p.signals.Load() != 0 })
	if p.parking.parks.Load() == 0 {
		t.Fatal("a quiet Wait(-1) did not park in 10 s")
	}
	if p.ticks.armed {
		t.Fatal("the ticks kept running while the Wait parked")
	}
}

// TestGCDuringRawHold: a collection, which must stop every goroutine,
// completes while another goroutine holds its P in an endless raw wait.
func TestGCDuringRawHold(t *testing.T) {
	p, _, _ := pollerWithPipe(t)
	waiting := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(waiting)
		waitUntil(t, p, -1, func() bool { return p.signals.Load() != 0 })
	}()
	<-waiting
	gc := make(chan struct{})
	go func() {
		for range 5 { // one of them, at least, while the Wait holds
			time.Sleep(2 * time.Millisecond)
			runtime.GC()
		}
		close(gc)
	}()
	select {
	case <-gc:
	case <-time.After(10 * time.Second):
		t.Error("runtime.GC did not finish in 10 s beside a raw wait")
	}
	p.Wake()
	<-done
}

// TestOnePForeignGoroutineRuns: on one P, a goroutine the loop did not
// ready (here a timer's) runs while a Wait holds the P, and its Wake ends
// the Wait.
func TestOnePForeignGoroutineRuns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p, _, _ := pollerWithPipe(t)
	var ran atomic.Bool
	time.AfterFunc(time.Millisecond, func() { ran.Store(true); p.Wake() })
	// The watchdog needs the P too; if the Wait never lets go, the
	// runtime's preemption signal (EINTR, then a yield) still lets it run.
	watchdog := time.AfterFunc(10*time.Second, func() { p.Wake() })
	defer watchdog.Stop()
	waitUntil(t, p, -1, func() bool { return p.signals.Load() != 0 && !p.pending.Load() })
	if !ran.Load() {
		t.Fatal("the timer's goroutine did not run while the Wait held the only P")
	}
}
