package aio

import (
	"errors"
	"log/slog"
)

// ExceptionContext describes an error the loop could not hand to anyone:
// a panic in a callback, a task error never retrieved, a failed poll (the
// context dict of asyncio's exception handler).
type ExceptionContext struct {
	Message string
	Err     error
	Task    *Task   // the task involved, if any
	Handle  *Handle // the callback involved, if any
}

// ExceptionHandler receives the loop's unhandled errors. It runs on the
// loop's goroutine; a panic in it is logged and swallowed.
type ExceptionHandler func(l *Loop, c ExceptionContext)

// SetExceptionHandler replaces the loop's exception handler; nil restores
// the default, which logs (asyncio's set_exception_handler).
func (l *Loop) SetExceptionHandler(h ExceptionHandler) { l.handler = h }

// ExceptionHandler returns the handler set with SetExceptionHandler, or
// nil for the default.
func (l *Loop) ExceptionHandler() ExceptionHandler { return l.handler }

// CallExceptionHandler hands c to the loop's exception handler (asyncio's
// call_exception_handler). The loop goes on whatever the handler does.
func (l *Loop) CallExceptionHandler(c ExceptionContext) {
	if l.handler == nil {
		l.DefaultExceptionHandler(c)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			l.DefaultExceptionHandler(ExceptionContext{
				Message: "panic in the exception handler", Err: newPanicError(r),
			})
		}
	}()
	l.handler(l, c)
}

// DefaultExceptionHandler logs c with the loop's logger (see [WithLogger]).
// A custom handler may call it to keep the default report.
func (l *Loop) DefaultExceptionHandler(c ExceptionContext) {
	attrs := []any{}
	if c.Err != nil {
		attrs = append(attrs, slog.Any("err", c.Err))
		var pe *PanicError
		if errors.As(c.Err, &pe) {
			attrs = append(attrs, slog.String("stack", string(pe.Stack)))
		}
	}
	if c.Task != nil {
		attrs = append(attrs, slog.String("task", c.Task.Name()))
	}
	l.cfg.logger.Error("aio: "+c.Message, attrs...)
}

// reportUnretrieved reports every failed future whose error nobody read.
func (l *Loop) reportUnretrieved() {
	for f := range l.unretrieved {
		msg := "Future exception was never retrieved"
		if f.task != nil {
			msg = "Task exception was never retrieved"
		}
		f.retrieved = true
		l.CallExceptionHandler(ExceptionContext{Message: msg, Err: f.err, Task: f.task})
	}
	l.unretrieved = nil
}

// destroyPending unwinds the tasks still alive when the loop closes: each
// suspended body resumes into a panic that unwinds it (its deferred calls
// run), and the callbacks this schedules run before the loop closes, so
// no goroutine stays parked and no waiter elsewhere is left hanging.
func (l *Loop) destroyPending() {
	for range 100 {
		if len(l.live.tasks) == 0 && l.ready.len() == 0 {
			return
		}
		for _, t := range AllTasks(l) {
			l.CallExceptionHandler(ExceptionContext{Message: "Task was destroyed but it is pending!", Task: t})
			l.kill(t)
		}
		l.runReady()
	}
}

// kill ends t without running any more of its body than its deferred calls.
func (l *Loop) kill(t *Task) {
	t.killed = true
	switch w := t.waitingOn().(type) {
	case *future:
		w.removeWaiter(t)
	case *Handle:
		w.Cancel()
	}
	if !t.started {
		t.started = true
		t.complete(cancelledErr("event loop closed"))
		return
	}
	t.parked = true
	l.step(t, false)
}
