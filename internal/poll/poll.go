// Package poll is the readiness notifier under the aio event loop: epoll on
// Linux, kqueue on macOS and the BSDs, behind one small API.
//
// # Contract
//
// A [Poller] is owned by one goroutine, the event loop. [New], [Poller.Register],
// [Poller.Modify], [Poller.Unregister], [Poller.Wait] and [Poller.Close] must
// all be called from that goroutine (or at least never concurrently with each
// other). The one exception is [Poller.Wake], which any goroutine may call at
// any time, even concurrently with [Poller.Wait] or [Poller.Close].
//
// Registration is level-triggered: as long as an fd stays ready for an event
// it is interested in, every Wait reports it again. Interest is [Readable],
// [Writable], both, or none (the fd stays registered but is not reported for
// reading or writing; see "Platform differences" for errors and hangups).
// [Error] and [Hangup] are readiness-only bits: they are reported, never
// requested.
//
// Wait fills a caller-owned []Ready and returns how many entries it wrote.
// It does not allocate in steady state. It may return (0, nil) before the
// timeout (EINTR, a Wake, or an epoll_wait timeout capped at about 24 days),
// so the loop recomputes its next timeout from its own clock. A report can be stale by the time the
// loop handles it (an earlier handler in the same batch may have unregistered
// or closed that fd), so the loop must check that the fd is still its own.
//
// Call Unregister before closing an fd. (epoll and kqueue drop a closed fd on
// their own, but the kqueue Poller also keeps the fd's interest in a table,
// and an fd number reused after close would then be refused by Register.)
//
// Wake makes the current or next Wait return. Wakes are coalesced: any number
// of Wake calls between two Waits cost at most one write(2) (or one kevent(2)
// on kqueue). Wake-ups are consumed inside Wait and never show up as events;
// a Wait ended only by Wake returns (0, nil). The usual pattern for a
// thread-safe inbox is: push to the inbox, then Wake; the loop drains the inbox
// after every Wait.
//
// # Platform differences
//
//   - epoll reports [Error] and [Hangup] even for an fd registered with no
//     interest (the kernel always reports EPOLLERR and EPOLLHUP, and,
//     level-triggered, keeps reporting them): the loop should Unregister or
//     close such an fd. kqueue reports nothing for an fd with no interest.
//   - On epoll, Hangup means EPOLLHUP, or EPOLLRDHUP (peer shut down its
//     writing side) when Readable is requested. On kqueue it means EV_EOF on
//     either filter. Either way data may still be buffered: read until EOF.
//   - On kqueue, readable and writable readiness of one fd are two kernel
//     events. Wait merges them when they are adjacent in a batch; otherwise
//     the same fd can appear twice in one batch.
//   - epoll's timeout has millisecond resolution unless epoll_pwait2 (Linux
//     5.11+) is available; without it, a timeout with a sub-millisecond part
//     is rounded up to the next millisecond so that a loop waiting for a timer
//     never spins. kqueue has nanosecond resolution.
package poll

import (
	"errors"
	"fmt"
)

// Event is a set of readiness or interest bits.
//
// Readable and Writable are used both as interest (in Register and Modify)
// and as readiness (in Ready.Events). Error and Hangup are readiness only.
type Event uint32

const (
	// Readable is interest in, and readiness for, reading (EPOLLIN, EVFILT_READ).
	Readable Event = 1 << iota
	// Writable is interest in, and readiness for, writing (EPOLLOUT, EVFILT_WRITE).
	Writable
	// Error reports an error condition on the fd (EPOLLERR; on kqueue EV_ERROR,
	// or EV_EOF carrying a socket error). Readiness only.
	Error
	// Hangup reports that the peer closed the connection or its writing side
	// (EPOLLHUP or EPOLLRDHUP; on kqueue EV_EOF). Readiness only; buffered
	// data may still be readable.
	Hangup
)

// Ready is one readiness report: the fd and the events it is ready for.
type Ready struct {
	Fd     int
	Events Event
}

// ErrClosed is returned by the methods of a Poller that has been closed.
// Test for it with errors.Is.
var ErrClosed = errors.New("poll: poller closed")

// checkInterest rejects interest bits other than Readable and Writable.
func checkInterest(interest Event) error {
	if interest&^(Readable|Writable) != 0 {
		return fmt.Errorf("poll: invalid interest %#x: only Readable and Writable can be requested", uint32(interest))
	}
	return nil
}
