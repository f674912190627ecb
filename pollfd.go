package aio

import (
	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// fdHandler is what the IO layer installs for a file descriptor: the
// loop calls it with the readiness it polled.
type fdHandler interface {
	ready(ev poll.Event)
}

// pollFD is the loop's registration of one fd, the one way every fd
// handler (transports, listeners, connects, AddReader/AddWriter and so
// the Sock* functions) enters the loop, as Go's internal/poll.FD embeds
// its pollDesc. It owns the fd's slot in the loop's fd table, the
// interest the poller has for it, and whether the fd is in the poller at
// all: an fd is tracked from init, but enters the poller only when its
// handler first wants readiness, and leaves it on a hang-up while it
// wants nothing (level-triggered hang-ups would spin the loop).
//
// The zero pollFD is untracked, and its fd is not yet set: its owner
// calls init, or sets fd and calls init later (a listener before
// StartServing). Use it from the loop's goroutine.
type pollFD struct {
	loop       *Loop
	fd         int // -1 once released
	interest   poll.Event
	registered bool // in the poller
}

// init tracks fd: from now on the loop dispatches the fd's readiness to
// h. The fd enters the poller with the first setInterest that asks for
// something.
func (p *pollFD) init(l *Loop, fd int, h fdHandler) {
	p.loop, p.fd, p.interest, p.registered = l, fd, 0, false
	for fd >= len(l.fds) {
		l.fds = append(l.fds, nil)
	}
	l.fds[fd] = h
	l.nfds++
}

// setInterest brings the poller's interest in the fd to w: the fd is
// registered on the first interest, modified when w differs from the
// current interest. A registered fd keeps its registration with no
// interest (epoll still reports errors and hang-ups for it).
func (p *pollFD) setInterest(w poll.Event) error {
	var err error
	switch {
	case !p.registered:
		if w == 0 {
			return nil
		}
		if !p.tracked() {
			return unix.EBADF // released: as epoll would say for fd -1
		}
		if err = p.loop.poller.Register(p.fd, w); err == nil {
			p.registered = true
		}
	case w != p.interest:
		err = p.loop.poller.Modify(p.fd, w)
	default:
		return nil
	}
	if err == nil {
		p.interest = w
	}
	return err
}

// unregister takes the fd out of the poller but keeps it tracked, so
// that a later setInterest registers it again.
func (p *pollFD) unregister() {
	if p.registered {
		p.loop.poller.Unregister(p.fd)
		p.registered = false
	}
	p.interest = 0
}

// tracked reports whether the loop dispatches the fd's readiness (init
// and no untrack or release since).
func (p *pollFD) tracked() bool { return p.loop != nil && p.fd >= 0 }

// untrack stops tracking the fd and takes it out of the poller, but keeps
// p.fd: a later init can track it again. Untracking an untracked pollFD
// does nothing.
func (p *pollFD) untrack() {
	if !p.tracked() {
		return
	}
	p.unregister()
	l := p.loop
	if p.fd < len(l.fds) && l.fds[p.fd] != nil {
		l.fds[p.fd] = nil
		l.nfds--
	}
	p.loop = nil
}

// release stops tracking the fd and forgets it (p.fd becomes -1); the fd
// itself stays open (it is the caller's, or handed over). Releasing a
// released pollFD does nothing.
func (p *pollFD) release() {
	p.untrack()
	p.fd = -1
}

// close releases the fd and closes it.
func (p *pollFD) close() {
	fd := p.fd
	if fd < 0 {
		return
	}
	p.release()
	unix.Close(fd)
}

// wantsRead reports whether readiness ev is for a reader registered now:
// readable, or an error or hang-up that a read will report.
func (p *pollFD) wantsRead(ev poll.Event) bool {
	return p.interest&poll.Readable != 0 && ev&(poll.Readable|poll.Error|poll.Hangup) != 0
}

// wantsWrite is wantsRead for a writer.
func (p *pollFD) wantsWrite(ev poll.Event) bool {
	return p.interest&poll.Writable != 0 && ev&(poll.Writable|poll.Error|poll.Hangup) != 0
}
