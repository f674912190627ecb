package aio

import (
	"context"
	"errors"
	"math"
	"time"
)

// NoDeadline is the deadline of a cancel scope that has none: pass it to
// [CancelScope.Reschedule] to disarm a timeout (asyncio's
// Timeout.reschedule(None)).
const NoDeadline = time.Duration(math.MaxInt64)

// NoTimeout is the timeout that never runs out (asyncio's timeout=None).
// Every timeout argument in aio reads the same way: a d > 0 waits up to
// d of loop time, a d <= 0 times out at once (asyncio's 0 or a negative
// delay), and NoTimeout never times out. It is the largest Duration, so a
// timeout too large for the clock to reach means no timeout as well.
const NoTimeout = time.Duration(math.MaxInt64)

// deadlineAfter is the loop time d from now, NoDeadline for NoTimeout (or
// a d so large the clock would overflow), and now for d <= 0.
func (l *Loop) deadlineAfter(d time.Duration) time.Duration {
	now := l.clock.read()
	if d >= NoDeadline-now {
		return NoDeadline
	}
	return now + max(d, 0)
}

// CancelScope is a region of a task's code that can be cancelled as a
// whole: by a deadline ([Timeout], [TimeoutAt], Reschedule) or by Cancel. It
// is asyncio's Timeout (asyncio.timeout) and Trio's CancelScope in one.
//
// Cancellation inside a scope is level-triggered, as in Trio: once the
// scope is cancelled, the await the task is suspended in is interrupted
// (the awaited future is cancelled, as [Task.Cancel] does), and from then
// on every await that would suspend, and every [Sleep], inside the scope
// returns an error matching [ErrCancelled], until the code returns out of
// the scope. A body that swallows one cancellation error and awaits again
// is therefore interrupted again, instead of hanging: the failure mode of
// asyncio's edge-triggered cancellation (cpython#86296) cannot happen
// here. An await on a future that is already done does not suspend and
// still returns its result; an awaited task that refuses its cancellation
// and returns a value hands that value over, so no result is lost.
//
// A bare Task.Cancel keeps asyncio's edge-triggered, refusable meaning:
// it is delivered once, to one await.
//
// When the code returns out of the scope with an error matching
// ErrCancelled, the scope that fired turns it into its own result: a
// scope whose deadline fired returns a *[TimeoutError] (matching [ErrTimeout]
// and [context.DeadlineExceeded], not ErrCancelled) whose Cause is that
// cancellation error; a scope cancelled with Cancel returns nil. Only the outermost cancelled scope does this (an inner one lets
// the error through to it), and none does if the task also received a
// bare Task.Cancel meanwhile that it has not withdrawn with Uncancel:
// that cancellation goes on up.
//
// The tasks of a task group are inside the group's scope, so a timeout
// around a group cancels them too (a join set's tasks are cancelled when
// a JoinNext waiting for them is). Tasks started with plain [Spawn] are not
// inside any scope: awaiting one from a cancelled scope cancels it and
// waits for it to end, as in asyncio.
//
// A CancelScope is used from its loop's goroutine.
type CancelScope struct {
	loop   *Loop
	owner  *Task        // the task whose code the scope encloses
	parent *CancelScope // enclosing scope, nil at the top

	// children scopes, FIFO, for propagating a cancellation down
	first, last *CancelScope
	prev, next  *CancelScope
	attached    bool

	roots []*Task // tasks started into the scope (task group, join set)
	dead  int     // finished tasks still in roots

	shield               bool
	cancelled            bool         // Cancel called or the deadline fired
	effectivelyCancelled bool         // itself or a non-shielded ancestor is cancelled
	cause                *CancelScope // the scope whose cancellation made this one effectively cancelled
	byDeadline           bool
	caught               bool
	state                scopeState
	deadline             time.Duration
	timer                *Handle
	saved                int    // owner's Cancelling() on entry
	reason               string // message of the cancellation errors it causes
	errv                 error

	ctx    context.Context
	cancel context.CancelCauseFunc
}

type scopeState uint8

const (
	scopeCreated scopeState = iota
	scopeEntered
	scopeExited
)

// errScopeExited is the cause of a scope's context once the scope is left.
var errScopeExited = errors.New("aio: cancel scope exited")

// Timeout runs fn inside a cancel scope whose deadline is d of loop time
// from now (asyncio.timeout). When the deadline passes, the work in the
// scope is cancelled, level-triggered (see [CancelScope]), and Timeout
// returns a *[TimeoutError] (matching [ErrTimeout] and
// [context.DeadlineExceeded]) whose Cause is the cancellation, if fn
// returned it. If fn returns nil or another error, Timeout returns that
// unchanged. A d <= 0 makes the scope expire at once: fn runs, but its
// first await is cancelled; [NoTimeout] sets no deadline
// (asyncio.timeout(None)).
//
// Cancellation: a [Task.Cancel] of t while fn runs is delivered to fn's
// current await as usual; the error fn returns then passes through
// unchanged (it is not turned into a timeout).
func Timeout(t *Task, d time.Duration, fn func(t *Task) error) error {
	t.checkRunning("Timeout")
	s := newCancelScope(t.fut.loop, t.fut.loop.deadlineAfter(d))
	return s.run(t, func(t *Task, _ *CancelScope) error { return fn(t) })
}

// TimeoutAt is [Timeout] with an absolute deadline on the loop's clock
// ([Loop.Time]), asyncio.timeout_at. [NoDeadline] means no deadline.
//
// Cancellation: as for Timeout.
func TimeoutAt(t *Task, when time.Duration, fn func(t *Task) error) error {
	t.checkRunning("TimeoutAt")
	s := newCancelScope(t.fut.loop, when)
	return s.run(t, func(t *Task, _ *CancelScope) error { return fn(t) })
}

// Scope runs fn inside a new cancel scope with no deadline and hands fn
// the scope, to Reschedule it (asyncio's `async with timeout(None) as
// cm: cm.reschedule(...)`) or to Cancel it from anywhere on the loop
// (Trio's `with CancelScope() as cs`). The scope's results are those of
// [CancelScope]: its deadline firing makes Scope return an [ErrTimeout]
// error, its Cancel makes it return nil, if fn returned the cancellation.
//
// Cancellation: as for [Timeout].
func Scope(t *Task, fn func(t *Task, s *CancelScope) error) error {
	t.checkRunning("Scope")
	return newCancelScope(t.fut.loop, NoDeadline).run(t, fn)
}

// Shielded runs fn inside a scope that the cancellation of enclosing
// scopes does not reach (Trio's CancelScope(shield=True)): cleanup that
// must await after its task group or timeout was cancelled, such as
// closing a connection properly. A bare [Task.Cancel] of t still reaches
// fn's awaits, as [Shield] does not stop it either; and once fn returns,
// the enclosing cancellation applies again.
//
// Cancellation: only by Task.Cancel of t, as described.
func Shielded(t *Task, fn func(t *Task) error) error {
	t.checkRunning("Shielded")
	s := newCancelScope(t.fut.loop, NoDeadline)
	s.shield = true
	return s.run(t, func(t *Task, _ *CancelScope) error { return fn(t) })
}

func newCancelScope(l *Loop, deadline time.Duration) *CancelScope {
	return &CancelScope{loop: l, deadline: deadline, reason: ""}
}

// run enters the scope in t, runs fn and leaves it.
func (s *CancelScope) run(t *Task, fn func(t *Task, s *CancelScope) error) error {
	if s.state != scopeCreated {
		panic("aio: a cancel scope can be entered only once")
	}
	s.enter(t)
	defer s.leave(t)
	err := fn(t, s)
	return s.result(t, err)
}

// enter makes s the innermost scope of t.
func (s *CancelScope) enter(t *Task) {
	s.state = scopeEntered
	s.owner = t
	s.saved = int(t.numCancels)
	s.attach(t.scope)
	t.scope = s
	if s.cancelled && !s.effectivelyCancelled {
		s.effectivelyCancelled, s.cause = true, s
	}
	if s.deadline != NoDeadline {
		s.arm()
	}
}

// leave restores t's enclosing scope and unlinks s.
func (s *CancelScope) leave(t *Task) {
	if t.scope != s && !t.killed {
		panic("aio: cancel scopes left out of order")
	}
	t.scope = s.parent
	s.state = scopeExited
	s.detach()
}

// result turns a cancellation that s caused into s's own result.
func (s *CancelScope) result(t *Task, err error) error {
	if !s.cancelled || err == nil || !errors.Is(err, ErrCancelled) {
		return err
	}
	if int(t.numCancels) > s.saved || s.parentEff() {
		return err // an outer scope's, or a bare Task.Cancel's, to handle
	}
	s.caught = true
	if s.byDeadline {
		return &TimeoutError{cause: err}
	}
	return nil
}

// attach links s under parent, inheriting its cancellation.
func (s *CancelScope) attach(parent *CancelScope) {
	s.parent = parent
	s.attached = true
	if parent == nil {
		return
	}
	s.prev = parent.last
	if parent.last != nil {
		parent.last.next = s
	} else {
		parent.first = s
	}
	parent.last = s
	if !s.shield && parent.effectivelyCancelled && !s.effectivelyCancelled {
		s.effectivelyCancelled, s.cause = true, parent.cause
	}
}

// detach unlinks s from its parent and releases its timer and context.
func (s *CancelScope) detach() {
	if !s.attached {
		return
	}
	s.attached = false
	if p := s.parent; p != nil {
		if s.prev != nil {
			s.prev.next = s.next
		} else {
			p.first = s.next
		}
		if s.next != nil {
			s.next.prev = s.prev
		} else {
			p.last = s.prev
		}
	}
	s.prev, s.next = nil, nil
	if s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
	if s.cancel != nil {
		s.cancel(errScopeExited)
	}
}

func (s *CancelScope) parentEff() bool {
	return !s.shield && s.parent != nil && s.parent.effectivelyCancelled
}

// arm schedules the deadline.
func (s *CancelScope) arm() {
	if s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
	if s.deadline == NoDeadline || s.cancelled {
		return
	}
	if s.deadline <= s.loop.clock.read() {
		s.fire(true)
		return
	}
	s.timer = s.loop.CallAt(s.deadline, func() {
		s.timer = nil
		s.fire(true)
	})
}

// Cancel cancels the scope: the work in it is interrupted as described in
// [CancelScope], and when it returns the cancellation, the scope returns
// nil (Trio's CancelScope.cancel). Cancelling twice, or a scope that has
// been left, does nothing. Call it from the loop's goroutine: a callback,
// another task, or the scope's own task.
func (s *CancelScope) Cancel() {
	if s.state == scopeExited {
		return
	}
	s.fire(false)
}

// fire cancels s and everything under it.
func (s *CancelScope) fire(byDeadline bool) {
	if s.cancelled {
		return
	}
	s.cancelled, s.byDeadline = true, byDeadline
	if s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
	if s.state != scopeEntered || s.effectivelyCancelled {
		return
	}
	s.effectivelyCancelled, s.cause = true, s
	s.propagate()
}

// propagate interrupts the tasks whose innermost scope is s, then the
// scopes under s. s.effectivelyCancelled is set already.
func (s *CancelScope) propagate() {
	if s.cancel != nil {
		s.cancel(s.cause.ctxCause())
	}
	for _, t := range s.roots {
		if c := t.context(); c != nil && c.rootCancel != nil {
			c.rootCancel(s.cause.ctxCause())
		}
		if t.scope == s {
			t.interrupt(s.cause.reason)
		}
	}
	if o := s.owner; o != nil && o.scope == s {
		o.interrupt(s.cause.reason)
	}
	for c := s.first; c != nil; c = c.next {
		if !c.shield && !c.effectivelyCancelled {
			c.effectivelyCancelled, c.cause = true, s.cause
			c.propagate()
		}
	}
}

// err is the error the awaits in a cancelled scope return.
func (s *CancelScope) err() error {
	c := s.cause
	if c == nil {
		c = s
	}
	if c.errv == nil {
		c.errv = cancelledErr(c.reason)
	}
	return c.errv
}

// interrupt delivers a scope's cancellation to t: the wait it is
// suspended in is cancelled, as Task.Cancel does but without counting a
// cancel request; a task that has not started never runs. A task that
// runs now, or is about to resume, meets the cancellation at its next
// await.
func (t *Task) interrupt(msg string) {
	if t.fut.state != statePending {
		return
	}
	if !t.started {
		t.setCancel(msg)
		return
	}
	if w := t.waitingOn(); w != nil {
		w.cancelWait(t, msg)
	}
}

// addRoot records a task started into s (a task group's or join set's
// child) and puts it inside s.
func (s *CancelScope) addRoot(t *Task) {
	t.scope = s
	s.roots = append(s.roots, t)
	if s.effectivelyCancelled {
		t.interrupt(s.cause.reason)
	}
}

// rootDone forgets finished root tasks once they are half the list.
func (s *CancelScope) rootDone() {
	s.dead++
	if s.dead*2 < len(s.roots) && s.dead < 64 {
		return
	}
	live := s.roots[:0]
	for _, t := range s.roots {
		if !t.Done() {
			live = append(live, t)
		}
	}
	clear(s.roots[len(live):])
	s.roots, s.dead = live, 0
}

// Reschedule moves the scope's deadline to when, on the loop's clock
// ([Loop.Time]); [NoDeadline] removes it (asyncio's Timeout.reschedule). A
// deadline already past fires at once. Once the scope has been cancelled
// the cancellation stays: a new deadline is recorded but changes nothing.
func (s *CancelScope) Reschedule(when time.Duration) {
	s.deadline = when
	if s.state == scopeEntered {
		s.arm()
	}
}

// Deadline returns the scope's deadline on the loop's clock, or
// [NoDeadline] (asyncio's Timeout.when).
func (s *CancelScope) Deadline() time.Duration { return s.deadline }

// Expired reports whether the scope's deadline fired (asyncio's
// Timeout.expired).
func (s *CancelScope) Expired() bool { return s.cancelled && s.byDeadline }

// CancelCalled reports whether the scope was cancelled, by Cancel or by
// its deadline (Trio's cancel_called).
func (s *CancelScope) CancelCalled() bool { return s.cancelled }

// CancelledCaught reports whether the scope, when its code returned,
// turned a cancellation into its own result (Trio's cancelled_caught).
func (s *CancelScope) CancelledCaught() bool { return s.caught }

// shieldScope enters an internal shielded scope in t, for waits that
// must finish even inside a cancelled scope (a task group's join, a
// condition's re-acquire); the caller leaves it with s.leave(t).
func shieldScope(t *Task) *CancelScope {
	s := newCancelScope(t.fut.loop, NoDeadline)
	s.shield = true
	s.enter(t)
	return s
}
