package aio

import (
	"errors"
	"os"
	"runtime"
	"time"
)

// executorShutdownTimeout bounds how long Run waits for executor jobs at
// exit, as CPython's shutdown_default_executor does.
const executorShutdownTimeout = 5 * time.Minute

// Run is the program's entry point (asyncio.run): it makes a new loop,
// runs main as a task until it returns, cancels every task still alive and
// waits for them, shuts down the default executor (waiting for its jobs),
// closes the loop, and returns main's error.
//
// While main runs, the first SIGINT or SIGTERM cancels the main task
// (asyncio.Runner's rule) and Run then returns an error matching
// [ErrInterrupted] and [ErrCancelled]. The second one ends the process at
// once, whatever the loop is doing (blocked in a call that does not
// suspend, or running tasks that refuse the cancellation): Run restores
// the signal's default action and raises it again, so the process dies by
// that signal, as a program without handlers would (if the signal was
// ignored when the program started, it exits with status 128 plus the
// signal's number instead). Deferred calls do not run then. A signal
// for which the program set its own handler with [Loop.AddSignalHandler]
// goes to that handler only. Once main has returned, the signals have
// their default action again, so one signal ends a shutdown that hangs.
// [NoSignalHandlers] turns all of this off.
//
// Run must not be called on a goroutine that is running a loop (from a
// task or a callback): it returns [ErrNestedRun]. It returns an error for a
// nil main.
func Run(main func(t *Task) error, opts ...Option) error {
	if main == nil {
		return errors.New("aio: Run: nil main function")
	}
	if insideLoop() {
		return ErrNestedRun
	}
	l, err := NewLoop(opts...)
	if err != nil {
		return err
	}
	defer l.Close()
	fut := CreateTask(l, func(t *Task) (struct{}, error) { return struct{}{}, main(t) }, Name("main"))
	var interrupted os.Signal
	if !l.cfg.noSignals {
		l.handleInterrupts(func(sig os.Signal) {
			if interrupted == nil {
				interrupted = sig
				fut.Cancel()
			}
		})
	}
	_, err = RunUntilComplete(l, fut)
	if l.signals != nil {
		l.signals.stopAll()
		l.signals = nil
	}
	l.cancelAll()
	if l.executor != nil {
		l.executor.ShutdownTimeout(true, executorShutdownTimeout)
	}
	if interrupted != nil && errors.Is(err, ErrCancelled) {
		return &interruptedError{sig: interrupted.String()}
	}
	return err
}

// insideLoop reports whether the calling goroutine runs a loop: the loop's
// own goroutine (RunForever is on its stack) or a task's coroutine (whose
// stack begins with its worker's function). It looks above its caller's
// frame, so that RunForever could call it without finding itself. It
// walks the stack, so it costs a few microseconds; Run calls it once.
func insideLoop() bool {
	pcs := make([]uintptr, 64)
	for {
		n := runtime.Callers(3, pcs)
		if n < len(pcs) {
			pcs = pcs[:n]
			break
		}
		pcs = make([]uintptr, 2*len(pcs))
	}
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		switch f.Function {
		case "github.com/aio-go/aio.(*Loop).RunForever", "github.com/aio-go/aio.(*worker).loop":
			return true
		}
		if !more {
			return false
		}
	}
}

// cancelAll cancels every live task and runs the loop until they are done,
// reporting those that end with an error (asyncio.run's
// _cancel_all_tasks).
func (l *Loop) cancelAll() {
	tasks := AllTasks(l)
	if len(tasks) == 0 {
		return
	}
	left := len(tasks)
	all := NewFuture[struct{}](l)
	for _, t := range tasks {
		t.Cancel()
		t.AddDoneCallback(func(*Task) {
			if left--; left == 0 {
				all.SetResult(struct{}{})
			}
		})
	}
	RunUntilComplete(l, all)
	for _, t := range tasks {
		if !t.Cancelled() && t.Done() {
			if err := t.Err(); err != nil {
				l.CallExceptionHandler(ExceptionContext{
					Message: "unhandled error during Run shutdown", Err: err, Task: t,
				})
			}
		}
	}
}
