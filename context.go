package aio

import (
	"context"
	"errors"
	"fmt"
)

// errTaskDone is the cause of a task's context once the task has finished.
var errTaskDone = errors.New("aio: task finished")

// taskContext is the context state of a task, made on first use.
type taskContext struct {
	parent context.Context // given with WithContext or RunContext
	stop   func() bool     // stops the watch on parent

	ctx    context.Context // the task's own context
	cancel context.CancelCauseFunc

	rootCtx    context.Context
	rootCancel context.CancelCauseFunc
}

// Context returns a [context.Context] for the work the task is doing now,
// for Go libraries that take one: code run with [ToThread], a database
// driver, an HTTP client on another goroutine. It is cancelled
//
//   - when the task is cancelled ([Task.Cancel], or the context given with
//     WithContext or RunContext is done);
//   - when a cancel scope the task is in is cancelled: a [Timeout] or
//     TimeoutAt whose deadline passed, a Scope cancelled with Cancel, the
//     task group or join set the task belongs to aborting;
//   - when the task finishes, or the scope it was taken in is left.
//
// [context.Cause] tells which: an error matching [ErrCancelled], one matching
// [ErrTimeout] for a deadline, or one saying the task finished or the scope
// was left. Inside [Shielded], the context is cancelled only by Task.Cancel
// and the end of the task. It carries the values of the context given
// with [WithContext] or [RunContext]; a task started into a task group or a
// join set carries the values of the context of the task that made it.
//
// A context cannot be un-cancelled: a task that refuses a cancellation
// and goes on (see Task.Cancel) keeps a cancelled Context. Take the
// Context where it is needed rather than once at the start, so that a
// Timeout entered later is reflected in it.
//
// Call Context from the loop's goroutine; the context it returns may be
// used from any goroutine.
func (t *Task) Context() context.Context { return t.contextIn(t.scope) }

// contextIn returns t's context at scope s (one of t's scopes, or nil).
func (t *Task) contextIn(s *CancelScope) context.Context {
	if s == nil {
		return t.baseContext()
	}
	if s.owner != t {
		return t.rootContext(s)
	}
	if s.ctx == nil {
		var parent context.Context
		if s.shield {
			parent = t.baseContext()
		} else {
			parent = t.contextIn(s.parent)
		}
		s.ctx, s.cancel = context.WithCancelCause(parent)
		switch {
		case s.state == scopeExited:
			s.cancel(errScopeExited)
		case s.effectivelyCancelled:
			s.cancel(s.cause.ctxCause())
		}
	}
	return s.ctx
}

// rootScope returns the task group or join set scope t was started into,
// or nil.
func (t *Task) rootScope() *CancelScope {
	s := t.scope
	for s != nil && s.owner == t {
		s = s.parent
	}
	return s
}

func (t *Task) taskCtx() *taskContext {
	e := t.label()
	if e.ctx == nil {
		e.ctx = &taskContext{}
	}
	return e.ctx
}

// baseContext is the task's own context: cancelled by Task.Cancel and at
// the end of the task.
func (t *Task) baseContext() context.Context {
	tc := t.taskCtx()
	if tc.ctx == nil {
		parent := tc.parent
		if parent == nil {
			if r := t.rootScope(); r != nil && r.owner != nil && r.owner.fut.state == statePending {
				parent = context.WithoutCancel(r.owner.contextIn(r))
			} else {
				parent = context.Background()
			}
		}
		tc.ctx, tc.cancel = context.WithCancelCause(parent)
		switch {
		case t.fut.state != statePending:
			tc.cancel(errTaskDone)
		case t.numCancels > 0:
			tc.cancel(cancelledErr(t.cancelMessage()))
		}
	}
	return tc.ctx
}

// rootContext is the task's context inside the scope it was started
// into: cancelled also when that scope is.
func (t *Task) rootContext(root *CancelScope) context.Context {
	tc := t.taskCtx()
	if tc.rootCtx == nil {
		tc.rootCtx, tc.rootCancel = context.WithCancelCause(t.baseContext())
		if root.effectivelyCancelled {
			tc.rootCancel(root.cause.ctxCause())
		}
	}
	return tc.rootCtx
}

// cancelled cancels the task's context after a Task.Cancel.
func (tc *taskContext) cancelled(msg string) {
	if tc.cancel != nil {
		tc.cancel(cancelledErr(msg))
	}
}

// finish releases the context state of a finished task.
func (tc *taskContext) finish() {
	if tc.stop != nil {
		tc.stop()
		tc.stop = nil
	}
	if tc.cancel != nil {
		tc.cancel(errTaskDone)
	}
}

// ctxCause is the context cause of a cancelled scope.
func (s *CancelScope) ctxCause() error {
	if s.byDeadline {
		return &TimeoutError{}
	}
	return s.err()
}

// WithContext ties the new task to ctx: the task's Context carries ctx's
// values and is cancelled with it, and when ctx is done the task is
// cancelled ([Task.Cancel], with the context's cause as the message). If
// ctx is done already, the task never runs and ends cancelled. The watch
// on ctx ends with the task.
func WithContext(ctx context.Context) TaskOption {
	return taskHook(func(t *Task) { t.bindContext(ctx) })
}

// taskHook makes a TaskOption that runs h on the new task before it is
// scheduled.
func taskHook(h func(t *Task)) TaskOption {
	return TaskOption{hook: h}
}

// bindContext makes ctx the parent of t's context and cancels t when ctx
// is done.
func (t *Task) bindContext(ctx context.Context) {
	tc := t.taskCtx()
	tc.parent = ctx
	if ctx.Done() == nil {
		return
	}
	if ctx.Err() != nil {
		t.CancelWith(ctxCancelMsg(ctx))
		return
	}
	l := t.fut.loop
	tc.stop = context.AfterFunc(ctx, func() {
		l.CallSoonThreadsafe(func() {
			if t.fut.state == statePending {
				t.CancelWith(ctxCancelMsg(ctx))
			}
		})
	})
}

func ctxCancelMsg(ctx context.Context) string {
	return "context done: " + context.Cause(ctx).Error()
}

// RunContext is [Run] with a context: main's task is tied to ctx as with
// [WithContext], so when ctx is done the main task is cancelled (and main
// does not run at all if ctx is done already). When that ends main with
// a cancellation, RunContext returns an error matching [ErrCancelled] and
// ctx's cause ([context.Canceled] or [context.DeadlineExceeded], or the cause
// given to a CancelCauseFunc).
func RunContext(ctx context.Context, main func(t *Task) error, opts ...Option) error {
	err := Run(func(t *Task) error {
		t.bindContext(ctx)
		if ctx.Err() != nil {
			t.mustCancel = false
			return cancelledErr(ctxCancelMsg(ctx))
		}
		return main(t)
	}, opts...)
	if err != nil && ctx.Err() != nil && errors.Is(err, ErrCancelled) {
		return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
	}
	return err
}
