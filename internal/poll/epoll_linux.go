//go:build linux

package poll

import (
	"math"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Poller is an epoll instance plus an eventfd used by Wake.
//
// See the package documentation for which goroutine may call what.
type Poller struct {
	waker

	// yield asks the next sleeping Wait to yield the P first (YieldNext).
	yield bool
	// brief asks the next sleeping Wait to hold the P for holdMax at
	// most (HoldBriefly).
	brief bool
	// parkNext makes the next sleeping Wait park at once: a tick found
	// the loop quiet.
	parkNext bool
	// oneP caches GOMAXPROCS == 1: runtime.GOMAXPROCS takes the
	// scheduler's global lock, too dear for every wait of every loop. It
	// is read again at each park (after a quiet spell), so a change of
	// GOMAXPROCS is seen within one.
	oneP bool

	epfd   int
	wakefd int

	// buf receives events from the kernel; it has len(events) entries of the
	// last Wait and grows only when a caller passes a longer slice.
	buf []unix.EpollEvent
	// ts is the timeout for epoll_pwait2; a field so that passing its
	// address to the kernel costs no allocation.
	ts unix.Timespec
	// noPwait2 is set once epoll_pwait2 turned out to be unavailable
	// (kernel older than 5.11, or refused by a seccomp filter).
	noPwait2 bool
	// wakeOne is the 8-byte value 1 written to the eventfd by Wake;
	// wakeDrain receives the counter in Wait. wakeOne is read-only after New.
	wakeOne   [8]byte
	wakeDrain [8]byte
	// parking is how Wait sleeps past a short while (park_linux.go).
	parking parker
	// ticks tell a holding Wait that its loop went quiet (tick_linux.go).
	ticks ticker
}

// New creates a Poller: an epoll instance (EPOLL_CLOEXEC) and a non-blocking
// eventfd for Wake, registered for reading.
func New() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wakefd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		unix.Close(wakefd)
		unix.Close(epfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	p := &Poller{epfd: epfd, wakefd: wakefd, oneP: runtime.GOMAXPROCS(0) == 1}
	*(*uint64)(unsafe.Pointer(&p.wakeOne)) = 1 // eventfd takes a native-endian uint64
	p.ticks.open(epfd)
	return p, nil
}

// toEpoll converts interest bits to epoll event bits. EPOLLRDHUP goes with
// Readable only: it is level-triggered too, so requesting it while reading is
// paused would make a half-closed connection spin the loop.
func toEpoll(interest Event) uint32 {
	var e uint32
	if interest&Readable != 0 {
		e |= unix.EPOLLIN | unix.EPOLLRDHUP
	}
	if interest&Writable != 0 {
		e |= unix.EPOLLOUT
	}
	return e
}

// fromEpoll converts epoll event bits to readiness bits.
func fromEpoll(e uint32) Event {
	var r Event
	if e&unix.EPOLLIN != 0 {
		r |= Readable
	}
	if e&unix.EPOLLOUT != 0 {
		r |= Writable
	}
	if e&unix.EPOLLERR != 0 {
		r |= Error
	}
	if e&(unix.EPOLLHUP|unix.EPOLLRDHUP) != 0 {
		r |= Hangup
	}
	return r
}

func (p *Poller) ctl(op, fd int, interest Event) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if err := checkInterest(interest); err != nil {
		return err
	}
	ev := unix.EpollEvent{Events: toEpoll(interest), Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, op, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// Register adds fd to the Poller, level-triggered, with the given interest:
// Readable, Writable, both, or 0 (registered, but not reported for reading or
// writing). Registering an fd twice returns an error matching unix.EEXIST.
// Call from the owning goroutine.
func (p *Poller) Register(fd int, interest Event) error {
	p.parking.prepare(p.epfd)
	return p.ctl(unix.EPOLL_CTL_ADD, fd, interest)
}

// Modify replaces the interest of a registered fd. An fd that is not
// registered gives an error matching unix.ENOENT. Call from the owning
// goroutine.
func (p *Poller) Modify(fd int, interest Event) error {
	return p.ctl(unix.EPOLL_CTL_MOD, fd, interest)
}

// Unregister removes fd from the Poller; it is not reported again. Call it
// before closing fd. An fd that is not registered gives an error matching
// unix.ENOENT. Call from the owning goroutine.
func (p *Poller) Unregister(fd int) error {
	if p.closed.Load() {
		return ErrClosed
	}
	var ev unix.EpollEvent // ignored by the kernel, but must not be nil before Linux 2.6.9
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// Wait blocks until at least one registered fd is ready, Wake is called, or
// timeout passes, whichever comes first. A negative timeout waits forever;
// zero polls without blocking. A timeout with a sub-millisecond part uses
// epoll_pwait2 when the kernel has it, and is otherwise rounded up to the next
// millisecond, so a loop waiting for a timer never spins.
//
// How it sleeps is its own affair (park_linux.go): a wake-up costs one
// epoll_pwait while the loop is busy, and a Poller whose loop has had
// nothing to do for half a millisecond to one parks its goroutine in the
// Go runtime's netpoller, so that a quiet loop holds no P. Before it
// blocks it yields the P once (runtime.Gosched) when GOMAXPROCS is 1 or
// YieldNext asked for it.
//
// Wait fills events and returns how many it filled, at most len(events); it
// does not allocate unless events is longer than in any earlier call. An
// interrupted wait (EINTR) returns (0, nil), and so does a wait ended only by
// Wake, by the timeout or by a tick of the Poller's own (park_linux.go), so
// a caller recomputes its timeout after each Wait. After Close it returns
// ErrClosed. Call from the owning goroutine.
func (p *Poller) Wait(events []Ready, timeout time.Duration) (int, error) {
	if p.closed.Load() {
		return 0, ErrClosed
	}
	size := max(len(events), 1) // room for the wake-up even if events is empty
	if cap(p.buf) < size {
		p.buf = make([]unix.EpollEvent, size)
	}
	buf := p.buf[:size]
	var n int
	var err error
	if timeout == 0 {
		p.ticks.active++ // the loop has callbacks to run
		n, err = p.epollWait(buf, 0, true)
	} else {
		n, err = p.sleep(buf, timeout)
	}
	if err == unix.EINTR {
		return 0, nil // the loop recomputes its timeout
	}
	if err != nil {
		return 0, err
	}
	return p.collect(events, buf[:n]), nil
}

// collect converts the kernel's events to events, consuming a wake-up
// and the ticks.
func (p *Poller) collect(events []Ready, buf []unix.EpollEvent) int {
	k := 0
	ticked := false
	for i := range buf {
		ev := &buf[i]
		fd := int(ev.Fd)
		switch fd {
		case p.wakefd:
			p.drainWake()
			p.ticks.active++
			continue
		case p.ticks.fd:
			ticked = true
			continue
		}
		if k == len(events) {
			continue // only when events is empty; level-triggered, so reported again later
		}
		events[k] = Ready{Fd: fd, Events: fromEpoll(ev.Events)}
		k++
	}
	if k > 0 {
		p.ticks.active++
	}
	if ticked && p.ticks.tick() {
		p.parkNext = true
	}
	return k
}

// ceilMillis converts a positive timeout to whole milliseconds for
// epoll_wait, rounding up and capping at the largest int32 (about 24 days;
// Wait then returns early with no events, which callers treat as a timeout).
func ceilMillis(timeout time.Duration) int {
	ms := (timeout + time.Millisecond - 1) / time.Millisecond
	if ms < 0 || ms > math.MaxInt32 { // < 0: overflow near MaxInt64
		return math.MaxInt32
	}
	return int(ms)
}

// drainWake resets the eventfd counter and then clears the Wake flag.
func (p *Poller) drainWake() {
	// EAGAIN (counter already zero) is harmless; nothing else can fail on
	// a valid eventfd with an 8-byte buffer.
	_, _ = unix.Read(p.wakefd, p.wakeDrain[:])
	p.wakeConsumed()
}

// signalWake adds 1 to the eventfd counter. Called by Wake under mu.RLock.
func (p *Poller) signalWake() error {
	for {
		_, err := unix.Write(p.wakefd, p.wakeOne[:])
		switch err {
		case nil, unix.EAGAIN: // EAGAIN: counter saturated, already readable
			return nil
		case unix.EINTR:
			continue
		default:
			return os.NewSyscallError("write", err)
		}
	}
}

// Close closes the epoll fd and the eventfd. Registered fds are not closed.
// Afterwards Wait, Register, Modify, Unregister and Wake return ErrClosed, and
// so does a second Close. Call from the owning goroutine; a concurrent Wake is
// safe.
func (p *Poller) Close() error {
	if !p.markClosed() {
		return ErrClosed
	}
	p.parking.close()
	p.ticks.close()
	err1 := unix.Close(p.wakefd)
	err2 := unix.Close(p.epfd)
	p.buf = nil
	if err1 != nil {
		return os.NewSyscallError("close", err1)
	}
	if err2 != nil {
		return os.NewSyscallError("close", err2)
	}
	return nil
}
