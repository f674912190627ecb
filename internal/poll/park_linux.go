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
//   - Wait first holds the P for up to holdMax in a raw epoll_pwait on the
//     loop's own epoll fd: a wake-up costs that one syscall, as in a C
//     event loop. Before it, Wait yields (runtime.Gosched), so that the
//     goroutines the loop made runnable (executor jobs, goroutines it sent
//     to) run first rather than wait for the P: always when GOMAXPROCS is
//     1, otherwise only when the loop said it readied some (YieldNext).
//     With more Ps, a goroutine readied while one is idle runs there; a
//     yield with an idle P makes the runtime wake a thread that finds
//     nothing to do, which cost a TLS echo 20% of its CPU.
//   - Past holdMax of quiet, Wait sleeps without holding the P: it parks
//     its goroutine in the runtime's netpoller on a dup of the epoll fd
//     (an epoll fd is readable when one of its fds is ready), so that the
//     rest of the program has the P and the thread sleeps in the
//     scheduler's own poll. This costs about five epoll calls a
//     wake-up, once per quiet spell.
//
// What it costs the rest of the program, where the loop holds the only P
// (GOMAXPROCS=1, or every P held by a loop): a goroutine that becomes
// runnable while a Wait holds the P runs at the loop's next Wait, at most
// holdMax later plus the pass in between, and its timers are run there
// too; a goroutine that waits for the runtime's netpoller (package net)
// is found by sysmon, every 10 ms, as when the loop computes for that
// long.

// holdMax is the longest a Wait holds its P in a raw epoll_pwait. It is
// long enough to cover the gaps between wake-ups of a loaded loop (the
// pipelined echo benchmark paced at 100k messages a second wakes it about
// every 130 µs, and 99.9 % of its waits end within the hold) and short
// against the runtime's own 10 ms time slice.
const holdMax = time.Millisecond

// YieldNext makes the next Wait that blocks yield the P before it holds
// it in a raw wait: the caller has just made goroutines runnable (handed
// a job to an executor goroutine, completed what one waits on) that must
// not wait up to holdMax for a P that every loop holds. Call from the
// owning goroutine.
func (p *Poller) YieldNext() { p.yield = true }

// testHookBeforePark, if set, is called by park before it parks.
var testHookBeforePark func(*Poller)

// parker is the Poller's way of sleeping in the runtime's netpoller: a
// dup of the epoll fd, registered with it.
type parker struct {
	f        *os.File // nil until the first Register
	rc       syscall.RawConn
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
	fd, err := unix.Dup(epfd)
	if err != nil {
		return
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return
	}
	f := os.NewFile(uintptr(fd), "aio-epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return
	}
	// If the netpoller refused the fd, the first Read fails ("waiting
	// for unsupported file type") and park falls back for good.
	k.f, k.rc, k.failed = f, rc, false
}

// close releases the parking fd.
func (k *parker) close() {
	if k.f != nil {
		k.f.Close()
	}
	k.f, k.rc, k.deadline, k.failed = nil, nil, false, true
}

// sleep is Wait with a non-zero timeout: it holds the P in a raw wait for
// up to holdMax, then parks for the rest.
func (p *Poller) sleep(buf []unix.EpollEvent, timeout time.Duration) (int, error) {
	if p.yield || p.oneP {
		p.yield = false
		runtime.Gosched()
	}
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
	k.parks.Add(1)
	if testHookBeforePark != nil {
		testHookBeforePark(p)
	}
	n := 0
	var werr error
	// Read's first call, before it waits, must poll although Wait just
	// did: Read begins by clearing the netpoller's readiness note, so a
	// wake-up that came since the last poll is seen only by this one.
	err := k.rc.Read(func(uintptr) bool {
		n, werr = p.epollWait(buf, 0, true)
		return n != 0 || werr != nil
	})
	if err != nil && !os.IsTimeout(err) {
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
