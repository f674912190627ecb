package aio

import (
	"errors"
	"os"
	"syscall"
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
// While it runs, SIGINT and SIGTERM cancel the main task (asyncio.Runner's
// rule) and Run then returns an error matching ErrInterrupted and
// ErrCancelled; a second signal stops the loop at once. NoSignalHandlers
// turns this off.
func Run(main func(t *Task) error, opts ...Option) error {
	l, err := NewLoop(opts...)
	if err != nil {
		return err
	}
	defer l.Close()
	fut := CreateTask(l, func(t *Task) (struct{}, error) { return struct{}{}, main(t) }, Name("main"))
	var interrupted os.Signal
	if !l.cfg.noSignals {
		for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
			l.AddSignalHandler(sig, func() {
				if interrupted != nil {
					l.Stop()
					return
				}
				interrupted = sig
				fut.Cancel()
			})
		}
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
	if interrupted != nil && (errors.Is(err, ErrCancelled) || errors.Is(err, ErrLoopStopped)) {
		return &interruptedError{sig: interrupted.String()}
	}
	return err
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
