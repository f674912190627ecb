package aio

import (
	"errors"
	"fmt"
)

// ErrGroupClosed is returned by [SpawnIn] and [TaskGroup.Go] when the group
// takes no more tasks: it is shutting down (aborting) or has finished
// (asyncio 3.13's "TaskGroup ... is shutting down" and "... is
// finished"). The function is not run.
var ErrGroupClosed = errors.New("aio: task group takes no new tasks")

var (
	errGroupShuttingDown = fmt.Errorf("%w: it is shutting down", ErrGroupClosed)
	errGroupFinished     = fmt.Errorf("%w: it has finished", ErrGroupClosed)
)

// TaskGroup is structured concurrency: a set of tasks that live inside
// one region of their parent's code (asyncio.TaskGroup, a Trio nursery).
// [Group] makes one and runs a body in it; tasks are started into it with
// [SpawnIn] or Go; Group returns only when every one of them is done, so
// no task outlives its group.
//
// The rules, asyncio's plus Trio's level-triggered cancellation:
//
//   - The first task that fails (returns an error that does not match
//     ErrCancelled, or panics) aborts the group: every other task in it
//     is cancelled, and so is the body if it is still running (its
//     current await returns an error matching ErrCancelled).
//   - Cancellation in an aborted group is level-triggered: every further
//     await of its tasks and of the body returns the cancellation error,
//     so a task that swallows one cancellation cannot keep the group
//     waiting by awaiting again. Cleanup that must await uses Shielded.
//   - A task cancelled on its own (someone called its Cancel) is not a
//     failure and does not abort the group.
//   - Group returns [errors.Join] of every failure, the tasks' in the order
//     they failed, then the body's. Failures take priority over
//     cancellation.
//   - If the parent task is cancelled while in the group ([Task.Cancel],
//     or an enclosing Timeout fires), the group aborts, waits for its
//     tasks, and Group returns an error matching ErrCancelled (which an
//     enclosing Timeout turns into its timeout error).
//   - The group's own abort does not leak out: when the body returns the
//     cancellation the abort caused, Group returns only the failures.
//   - Once the group aborts, and after it has finished, it takes no new
//     tasks: SpawnIn and Go return an error matching ErrGroupClosed and
//     do not run the function (asyncio 3.13). Until then, its tasks and
//     the body may start more, also while Group waits for the last ones.
//
// A TaskGroup is used from its loop's goroutine.
type TaskGroup struct {
	scope    *CancelScope
	parent   *Task
	n        int // tasks not done
	errs     []error
	aborting bool
	finished bool
	wake     *future
}

// Group runs body in a new task group and waits for every task started
// into the group (asyncio's `async with TaskGroup() as g`). It returns
// nil, the joined failures, or a cancellation, as [TaskGroup] describes.
// If body panics, the group is aborted and waited for, then the panic
// goes on.
//
// Cancellation: a [Task.Cancel] of t, or an enclosing scope's cancellation,
// aborts the group; Group still waits until every task in it is done,
// and then returns an error matching [ErrCancelled], unless some task
// failed, in which case it returns the failures (and t's cancellation is
// delivered again at its next await, so it is not lost).
func Group(t *Task, body func(t *Task, g *TaskGroup) error) error {
	t.checkRunning("Group")
	g := &TaskGroup{parent: t}
	s := newCancelScope(t.fut.loop, NoDeadline)
	s.reason = "task group aborted"
	s.enter(t)
	g.scope = s
	saved := t.numCancels

	bodyErr, pv, panicked := runGroupBody(t, g, body)
	t.scope = s.parent // leave the body's scope; s stays linked for the tasks
	if _, killed := pv.(taskKilled); killed {
		g.abort()
		g.finished = true
		s.state = scopeExited
		s.detach()
		panic(pv)
	}
	if panicked {
		bodyErr = newPanicError(pv)
	}

	var propagate error
	if bodyErr != nil {
		if errors.Is(bodyErr, ErrCancelled) {
			propagate = bodyErr
		}
		if !g.aborting {
			g.abort()
		}
	}
	if err := g.join(t); err != nil {
		propagate = err
	}
	g.finished = true
	outer := s.parentEff()
	if outer && propagate == nil {
		propagate = s.parent.err()
	}
	s.state = scopeExited
	s.detach()
	if panicked {
		panic(pv)
	}

	external := t.numCancels > saved
	if propagate != nil && !external && !outer {
		propagate = nil // the cancellation the group's own abort caused
	}
	if bodyErr != nil && !errors.Is(bodyErr, ErrCancelled) {
		g.errs = append(g.errs, bodyErr)
	}
	if len(g.errs) > 0 {
		if external {
			t.mustCancel = true // deliver t's cancellation again
		}
		return errors.Join(g.errs...)
	}
	return propagate
}

func runGroupBody(t *Task, g *TaskGroup, body func(t *Task, g *TaskGroup) error) (err error, pv any, panicked bool) {
	panicked = true
	defer func() {
		if panicked {
			pv = recover()
		}
	}()
	err = body(t, g)
	panicked = false
	return
}

// join waits for the group's tasks, shielded from enclosing scopes
// (their cancellation reaches the tasks through the group's scope
// instead). A Task.Cancel of t still interrupts the wait: the group
// aborts, the wait goes on, and join returns the cancellation.
func (g *TaskGroup) join(t *Task) (cancelled error) {
	if g.n == 0 {
		return nil
	}
	sh := shieldScope(t)
	defer sh.leave(t)
	for g.n > 0 {
		g.wake = &future{loop: t.fut.loop}
		if err := t.await(g.wake); err != nil && errors.Is(err, ErrCancelled) {
			cancelled = err
			if !g.aborting {
				g.abort()
			}
		}
		g.wake = nil
	}
	return cancelled
}

// abort cancels the group's scope: its tasks and the body.
func (g *TaskGroup) abort() {
	g.aborting = true
	g.scope.fire(false)
}

// SpawnIn starts fn as a task in the group g and returns its future
// (asyncio's TaskGroup.create_task). The task runs inside the group's
// cancel scope. A group that is aborting or has finished takes no new
// task: SpawnIn then returns an error matching [ErrGroupClosed], and fn
// never runs.
func SpawnIn[T any](g *TaskGroup, fn func(t *Task) (T, error), opts ...TaskOption) (*Future[T], error) {
	if err := g.closed(); err != nil {
		return nil, err
	}
	opts = append(opts[:len(opts):len(opts)], taskHook(g.adopt))
	f := CreateTask(g.parent.fut.loop, fn, opts...)
	f.task.fut.addCallback(func() { g.childDone(f.task) })
	return f, nil
}

// Go starts fn as a task in the group, like [SpawnIn] for a function with
// only an error result (errgroup's Go). It returns an error matching
// [ErrGroupClosed], without running fn, if the group is aborting or has
// finished.
func (g *TaskGroup) Go(fn func(t *Task) error, opts ...TaskOption) error {
	_, err := SpawnIn(g, func(t *Task) (struct{}, error) { return struct{}{}, fn(t) }, opts...)
	return err
}

// closed says why the group takes no new task, or nil if it does. A
// finished group says so even if it aborted, as asyncio's does.
func (g *TaskGroup) closed() error {
	switch {
	case g.finished:
		return errGroupFinished
	case g.aborting:
		return errGroupShuttingDown
	}
	return nil
}

// Len returns the number of tasks in the group that are not done.
func (g *TaskGroup) Len() int { return g.n }

// Aborting reports whether the group is cancelling its tasks.
func (g *TaskGroup) Aborting() bool { return g.aborting }

// adopt puts a new task in the group (a CreateTask hook).
func (g *TaskGroup) adopt(t *Task) {
	g.n++
	g.scope.addRoot(t)
}

func (g *TaskGroup) childDone(t *Task) {
	g.n--
	g.scope.rootDone()
	if g.n == 0 && g.wake != nil && g.wake.state == statePending {
		g.wake.finish(stateDone, nil)
	}
	if t.fut.state == stateCancelled {
		return
	}
	err := t.fut.Err()
	if err == nil {
		return
	}
	g.errs = append(g.errs, err)
	if g.parent.fut.state != statePending {
		g.parent.fut.loop.CallExceptionHandler(ExceptionContext{
			Message: "task in a task group failed after its parent finished", Err: err, Task: t,
		})
		return
	}
	if !g.aborting {
		g.abort()
	}
}
