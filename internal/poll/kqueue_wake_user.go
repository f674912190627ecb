//go:build darwin || freebsd || dragonfly

package poll

import (
	"os"

	"golang.org/x/sys/unix"
)

// wakeSource is an EVFILT_USER event: Wake triggers it with one kevent(2),
// and EV_CLEAR resets it when Wait receives it. It needs no fd.
type wakeSource struct {
	// trigger is the change list that fires the event; read-only after New,
	// so concurrent Wakes may pass it to the kernel.
	trigger [1]unix.Kevent_t
}

// wakeIdent identifies the EVFILT_USER event; user events have their own
// ident space, so it cannot clash with an fd.
const wakeIdent = 0

func (p *Poller) initWake() error {
	var add [1]unix.Kevent_t
	unix.SetKevent(&add[0], wakeIdent, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, add[:], nil, nil); err != nil {
		return os.NewSyscallError("kevent", err)
	}
	unix.SetKevent(&p.wake.trigger[0], wakeIdent, unix.EVFILT_USER, 0)
	p.wake.trigger[0].Fflags = unix.NOTE_TRIGGER
	return nil
}

// signalWake fires the user event. Called by Wake under mu.RLock.
func (p *Poller) signalWake() error {
	for {
		_, err := unix.Kevent(p.kq, p.wake.trigger[:], nil, nil)
		switch err {
		case nil:
			return nil
		case unix.EINTR:
			continue
		default:
			return os.NewSyscallError("kevent", err)
		}
	}
}

func (p *Poller) isWake(ev *unix.Kevent_t) bool {
	return int(ev.Filter) == unix.EVFILT_USER && ev.Ident == wakeIdent
}

// drainWake needs no syscall (EV_CLEAR already reset the event); it only
// clears the Wake flag.
func (p *Poller) drainWake() {
	p.wakeConsumed()
}

// closeWake has nothing to release: the event goes away with the kqueue.
func (p *Poller) closeWake() error { return nil }
