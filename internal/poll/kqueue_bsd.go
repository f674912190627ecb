//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package poll

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Poller is a kqueue instance plus a wake-up source for Wake: an EVFILT_USER
// event on macOS, FreeBSD and DragonFly, a non-blocking pipe on NetBSD and
// OpenBSD.
//
// See the package documentation for which goroutine may call what.
type Poller struct {
	waker

	kq   int
	wake wakeSource

	// interest is the interest currently applied to each registered fd; a
	// fd with interest 0 is registered but has no kernel filter.
	interest map[int]Event
	// buf receives events from the kernel; it has len(events) entries of the
	// last Wait and grows only when a caller passes a longer slice.
	buf []unix.Kevent_t
	// change is the one-entry change list of Register, Modify and Unregister.
	change [1]unix.Kevent_t
	// ts is Wait's timeout; a field so that passing its address costs no
	// allocation.
	ts unix.Timespec
}

// New creates a Poller: a kqueue (close-on-exec) and its wake-up source.
func New() (*Poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, os.NewSyscallError("kqueue", err)
	}
	unix.CloseOnExec(kq)
	p := &Poller{kq: kq, interest: make(map[int]Event)}
	if err := p.initWake(); err != nil {
		unix.Close(kq)
		return nil, err
	}
	return p, nil
}

// kevent applies one change (fd, filter, flags) to the kqueue.
func (p *Poller) kevent(fd, filter, flags int) error {
	unix.SetKevent(&p.change[0], fd, filter, flags)
	for {
		_, err := unix.Kevent(p.kq, p.change[:], nil, nil)
		if err == unix.EINTR {
			continue
		}
		return err
	}
}

// apply moves fd's kernel filters from interest cur to interest want, one
// filter at a time, and returns the interest actually reached.
func (p *Poller) apply(fd int, cur, want Event) (Event, error) {
	filters := [...]struct {
		bit    Event
		filter int
	}{
		{Readable, unix.EVFILT_READ},
		{Writable, unix.EVFILT_WRITE},
	}
	for _, f := range filters {
		switch {
		case want&f.bit != 0 && cur&f.bit == 0:
			if err := p.kevent(fd, f.filter, unix.EV_ADD|unix.EV_ENABLE); err != nil {
				return cur, os.NewSyscallError("kevent", err)
			}
			cur |= f.bit
		case want&f.bit == 0 && cur&f.bit != 0:
			err := p.kevent(fd, f.filter, unix.EV_DELETE)
			if err != nil && err != unix.ENOENT && err != unix.EBADF {
				return cur, os.NewSyscallError("kevent", err)
			}
			cur &^= f.bit
		}
	}
	return cur, nil
}

// Register adds fd to the Poller, level-triggered, with the given interest:
// Readable, Writable, both (two kqueue filters), or 0 (registered, but not
// reported at all). Registering an fd twice returns an error matching
// unix.EEXIST. Call from the owning goroutine.
func (p *Poller) Register(fd int, interest Event) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if err := checkInterest(interest); err != nil {
		return err
	}
	if _, ok := p.interest[fd]; ok {
		return os.NewSyscallError("kevent", unix.EEXIST)
	}
	got, err := p.apply(fd, 0, interest)
	if err != nil {
		p.apply(fd, got, 0) // roll back a half-done registration
		return err
	}
	p.interest[fd] = got
	return nil
}

// Modify replaces the interest of a registered fd, adding and deleting
// kqueue filters as needed. An fd that is not registered gives an error
// matching unix.ENOENT. Call from the owning goroutine.
func (p *Poller) Modify(fd int, interest Event) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if err := checkInterest(interest); err != nil {
		return err
	}
	cur, ok := p.interest[fd]
	if !ok {
		return os.NewSyscallError("kevent", unix.ENOENT)
	}
	got, err := p.apply(fd, cur, interest)
	p.interest[fd] = got
	return err
}

// Unregister removes fd from the Poller; it is not reported again. Call it
// before closing fd. An fd that is not registered gives an error matching
// unix.ENOENT. Call from the owning goroutine.
func (p *Poller) Unregister(fd int) error {
	if p.closed.Load() {
		return ErrClosed
	}
	cur, ok := p.interest[fd]
	if !ok {
		return os.NewSyscallError("kevent", unix.ENOENT)
	}
	delete(p.interest, fd)
	_, err := p.apply(fd, cur, 0)
	return err
}

// Wait blocks until at least one registered fd is ready, Wake is called, or
// timeout passes, whichever comes first. A negative timeout waits forever;
// zero polls without blocking; kqueue's timeout has nanosecond resolution.
//
// Wait fills events and returns how many it filled, at most len(events); it
// does not allocate unless events is longer than in any earlier call. An
// interrupted wait (EINTR) returns (0, nil), and so does a wait ended only by
// Wake or by the timeout. After Close it returns ErrClosed. Call from the
// owning goroutine.
func (p *Poller) Wait(events []Ready, timeout time.Duration) (int, error) {
	if p.closed.Load() {
		return 0, ErrClosed
	}
	size := max(len(events), 1) // room for the wake-up even if events is empty
	if cap(p.buf) < size {
		p.buf = make([]unix.Kevent_t, size)
	}
	buf := p.buf[:size]

	var tsp *unix.Timespec
	if timeout >= 0 {
		p.ts = unix.NsecToTimespec(int64(timeout))
		tsp = &p.ts
	}
	n, err := unix.Kevent(p.kq, nil, buf, tsp)
	if err != nil {
		if err == unix.EINTR {
			return 0, nil
		}
		return 0, os.NewSyscallError("kevent", err)
	}

	k := 0
	for i := range buf[:n] {
		ev := &buf[i]
		if p.isWake(ev) {
			p.drainWake()
			continue
		}
		fd := int(ev.Ident)
		var r Event
		switch int(ev.Filter) {
		case unix.EVFILT_READ:
			r = Readable
		case unix.EVFILT_WRITE:
			r = Writable
		}
		if ev.Flags&unix.EV_ERROR != 0 {
			r = Error
		}
		if ev.Flags&unix.EV_EOF != 0 {
			r |= Hangup
			if ev.Fflags != 0 { // the socket error, if any
				r |= Error
			}
		}
		if k > 0 && events[k-1].Fd == fd {
			events[k-1].Events |= r // the other filter of the same fd
			continue
		}
		if k == len(events) {
			continue // only when events is empty; level-triggered, so reported again later
		}
		events[k] = Ready{Fd: fd, Events: r}
		k++
	}
	return k, nil
}

// Close closes the kqueue and the wake-up source. Registered fds are not
// closed. Afterwards Wait, Register, Modify, Unregister and Wake return
// ErrClosed, and so does a second Close. Call from the owning goroutine; a
// concurrent Wake is safe.
func (p *Poller) Close() error {
	if !p.markClosed() {
		return ErrClosed
	}
	err1 := p.closeWake()
	err2 := unix.Close(p.kq)
	p.buf = nil
	p.interest = nil
	if err1 != nil {
		return err1
	}
	if err2 != nil {
		return os.NewSyscallError("close", err2)
	}
	return nil
}

// YieldNext is a no-op here: a kqueue Poller blocks in an ordinary
// syscall, which gives up the P by itself.
func (p *Poller) YieldNext() {}

// HoldBriefly is a no-op here, for the same reason.
func (p *Poller) HoldBriefly() {}
