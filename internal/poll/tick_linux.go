//go:build linux

package poll

import (
	"os"
	"time"
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
// 17,000 times a second). The ticks are not free either: on this VM a
// timer interrupt that lands on a loop running flat out costs it tens of
// µs, and 1,000 ticks a second took 6% of a saturated web server's rate.
// So the period starts at tickInterval and doubles, up to tickMax, each
// time the loop has been busy (at least tickBusy Waits with something to
// do per tick) for tickStreak ticks in a row, and a tick that finds less
// than that starts over at tickInterval: a loop that answers a request
// and goes quiet parks within half a millisecond to one, even when the
// next request comes at once (a client on the same P, which cannot send
// it before the loop parks), and one that has been busy for a while pays
// for a tick only every tickMax (and parks within two of them of going
// quiet).
type ticker struct {
	fd     int  // the timerfd, or -1 where there is none
	armed  bool // ticking: the Poller holds
	active int  // Waits that had something to do since the last tick
	streak int  // ticks in a row that found the loop busy, at this period
	period time.Duration
	drain  [8]byte
}

const (
	// tickInterval is the first period after a park: a loop that has
	// had nothing to do for one to two of them parks.
	tickInterval = holdMax / 2
	// tickMax is the longest period, after a long busy spell.
	tickMax = 8 * holdMax
	// tickStreak is how many busy ticks in a row double the period.
	tickStreak = 4
	// tickBusy is how many Waits with something to do make a tick busy.
	tickBusy = 4
)

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

// arm starts the ticks at the first period, if they are not running.
func (k *ticker) arm() error {
	if k.armed {
		return nil
	}
	if err := k.every(tickInterval); err != nil {
		return err
	}
	k.armed, k.active = true, 1
	return nil
}

// every makes the timer tick every d from now on.
func (k *ticker) every(d time.Duration) error {
	ts := unix.NsecToTimespec(int64(d))
	k.period, k.streak = d, 0
	return k.set(unix.ItimerSpec{Interval: ts, Value: ts})
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
// been quiet since the tick before: no Wait had anything to do. A long
// enough run of busy ticks lengthens the period; a tick that is not busy
// brings it back to tickInterval.
func (k *ticker) tick() (quiet bool) {
	unix.RawSyscall(unix.SYS_READ, uintptr(k.fd), uintptr(unsafe.Pointer(&k.drain[0])), uintptr(len(k.drain)))
	active := k.active
	k.active = 0
	if active < tickBusy {
		if k.period != tickInterval {
			k.every(tickInterval) // on failure the ticks go on at the old period
		}
		k.streak = 0
	} else if k.streak++; k.streak >= tickStreak && k.period < tickMax {
		k.every(2 * k.period)
	}
	return active == 0
}

// close releases the timerfd.
func (k *ticker) close() {
	if k.fd >= 0 {
		unix.Close(k.fd)
	}
	k.fd, k.armed = -1, false
}

// keeps is the longest timeout that a ticking Wait passes to the kernel
// as it is; a longer one waits without a kernel timer, and the next tick
// (within one period) brings the loop back to recompute it, until what is
// left is under keeps and is waited exactly.
func (k *ticker) keeps() time.Duration { return k.period + tickInterval }
