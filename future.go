package aio

import (
	"fmt"
	"slices"
)

// Future is a result that will be set later: a value of type T or an
// error, or a cancellation (asyncio.Future). A task's result is a Future
// too: [Spawn] returns one, and cancelling it cancels the task.
//
// A Future belongs to one loop and is used from that loop's goroutine.
// Its done callbacks are scheduled on the loop when it completes, never
// called inline.
type Future[T any] struct {
	val T // first: a zero-size T at the end would pad the struct
	future
}

// Awaitable is anything a task can wait for: every *Future[T]. It lets
// functions such as [Wait] and [Gather] take futures of mixed types.
type Awaitable interface {
	base() *future
}

// CallbackID identifies a done callback so it can be removed.
type CallbackID int

type futureState uint8

const (
	statePending futureState = iota
	stateDone
	stateCancelled
)

// future is the untyped part of a Future: state, error and callbacks.
type future struct {
	loop      *Loop
	state     futureState
	retrieved bool
	lastID    int32 // the last CallbackID handed out
	err       error
	task      *Task // the task whose result this is, if any
	// first is the first waiter or done callback; the others, in the
	// order they came, are in rest. One waiter (the common case: one task
	// awaits it) costs no more than this slot: a task's frame is
	// allocated per spawn, and every word of it is GC work.
	first callback
	rest  *futureRest
}

// futureRest holds what few futures need.
type futureRest struct {
	more []callback // waiters and callbacks after the first
	// cancelHook, if set, replaces the plain cancel of a pending future:
	// a gathering future cancels its children instead (gather.go).
	cancelHook func(msg string) bool
}

func (f *future) restOf() *futureRest {
	if f.rest == nil {
		f.rest = &futureRest{}
	}
	return f.rest
}

// more returns the waiters and callbacks after the first.
func (f *future) more() []callback {
	if f.rest == nil {
		return nil
	}
	return f.rest.more
}

// callback is one waiter of a future: a task to resume (id 0), or a
// callback added with an id.
type callback struct {
	id CallbackID
	cb runnable
}

func (c callback) empty() bool { return c.cb == nil }

// runnable is an entry of the loop's ready queue, and what a future
// schedules there once it is done: a *Task to step, a *Handle, or a
// callback. Internal waiters (a gather's note per child) implement it on a
// pointer into a slice they own, so registering them allocates nothing.
// Two words, so queueing and dequeueing one costs two pointer stores.
type runnable interface{ run() }

// funcCallback adapts a func to runnable; a func value is a single
// pointer, so the conversion does not allocate.
type funcCallback func()

func (f funcCallback) run() { f() }

// NewFuture makes a pending future on l (asyncio's loop.create_future).
func NewFuture[T any](l *Loop) *Future[T] {
	return &Future[T]{future: future{loop: l}}
}

func (f *Future[T]) base() *future { return &f.future }

// Done reports whether the future has a result, an error, or was cancelled.
func (f *future) Done() bool { return f.state != statePending }

// Cancelled reports whether the future was cancelled.
func (f *future) Cancelled() bool { return f.state == stateCancelled }

// Loop returns the loop the future belongs to.
func (f *future) Loop() *Loop { return f.loop }

// Task returns the task whose result this future is, or nil for a plain
// future.
func (f *future) Task() *Task { return f.task }

// Err returns the future's error (asyncio's Future.exception): nil after a
// result, the cancellation error after a cancel, ErrInvalidState while
// pending. Reading it counts as retrieving the error, so the loop does not
// report it as never retrieved.
func (f *future) Err() error {
	switch f.state {
	case statePending:
		return fmt.Errorf("%w: the future is not done", ErrInvalidState)
	case stateCancelled:
		return f.err
	}
	f.markRetrieved()
	return f.err
}

// Result returns the value and error the future completed with (asyncio's
// Future.result). A cancelled future returns an error matching
// [ErrCancelled]; a pending one returns [ErrInvalidState].
func (f *Future[T]) Result() (T, error) {
	if err := f.Err(); err != nil {
		var zero T
		return zero, err
	}
	return f.val, nil
}

// ResultAny is Result with the value as an interface, for code that
// handles futures of mixed types through [Awaitable].
func (f *Future[T]) ResultAny() (any, error) { return f.Result() }

// SetResult completes the future with v and schedules its callbacks. It
// returns [ErrInvalidState] if the future is already done. A task's future
// cannot be set from outside.
func (f *Future[T]) SetResult(v T) error {
	if err := f.settable(); err != nil {
		return err
	}
	f.val = v
	f.finish(stateDone, nil)
	return nil
}

// SetErr completes the future with err (asyncio's set_exception). It
// returns ErrInvalidState if the future is done, and an error if err is
// nil.
func (f *future) SetErr(err error) error {
	if err == nil {
		return fmt.Errorf("aio: SetErr with a nil error")
	}
	if e := f.settable(); e != nil {
		return e
	}
	f.finish(stateDone, err)
	return nil
}

func (f *future) settable() error {
	if f.task != nil {
		return fmt.Errorf("%w: the result of a task is set by the task", ErrInvalidState)
	}
	if f.state != statePending {
		return fmt.Errorf("%w: the future is already done", ErrInvalidState)
	}
	return nil
}

// Cancel cancels the future and schedules its callbacks; it returns false
// if the future was already done. On a task's future it cancels the task
// (see Task.Cancel), which may refuse.
func (f *future) Cancel() bool { return f.CancelWith("") }

// CancelWith is Cancel with a message that the cancellation error carries.
func (f *future) CancelWith(msg string) bool {
	if f.task != nil {
		return f.task.CancelWith(msg)
	}
	if f.rest != nil && f.rest.cancelHook != nil && f.state == statePending {
		return f.rest.cancelHook(msg)
	}
	return f.cancelFuture(msg)
}

func (f *future) cancelFuture(msg string) bool {
	if f.state != statePending {
		return false
	}
	f.finish(stateCancelled, cancelledErr(msg))
	return true
}

// AddDoneCallback schedules fn to run on the loop once the future is done,
// with the future as its argument; if it is done already, fn is scheduled
// at once. Callbacks run in the order they were added.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) CallbackID {
	return f.addCallback(func() { fn(f) })
}

// RemoveDoneCallback removes the callback added with id and reports
// whether it was there.
func (f *future) RemoveDoneCallback(id CallbackID) bool { return f.removeCallback(id) }

func (f *future) addCallback(fn func()) CallbackID { return f.addDone(funcCallback(fn)) }

// addDone registers cb to be called on the loop once the future is done,
// at once (scheduled) if it is done already.
func (f *future) addDone(cb runnable) CallbackID {
	f.lastID++
	id := CallbackID(f.lastID)
	if f.state != statePending {
		f.loop.ready.push(cb)
		return id
	}
	f.add(callback{id: id, cb: cb})
	return id
}

func (f *future) add(c callback) {
	if f.first.empty() && len(f.more()) == 0 {
		f.first = c
		return
	}
	r := f.restOf()
	r.more = append(r.more, c)
}

// remove drops the first callback that match accepts.
func (f *future) remove(match func(callback) bool) bool {
	if !f.first.empty() && match(f.first) {
		f.first = callback{}
		if more := f.more(); len(more) > 0 {
			f.first, f.rest.more = more[0], more[1:]
		}
		return true
	}
	for i, c := range f.more() {
		if match(c) {
			f.rest.more = slices.Delete(f.rest.more, i, i+1)
			return true
		}
	}
	return false
}

func (f *future) removeCallback(id CallbackID) bool {
	return f.remove(func(c callback) bool { return c.id == id })
}

// hasWaiters reports whether anything waits for the future.
func (f *future) hasWaiters() bool { return !f.first.empty() || len(f.more()) > 0 }

// addWaiter makes the loop resume t once the future is done.
func (f *future) addWaiter(t *Task) { f.add(callback{cb: t}) }

func (f *future) removeWaiter(t *Task) {
	f.remove(func(c callback) bool { w, ok := c.cb.(*Task); return ok && w == t })
}

// finish sets the final state and schedules the waiters and callbacks.
func (f *future) finish(state futureState, err error) {
	f.state = state
	if err != nil { // a store of nil over nil would still cost a GC write barrier
		f.err = err
	}
	l := f.loop
	if state == stateDone && err != nil {
		if l.unretrieved == nil {
			l.unretrieved = make(map[*future]struct{})
		}
		l.unretrieved[f] = struct{}{}
	}
	if !f.first.empty() {
		l.ready.push(f.first.cb)
		f.first = callback{}
	}
	if f.rest != nil {
		for _, c := range f.rest.more {
			l.ready.push(c.cb)
		}
		f.rest.more = nil
	}
}

func (f *future) markRetrieved() {
	if !f.retrieved {
		f.retrieved = true
		if f.err != nil {
			delete(f.loop.unretrieved, f)
		}
	}
}

// String describes the future's state.
func (f *future) String() string {
	switch {
	case f.task != nil:
		return f.task.String()
	case f.state == statePending:
		return "<Future pending>"
	case f.state == stateCancelled:
		return "<Future cancelled>"
	case f.err != nil:
		return fmt.Sprintf("<Future finished error=%v>", f.err)
	}
	return "<Future finished>"
}
