//go:build linux

package poll

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// How a Linux Poller sleeps (see Wait). One wait for readiness should cost
// one epoll_pwait, and the Go runtime must not be made to work around it:
//
//   - Every epoll call is a raw syscall. A goroutine that blocks in an
//     ordinary syscall leaves its P in the syscall state; the runtime's
//     sysmon thread then keeps ticking every 20 µs to take the P back and
//     hands it to another thread, which a loop waking 10,000 times a second
//     pays for at each wake-up.
//   - While its loop is busy, Wait blocks in a raw epoll_pwait on the
//     loop's own epoll fd, holding the P, with no timeout of its own: a
//     wake-up costs that one syscall, as in a C event loop, and arms no
//     kernel timer. A timeout on each wait is not free: on a VM, arming
//     and cancelling the wait's hrtimer reprograms the virtual APIC, and a
//     1 ms timeout on every wait cost the paced echo benchmark 20% more CPU
//     per wake-up (a C server given the same 1 ms epoll_wait timeout pays
//     the same 20%). The loop's own timeouts are passed as they are up to
//     a tick period and a millisecond; a longer one waits endlessly too.
//   - A periodic timerfd (tick_linux.go), armed once per busy spell,
//     ticks every half millisecond at first, and less often (up to 8 ms) the
//     longer the loop stays busy. A tick that finds that no Wait had
//     anything to do since the tick before (no events, no wake-up, no
//     timer of the loop's due, no callbacks ready) makes the next Wait
//     park: its goroutine waits in the runtime's netpoller, with the
//     ticks stopped, so that the rest of the program has the P and the
//     thread sleeps in the scheduler's own poll. That costs about nine
//     syscalls a wake-up, once per quiet spell.
//   - The netpoller watches a gate, a second epoll fd that holds the
//     loop's (an epoll fd is readable when one of its fds is ready), and
//     the gate opens only for a park: a park enables the loop's fd in the
//     gate and disables it on waking (two epoll_ctl). Were the loop's fd
//     in the netpoller for good, each of its events would also wake
//     whichever thread sleeps in the runtime's poll (one does, with
//     GOMAXPROCS above one, whenever a Go timer is pending or a goroutine
//     waits on a net.Conn), to find nothing to run: an in-process TLS
//     echo spent 30% more CPU per round trip, and in half the runs.
//   - Before it blocks, Wait yields (runtime.Gosched), so that the
//     goroutines the loop made runnable (executor jobs, goroutines it sent
//     to) run first rather than wait for the P: always when GOMAXPROCS is
//     1, otherwise only when the loop said it readied some (YieldNext).
//     With more Ps, a goroutine readied while one is idle runs there; a
//     yield with an idle P makes the runtime wake a thread that finds
//     nothing to do, which cost a TLS echo 20% of its CPU.
//   - While work the loop waits for runs on other goroutines (executor
//     jobs), a Wait holds for holdMax at most and then parks
//     (HoldBriefly): such a job that comes back from a blocking syscall
//     needs a P, and on one P it should not wait for the loop to go quiet.
//     So does every Wait where there is no timerfd.
//
// What it costs the rest of the program, where the loop holds the only P
// (GOMAXPROCS=1, or every P held by a loop): a goroutine that becomes
// runnable while a Wait holds the P, and that the loop did not ready, runs
// when the loop goes quiet (one to two tick periods later: 0.5 to 1 ms
// after a short burst, up to 16 ms after a long busy spell) or at the
// loop's next yield; a busy loop that never goes quiet leaves goroutines
// that wait for the runtime's netpoller (package net) to sysmon, which
// polls every 10 ms, as when the loop computes for that long.

// holdMax is the longest hold of a brief Wait, and the unit of the
// ticks' periods (tick_linux.go).
// It is long enough to cover the gaps between wake-ups of a loaded loop
// (the pipelined echo benchmark paced at 100k messages a second wakes it
// about every 60 µs) and short against the runtime's own 10 ms time
// slice.
const holdMax = time.Millisecond

// YieldNext makes the next Wait that blocks yield the P before it holds
// it in a raw wait: the caller has just made goroutines runnable (handed
// a job to an executor goroutine, completed what one waits on) that must
// not wait for a P that every loop holds. Call from the owning goroutine.
func (p *Poller) YieldNext() { p.yield = true }

// HoldBriefly makes the next Wait that blocks hold its P in a raw wait
// for about a millisecond at most, and park past that: the caller waits
// for work on other goroutines (executor jobs) that need a P to finish.
// Call from the owning goroutine, before each Wait it applies to.
func (p *Poller) HoldBriefly() { p.brief = true }

// testHookBeforePark, if set, is called by park before it parks.
var testHookBeforePark func(*Poller)

// parker is the Poller's way of sleeping in the runtime's netpoller: the
// gate, an epoll fd registered with the netpoller, which holds the
// Poller's epoll fd with no events except while it parks.
type parker struct {
	f        *os.File // the gate; nil until the first Register
	rc       syscall.RawConn
	gfd      int  // f's fd
	epfd     int  // the Poller's epoll fd, in the gate
	deadline bool // a read deadline is set
	failed   bool // parking is unavailable: block in epoll_pwait instead
	// parks counts the waits that parked; a test hook, read by tests from
	// other goroutines.
	parks atomic.Uint64
}

// prepare makes the parking fd, once. Register calls it, so that it is
// made at the first Register rather than at the first long wait, while
// fds are still to be had: the fd's first use initialises the runtime's
// netpoller, and the runtime treats a failure of that (its eventfd under
// EMFILE) as fatal.
func (k *parker) prepare(epfd int) {
	if k.f != nil || k.failed {
		return
	}
	k.failed = true
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return
	}
	// Registered with no events, the loop's fd wakes nothing through the
	// gate (EPOLLERR and EPOLLHUP, always on, never come from an epoll fd).
	ev := unix.EpollEvent{Fd: int32(epfd)}
	if unix.EpollCtl(fd, unix.EPOLL_CTL_ADD, epfd, &ev) != nil || unix.SetNonblock(fd, true) != nil {
		unix.Close(fd)
		return
	}
	k.gfd, k.epfd = fd, epfd
	f := os.NewFile(uintptr(fd), "aio-epoll-gate")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return
	}
	// If the netpoller refused the fd, the first Read fails ("waiting
	// for unsupported file type") and park falls back for good.
	k.f, k.rc, k.failed = f, rc, false
}

// open lets the Poller's events through the gate (or stops them), so
// that they wake the runtime's netpoller only while the Poller parks.
func (k *parker) open(on bool) error {
	ev := unix.EpollEvent{Fd: int32(k.epfd)}
	if on {
		ev.Events = unix.EPOLLIN
	}
	return unix.EpollCtl(k.gfd, unix.EPOLL_CTL_MOD, k.epfd, &ev)
}

// close releases the parking fd.
func (k *parker) close() {
	if k.f != nil {
		k.f.Close()
	}
	k.f, k.rc, k.deadline, k.failed = nil, nil, false, true
}

// sleep is Wait with a non-zero timeout: a raw wait while the loop is
// busy, a park once a tick found it quiet.
func (p *Poller) sleep(buf []unix.EpollEvent, timeout time.Duration) (int, error) {
	brief := p.brief
	p.brief = false
	if p.yield || p.oneP {
		p.yield = false
		runtime.Gosched()
	}
	if p.parkNext {
		p.parkNext = false
		return p.park(buf, timeout)
	}
	if brief || p.ticks.fd < 0 || p.ticks.arm() != nil {
		p.ticks.disarm() // a brief hold has its own timeout
		return p.holdBriefly(buf, timeout)
	}
	wait := timeout
	if wait > p.ticks.keeps() {
		wait = -1 // the ticks bring the loop back to recompute it
	}
	n, err := p.epollWait(buf, wait, true)
	if n == 0 && err == nil && wait > 0 {
		p.ticks.active++ // a timer of the loop's is due
	}
	return n, err
}

// holdBriefly holds the P in a raw wait for up to holdMax, then parks for
// the rest of timeout.
func (p *Poller) holdBriefly(buf []unix.EpollEvent, timeout time.Duration) (int, error) {
	hold := timeout
	if hold < 0 || hold > holdMax {
		hold = holdMax
	}
	n, err := p.epollWait(buf, hold, true)
	if n != 0 || err != nil || hold == timeout {
		return n, err
	}
	if timeout > 0 {
		timeout -= hold
	}
	return p.park(buf, timeout)
}

// park waits up to timeout (forever if negative) without holding the P.
func (p *Poller) park(buf []unix.EpollEvent, timeout time.Duration) (int, error) {
	p.oneP = runtime.GOMAXPROCS(0) == 1
	p.ticks.disarm()
	k := &p.parking
	k.prepare(p.epfd) // a Poller with nothing registered parks too (executor jobs need the P)
	if k.failed {
		return p.epollWait(buf, timeout, false)
	}
	if timeout > 0 {
		k.f.SetReadDeadline(time.Now().Add(timeout))
		k.deadline = true
	} else if k.deadline {
		k.f.SetReadDeadline(time.Time{})
		k.deadline = false
	}
	if testHookBeforePark != nil {
		testHookBeforePark(p)
	}
	if k.open(true) != nil {
		k.failed = true
		return p.epollWait(buf, timeout, false)
	}
	k.parks.Add(1) // after the gate opened: a test that sees it may look
	n := 0
	var werr error
	// Read's first call, before it waits, must poll although Wait just
	// did: Read begins by clearing the netpoller's readiness note, so a
	// wake-up that came since the last poll, the gate closed, is seen
	// only by this one.
	err := k.rc.Read(func(uintptr) bool {
		n, werr = p.epollWait(buf, 0, true)
		return n != 0 || werr != nil
	})
	if k.open(false) != nil || err != nil && !os.IsTimeout(err) {
		k.failed = true // block in epoll_pwait from now on
	}
	return n, werr
}

// epollWait is epoll_pwait, or epoll_pwait2 for a timeout with a
// sub-millisecond part, waiting forever for a negative timeout; it
// returns the number of kernel events in buf. With raw it is a raw
// syscall, which the runtime does not see; without, the runtime may hand
// the P to another thread while it blocks (the sleep of a Poller that
// cannot park). An interrupted wait returns unix.EINTR, which Wait turns
// into (0, nil).
func (p *Poller) epollWait(buf []unix.EpollEvent, timeout time.Duration, raw bool) (int, error) {
	if timeout > 0 && timeout%time.Millisecond != 0 && !p.noPwait2 {
		p.ts = unix.NsecToTimespec(int64(timeout))
		n, e := p.syscall(raw, unix.SYS_EPOLL_PWAIT2, buf, uintptr(unsafe.Pointer(&p.ts)))
		if e != unix.ENOSYS && e != unix.EPERM {
			return n, sysErr("epoll_pwait2", e)
		}
		p.noPwait2 = true
	}
	ms := -1
	if timeout >= 0 {
		ms = ceilMillis(timeout)
	}
	n, e := p.syscall(raw, unix.SYS_EPOLL_PWAIT, buf, uintptr(ms))
	return n, sysErr("epoll_pwait", e)
}

// syscall makes an epoll wait call on p's epoll fd, with no signal mask.
func (p *Poller) syscall(raw bool, trap uintptr, buf []unix.EpollEvent, timeout uintptr) (int, unix.Errno) {
	events, n := uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))
	var r uintptr
	var e unix.Errno
	if raw {
		r, _, e = unix.RawSyscall6(trap, uintptr(p.epfd), events, n, timeout, 0, 0)
	} else {
		r, _, e = unix.Syscall6(trap, uintptr(p.epfd), events, n, timeout, 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	return int(r), 0
}

// sysErr turns an errno into an error: nil for success, EINTR itself.
func sysErr(call string, e unix.Errno) error {
	switch e {
	case 0:
		return nil
	case unix.EINTR:
		return e
	}
	return os.NewSyscallError(call, e)
}
