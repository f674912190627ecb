package aio

import (
	"errors"
)

// ErrJoinSetEmpty is returned by [JoinSet.JoinNext] when the set has no
// tasks left.
var ErrJoinSetEmpty = errors.New("aio: join set is empty")

// JoinSet is a set of tasks whose results are taken in the order they
// complete (tokio's JoinSet): Spawn many, JoinNext them one by one,
// AbortAll, Shutdown. No task outlives the set: Shutdown cancels and
// waits for what is left, a JoinNext interrupted by the cancellation of
// its caller does the same, and when the task that made the set ends,
// whatever is left is cancelled. Use it as
//
//	set := aio.NewJoinSet[int](t)
//	defer set.Shutdown(t)
//
// The tasks run inside the set's own cancel scope, so AbortAll's
// cancellation is level-triggered for them (see [CancelScope]).
//
// A JoinSet is used from its loop's goroutine.
type JoinSet[T any] struct {
	owner  *Task
	scope  *CancelScope
	n      int          // tasks not done
	done   []*Future[T] // done and not joined yet, in completion order
	wake   *future
	closed bool
}

// NewJoinSet makes an empty join set owned by t: when t finishes, the
// tasks still in the set are cancelled. It does not suspend.
func NewJoinSet[T any](t *Task) *JoinSet[T] {
	s := &JoinSet[T]{owner: t}
	s.scope = &CancelScope{loop: t.fut.loop, owner: t, deadline: NoDeadline, reason: "join set aborted", state: scopeEntered}
	s.scope.attached = true
	t.fut.addCallback(func() {
		s.closed = true
		s.AbortAll()
	})
	return s
}

// Spawn starts fn as a task in the set and returns its future. The result
// also comes out of JoinNext. A task spawned after Shutdown, or after the
// owner finished, is cancelled before it runs.
func (s *JoinSet[T]) Spawn(fn func(t *Task) (T, error), opts ...TaskOption) *Future[T] {
	opts = append(opts[:len(opts):len(opts)], taskHook(func(t *Task) {
		s.n++
		s.scope.addRoot(t)
		if s.closed {
			t.interrupt(s.scope.reason)
		}
	}))
	f := CreateTask(s.owner.fut.loop, fn, opts...)
	f.task.fut.addCallback(func() {
		s.n--
		s.scope.rootDone()
		s.done = append(s.done, f)
		if s.wake != nil && s.wake.state == statePending {
			s.wake.finish(stateDone, nil)
		}
	})
	return f
}

// Len returns the number of tasks in the set: running, or done and not
// yet taken by JoinNext.
func (s *JoinSet[T]) Len() int { return s.n + len(s.done) }

// JoinNext waits until a task of the set is done, takes it out of the set
// and returns its future, done: read the task's outcome with Result. It
// returns [ErrJoinSetEmpty] when the set has no tasks (tokio's join_next
// returning None).
//
// Cancellation: if t is cancelled while it waits ([Task.Cancel], or an
// enclosing scope), the set is aborted: every task in it is cancelled and
// JoinNext waits for all of them to finish, then returns an error
// matching [ErrCancelled]. The finished tasks stay in the set for
// TryJoinNext.
func (s *JoinSet[T]) JoinNext(t *Task) (*Future[T], error) {
	t.checkRunning("JoinNext")
	for len(s.done) == 0 {
		if s.n == 0 {
			return nil, ErrJoinSetEmpty
		}
		s.wake = &future{loop: t.fut.loop}
		err := t.await(s.wake)
		s.wake = nil
		if err != nil {
			s.drain(t)
			return nil, err
		}
	}
	return s.pop(), nil
}

// TryJoinNext takes a task that is done out of the set without waiting
// (tokio's try_join_next); it returns false if none is done.
func (s *JoinSet[T]) TryJoinNext() (*Future[T], bool) {
	if len(s.done) == 0 {
		return nil, false
	}
	return s.pop(), true
}

func (s *JoinSet[T]) pop() *Future[T] {
	f := s.done[0]
	s.done[0] = nil
	s.done = s.done[1:]
	if len(s.done) == 0 {
		s.done = nil
	}
	return f
}

// AbortAll cancels every task in the set without waiting for them (tokio's
// abort_all). The cancellation is level-triggered: every further await of
// those tasks returns an error matching [ErrCancelled]. The set can be
// used again afterwards: tasks spawned later are not affected.
func (s *JoinSet[T]) AbortAll() {
	old := s.scope
	old.fire(false)
	// A fresh scope for tasks spawned from now on.
	s.scope = &CancelScope{loop: old.loop, owner: old.owner, deadline: NoDeadline, reason: old.reason, state: scopeEntered, attached: true}
}

// Shutdown cancels every task in the set and waits until all have
// finished (tokio's shutdown); their results stay in the set for
// TryJoinNext. Afterwards, tasks spawned into the set are cancelled
// before they run. Defer it where the set is made.
//
// Cancellation: the wait is shielded from enclosing cancel scopes; a
// [Task.Cancel] of t while it waits is remembered, the wait goes on, and
// Shutdown returns an error matching [ErrCancelled] at the end.
func (s *JoinSet[T]) Shutdown(t *Task) error {
	t.checkRunning("Shutdown")
	s.closed = true
	return s.drain(t)
}

// drain aborts the set and waits for every task in it.
func (s *JoinSet[T]) drain(t *Task) error {
	s.AbortAll()
	if s.n == 0 {
		return nil
	}
	var cerr error
	sh := shieldScope(t)
	defer sh.leave(t)
	for s.n > 0 {
		s.wake = &future{loop: t.fut.loop}
		if err := t.await(s.wake); err != nil {
			cerr = err
		}
		s.wake = nil
	}
	return cerr
}
