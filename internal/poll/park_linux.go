//go:build linux

package poll

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Added for the aio loop's parking wait (aio/park_linux.go, issue 4): the
// loop parks its goroutine in Go's own netpoller on the epoll fd instead
// of blocking a thread in epoll_wait, and polls with PollNow.

// Fd returns the epoll fd, for a caller that waits for it to become
// readable (it does when a registered fd is ready or Wake was called).
// The Poller keeps ownership: do not close it.
func (p *Poller) Fd() int { return p.epfd }

// PollNow is Wait with a zero timeout made as a raw syscall: it never
// blocks, and it does not enter the Go scheduler's syscall path, so that
// a loop that polls often does not keep waking the runtime's sysmon
// thread. Call from the owning goroutine.
func (p *Poller) PollNow(events []Ready) (int, error) {
	if p.closed.Load() {
		return 0, ErrClosed
	}
	size := max(len(events), 1)
	if cap(p.buf) < size {
		p.buf = make([]unix.EpollEvent, size)
	}
	buf := p.buf[:size]
	r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	if e != 0 {
		if e == unix.EINTR {
			return 0, nil
		}
		return 0, os.NewSyscallError("epoll_pwait", e)
	}
	k := 0
	for i := range buf[:int(r)] {
		ev := &buf[i]
		fd := int(ev.Fd)
		if fd == p.wakefd {
			p.drainWake()
			continue
		}
		if k == len(events) {
			continue
		}
		events[k] = Ready{Fd: fd, Events: fromEpoll(ev.Events)}
		k++
	}
	return k, nil
}
