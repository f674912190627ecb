package aio

import (
	"errors"
	"fmt"
	"iter"
	"time"
)

// ReturnWhen says when [Wait] returns (asyncio's return_when).
type ReturnWhen uint8

// The conditions [Wait] can return on.
const (
	// AllCompleted: when every future is done (asyncio.ALL_COMPLETED).
	AllCompleted ReturnWhen = iota
	// FirstCompleted: when any future is done (asyncio.FIRST_COMPLETED).
	FirstCompleted
	// FirstException: when any future finishes with an error, or when all
	// are done (asyncio.FIRST_EXCEPTION). A cancelled future does not
	// count as an error here.
	FirstException
)

// String returns asyncio's name of the constant, such as "FIRST_COMPLETED".
func (w ReturnWhen) String() string {
	switch w {
	case AllCompleted:
		return "ALL_COMPLETED"
	case FirstCompleted:
		return "FIRST_COMPLETED"
	case FirstException:
		return "FIRST_EXCEPTION"
	}
	return fmt.Sprintf("ReturnWhen(%d)", uint8(w))
}

// ErrNoFutures is returned by [Wait] when it is given no futures (asyncio
// raises ValueError).
var ErrNoFutures = errors.New("aio: Wait: no futures to wait for")

// Wait waits until the futures in fs satisfy when, or until timeout
// passes, and returns those that are done and those still pending, each
// in the order of fs (asyncio.wait). It never cancels anything: a timeout
// is not an error, the futures not done are simply in pending. A timeout
// <= 0 times out at once (after the one suspension below, so futures
// that are done already are in done) and [NoTimeout] means none, as
// asyncio's timeout=0 and timeout=None. F is *Future[T] for futures of
// one type, or [Awaitable] for mixed ones.
//
// Like asyncio.wait, Wait suspends at least once, even if the condition
// holds already. With [FirstException], the error of a future that made
// Wait return counts as retrieved (the loop does not report it when it
// closes); errors Wait only saw in passing, as with [AllCompleted], are
// reported unless read.
//
// Cancellation: if t is cancelled while it waits, Wait returns nil sets
// and an error matching [ErrCancelled]; the futures are not cancelled.
func Wait[F Awaitable](t *Task, fs []F, when ReturnWhen, timeout time.Duration) (done, pending []F, err error) {
	t.checkRunning("Wait")
	if len(fs) == 0 {
		return nil, nil, ErrNoFutures
	}
	if when > FirstException {
		return nil, nil, fmt.Errorf("aio: Wait: invalid ReturnWhen %d", uint8(when))
	}
	l := t.fut.loop
	waiter := &future{loop: l}
	counter := len(fs)
	release := func() {
		if waiter.state == statePending {
			waiter.finish(stateDone, nil)
		}
	}
	var timer *Handle
	if when := l.deadlineAfter(timeout); when != NoDeadline {
		timer = l.CallAt(when, release)
	}
	ids := make([]CallbackID, len(fs))
	for i, a := range fs {
		f := a.base()
		if f.loop != l {
			return nil, nil, fmt.Errorf("aio: Wait: a future belongs to another loop")
		}
		ids[i] = f.addCallback(func() {
			counter--
			// asyncio's check, short-circuit included: with
			// FirstException the error of each future that ends before
			// the last is read (f.Err), which marks it retrieved, so the
			// failure Wait returns on is not reported when the loop
			// closes; AllCompleted and FirstCompleted read nothing.
			if counter <= 0 || when == FirstCompleted ||
				(when == FirstException && f.state == stateDone && f.Err() != nil) {
				release()
			}
		})
	}
	err = t.await(waiter)
	if timer != nil {
		timer.Cancel()
	}
	for i, a := range fs {
		a.base().removeCallback(ids[i])
	}
	if err != nil {
		return nil, nil, err
	}
	for _, a := range fs {
		if a.base().state != statePending {
			done = append(done, a)
		} else {
			pending = append(pending, a)
		}
	}
	return done, pending, nil
}

// WaitFor waits for f with a timeout (asyncio.wait_for, with CPython
// 3.12's semantics). If f is done within timeout, WaitFor returns its
// result. Otherwise it cancels f, waits until f has finished (a task may
// take its time to clean up), and returns a *[TimeoutError] (matching
// [ErrTimeout] and [context.DeadlineExceeded], not [ErrCancelled]) whose Cause
// is the cancellation it replaced, unless f refused the cancellation and
// produced a value or an error of its own: then that is returned. To
// wait without cancelling f, wrap it in [Shield].
//
// A timeout <= 0 does not wait: a done f gives its result, otherwise f is
// cancelled and waited for as above. [NoTimeout] waits as long as f takes
// (asyncio's timeout=None).
//
// Cancellation: if t is cancelled while it waits, f is cancelled too, and
// WaitFor returns (once f is done) an error matching ErrCancelled, or
// f's value if f refused the cancellation.
func WaitFor[T any](t *Task, f *Future[T], timeout time.Duration) (T, error) {
	t.checkRunning("WaitFor")
	if timeout <= 0 {
		if f.Done() {
			return f.Result()
		}
		if err := cancelAndWait(t, &f.future); err != nil {
			var zero T
			return zero, err
		}
		v, err := f.Result()
		if err != nil && errors.Is(err, ErrCancelled) {
			return v, &TimeoutError{cause: err}
		}
		return v, err
	}
	var v T
	err := Timeout(t, timeout, func(t *Task) error {
		var err error
		v, err = Await(t, f)
		return err
	})
	return v, err
}

// cancelAndWait cancels f and waits until it is done, without awaiting f
// itself, so that the wait stays cancellable (asyncio's
// _cancel_and_wait).
func cancelAndWait(t *Task, f *future) error {
	waiter := &future{loop: t.fut.loop}
	id := f.addCallback(func() {
		if waiter.state == statePending {
			waiter.finish(stateDone, nil)
		}
	})
	f.Cancel()
	err := t.await(waiter)
	f.removeCallback(id)
	return err
}

// AsCompleted returns an iterator over the results of futs in the order
// they complete (asyncio.as_completed): each step suspends t until the
// next future is done and yields its value and error.
//
//	for v, err := range aio.AsCompleted(t, futs, aio.NoTimeout) {
//		...
//	}
//
// Once timeout has passed (counted from the start of the iteration) the
// iterator yields the results that were done by then, then one error
// matching [ErrTimeout] and [context.DeadlineExceeded], and stops; the futures
// still running are not cancelled. A timeout <= 0 times out at once, after
// the futures that are done already, and [NoTimeout] means none (asyncio's
// timeout=0 and timeout=None). Breaking out of the loop leaves the
// remaining futures running.
//
// Cancellation: if t is cancelled while the iterator waits, it yields an
// error matching [ErrCancelled] and stops; the futures are not cancelled.
func AsCompleted[T any](t *Task, futs []*Future[T], timeout time.Duration) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		t.checkRunning("AsCompleted")
		var zero T
		l := t.fut.loop
		var (
			ready    []*Future[T]
			waiter   *future
			timedOut bool
			timer    *Handle
		)
		ids := make([]CallbackID, len(futs))
		live := make([]bool, len(futs))
		stop := func() {
			for i, f := range futs {
				if live[i] {
					f.removeCallback(ids[i])
					live[i] = false
				}
			}
			if timer != nil {
				timer.Cancel()
				timer = nil
			}
		}
		defer stop()
		wake := func() {
			if waiter != nil && waiter.state == statePending {
				waiter.finish(stateDone, nil)
			}
		}
		for i, f := range futs {
			if f.loop != l {
				yield(zero, fmt.Errorf("aio: AsCompleted: a future belongs to another loop"))
				return
			}
			ids[i] = f.addCallback(func() {
				live[i] = false
				ready = append(ready, f)
				wake()
			})
			live[i] = true
		}
		if when := l.deadlineAfter(timeout); when != NoDeadline && len(futs) > 0 {
			timer = l.CallAt(when, func() {
				timer = nil
				timedOut = true
				stop()
				wake()
			})
		}
		for left := len(futs); left > 0; left-- {
			for len(ready) == 0 && !timedOut {
				waiter = &future{loop: l}
				if err := t.await(waiter); err != nil {
					waiter = nil
					yield(zero, err)
					return
				}
				waiter = nil
			}
			if len(ready) == 0 {
				yield(zero, &TimeoutError{})
				return
			}
			f := ready[0]
			ready[0] = nil
			ready = ready[1:]
			if !yield(f.Result()) {
				return
			}
		}
	}
}
