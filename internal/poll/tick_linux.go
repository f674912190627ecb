//go:build linux

package poll

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ticker is how a Poller that holds its P in an endless raw wait finds
// out that its loop has gone quiet (see park_linux.go): a periodic
// timerfd in the Poller's epoll set, armed while the Poller holds and
// disarmed while it parks. A tick that finds no activity since the tick
// before makes the next Wait park.
//
// A periodic timer is armed once a busy spell; a timeout on each wait
// would arm and cancel an hrtimer at every wake-up, which on a VM
// reprograms the virtual APIC each time (20% of the CPU of a loop waking
// 17,000 times a second).
type ticker struct {
	fd     int  // the timerfd, or -1 where there is none
	armed  bool // ticking: the Poller holds
	active bool // a Wait had something to do since the last tick
	drain  [8]byte
}

// tickInterval is the ticker's period: a loop that has had nothing to do
// for one to two of them parks.
const tickInterval = holdMax

// open makes the timerfd and adds it to epfd; without one (a kernel or a
// sandbox that refuses it), fd is -1 and Waits hold briefly instead.
func (k *ticker) open(epfd int) {
	k.fd = -1
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev) != nil {
		unix.Close(fd)
		return
	}
	k.fd = fd
}

// arm starts the ticks, if they are not running.
func (k *ticker) arm() error {
	if k.armed {
		return nil
	}
	ts := unix.NsecToTimespec(int64(tickInterval))
	if err := k.set(unix.ItimerSpec{Interval: ts, Value: ts}); err != nil {
		return err
	}
	k.armed, k.active = true, true
	return nil
}

// disarm stops the ticks; a tick not yet read is dropped with them.
func (k *ticker) disarm() error {
	if !k.armed {
		return nil
	}
	k.armed = false
	return k.set(unix.ItimerSpec{})
}

func (k *ticker) set(spec unix.ItimerSpec) error {
	_, _, e := unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(k.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	if e != 0 {
		return os.NewSyscallError("timerfd_settime", e)
	}
	return nil
}

// tick consumes the ticks that fired and reports whether the Poller has
// been quiet since the tick before: no Wait had anything to do.
func (k *ticker) tick() (quiet bool) {
	unix.RawSyscall(unix.SYS_READ, uintptr(k.fd), uintptr(unsafe.Pointer(&k.drain[0])), uintptr(len(k.drain)))
	quiet, k.active = !k.active, false
	return quiet
}

// close releases the timerfd.
func (k *ticker) close() {
	if k.fd >= 0 {
		unix.Close(k.fd)
	}
	k.fd, k.armed = -1, false
}

// keeps is the longest timeout that a ticking Wait passes to the kernel
// as it is; a longer one waits without a kernel timer, and the ticks
// bring the loop back to recompute it (the last stretch, under keeps,
// is waited exactly).
const keeps = 2 * tickInterval
