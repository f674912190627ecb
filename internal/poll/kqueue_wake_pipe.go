//go:build netbsd || openbsd

package poll

import (
	"os"

	"golang.org/x/sys/unix"
)

// wakeSource is a non-blocking pipe whose read end is registered with the
// kqueue: Wake writes one byte, Wait drains the pipe. (x/sys/unix has no
// EVFILT_USER for these systems.)
type wakeSource struct {
	r, w int
	// one is the byte Wake writes; drain receives bytes in Wait.
	one   [1]byte
	drain [16]byte
}

func (p *Poller) initWake() error {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return os.NewSyscallError("pipe2", err)
	}
	var add [1]unix.Kevent_t
	unix.SetKevent(&add[0], fds[0], unix.EVFILT_READ, unix.EV_ADD)
	if _, err := unix.Kevent(p.kq, add[:], nil, nil); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return os.NewSyscallError("kevent", err)
	}
	p.wake.r, p.wake.w = fds[0], fds[1]
	return nil
}

// signalWake writes one byte to the pipe. Called by Wake under mu.RLock.
func (p *Poller) signalWake() error {
	for {
		_, err := unix.Write(p.wake.w, p.wake.one[:])
		switch err {
		case nil, unix.EAGAIN: // EAGAIN: pipe full, so already readable
			return nil
		case unix.EINTR:
			continue
		default:
			return os.NewSyscallError("write", err)
		}
	}
}

func (p *Poller) isWake(ev *unix.Kevent_t) bool {
	return int(ev.Filter) == unix.EVFILT_READ && int(ev.Ident) == p.wake.r
}

// drainWake empties the pipe and then clears the Wake flag.
func (p *Poller) drainWake() {
	for {
		n, err := unix.Read(p.wake.r, p.wake.drain[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n < len(p.wake.drain) {
			break
		}
	}
	p.wakeConsumed()
}

func (p *Poller) closeWake() error {
	err1 := unix.Close(p.wake.r)
	err2 := unix.Close(p.wake.w)
	if err1 != nil {
		return os.NewSyscallError("close", err1)
	}
	if err2 != nil {
		return os.NewSyscallError("close", err2)
	}
	return nil
}
