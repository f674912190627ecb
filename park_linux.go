//go:build linux

package aio

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// parker lets a loop wait for IO by parking its goroutine in Go's own
// netpoller on the loop's epoll fd (an epoll fd is readable when one of
// its fds is ready), instead of blocking a thread in epoll_wait. A
// goroutine blocked in a syscall makes the runtime hand its P to another
// thread and keeps the sysmon thread ticking every 20 µs; parked, the
// thread sleeps in the scheduler's own poll and sysmon stays asleep.
// Measured on the echo benchmarks: about a third less server CPU per
// message at equal load.
type parker struct {
	f        *os.File // a dup of the epoll fd, registered with Go's netpoller
	rc       syscall.RawConn
	deadline bool // a read deadline is set
	failed   bool // parking is unavailable: block in epoll_wait
}

// waitIO polls IO readiness and dispatches it, waiting up to timeout (a
// negative timeout waits until something happens). It returns the number
// of events dispatched.
func (l *Loop) waitIO(timeout time.Duration) int {
	if n := l.pollNow(); n > 0 || timeout == 0 || l.inboxPending.Load() {
		return n
	}
	p := l.io.parker()
	if p == nil {
		return l.wait(timeout)
	}
	if timeout > 0 {
		p.f.SetReadDeadline(time.Now().Add(timeout))
		p.deadline = true
	} else if p.deadline {
		p.f.SetReadDeadline(time.Time{})
		p.deadline = false
	}
	n := 0
	err := p.rc.Read(func(uintptr) bool {
		n = l.pollNow()
		return n > 0 || l.inboxPending.Load()
	})
	if err != nil && !os.IsTimeout(err) {
		p.failed = true // fall back to blocking waits from now on
	}
	return n
}

// pollNow polls without blocking and dispatches what is ready.
func (l *Loop) pollNow() int {
	n, err := l.poller.PollNow(l.events)
	if err != nil {
		l.CallExceptionHandler(ExceptionContext{Message: "poll failed", Err: err})
		return 0
	}
	return l.dispatch(n)
}

// parker returns the loop's parker, made on first use, or nil if the
// epoll fd cannot be parked on.
func (s *ioState) parker() *parker {
	if s.park != nil {
		if s.park.failed {
			return nil
		}
		return s.park
	}
	s.park = &parker{failed: true}
	fd, err := unix.Dup(s.loop.poller.Fd())
	if err != nil {
		return nil
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil
	}
	f := os.NewFile(uintptr(fd), "aio-epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	// If the netpoller refused the fd, the first Read fails ("waiting
	// for unsupported file type") and waitIO falls back for good.
	s.park = &parker{f: f, rc: rc}
	return s.park
}

// prepareParker makes the parker ahead of its first use.
func (s *ioState) prepareParker() { s.parker() }

// closeParker releases the parker's fd.
func (s *ioState) closeParker() {
	if s.park != nil && s.park.f != nil {
		s.park.f.Close()
	}
	s.park = nil
}
