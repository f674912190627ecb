package aio

import (
	"runtime"
	"sync"
	"time"
)

// Executor runs blocking functions on a bounded pool of goroutines
// (concurrent.futures.ThreadPoolExecutor for [RunInExecutor]). Goroutines
// are started as work arrives, up to the bound; further work queues. An
// Executor may be used from any goroutine.
type Executor struct {
	mu      sync.Mutex
	cond    sync.Cond
	queue   []func()
	max     int
	workers int
	idle    int
	closed  bool
	wg      sync.WaitGroup
}

// NewExecutor makes an executor of at most max goroutines (at least 1).
func NewExecutor(max int) *Executor {
	if max < 1 {
		max = 1
	}
	e := &Executor{max: max}
	e.cond.L = &e.mu
	return e
}

// defaultExecutorSize is CPython's min(32, cpu+4) turned around: goroutines
// are cheap, so at least 32, more on big machines.
func defaultExecutorSize() int { return max(32, 4*runtime.GOMAXPROCS(0)) }

// Submit queues fn to run on one of the executor's goroutines. It returns
// [ErrExecutorShutdown] after Shutdown.
func (e *Executor) Submit(fn func()) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrExecutorShutdown
	}
	e.queue = append(e.queue, fn)
	switch {
	case e.idle > 0:
		// The job claims the idle worker now: it counts as idle until
		// it runs again, and a second Submit before then must not
		// count on it too.
		e.idle--
		e.cond.Signal()
	case e.workers < e.max:
		e.workers++
		e.wg.Add(1)
		go e.work()
	}
	return nil
}

func (e *Executor) work() {
	defer e.wg.Done()
	e.mu.Lock()
	for {
		for len(e.queue) == 0 && !e.closed {
			e.idle++ // Submit and Shutdown take it back when they wake us
			e.cond.Wait()
		}
		if len(e.queue) == 0 {
			e.workers--
			e.mu.Unlock()
			return
		}
		fn := e.queue[0]
		e.queue[0] = nil
		e.queue = e.queue[1:]
		e.mu.Unlock()
		fn()
		e.mu.Lock()
	}
}

// Shutdown stops the executor from taking work; queued work still runs.
// With wait, it returns once every goroutine has finished.
func (e *Executor) Shutdown(wait bool) bool { return e.ShutdownTimeout(wait, NoTimeout) }

// ShutdownTimeout is Shutdown with a bound on the wait: with wait, it
// returns true once every goroutine has finished, or false after timeout
// of real time. A timeout <= 0 does not wait, [NoTimeout] waits as long as
// it takes (the rule of every timeout in aio).
func (e *Executor) ShutdownTimeout(wait bool, timeout time.Duration) bool {
	e.mu.Lock()
	e.closed = true
	e.idle = 0
	e.cond.Broadcast()
	e.mu.Unlock()
	if !wait {
		return true
	}
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	if timeout == NoTimeout {
		<-done
		return true
	}
	t := time.NewTimer(max(timeout, 0))
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// DefaultExecutor returns the loop's default executor, made on first use
// with the size set by [ExecutorSize].
func (l *Loop) DefaultExecutor() *Executor {
	if l.executor == nil {
		n := l.cfg.executorSize
		if n <= 0 {
			n = defaultExecutorSize()
		}
		l.executor = NewExecutor(n)
	}
	return l.executor
}

// ToThread runs fn on the loop's default executor and suspends t until it
// returns (asyncio.to_thread). This is how blocking work — file IO, DNS,
// CPU-heavy code — runs without stalling the loop, and in parallel for
// real. A panic in fn becomes a *[PanicError].
//
// Cancellation: if t is cancelled while fn runs, ToThread returns an error
// matching [ErrCancelled] at once; fn cannot be interrupted, finishes in the
// background, and its result is dropped.
func ToThread[T any](t *Task, fn func() (T, error)) (T, error) {
	return RunInExecutor(t, nil, fn)
}

// RunInExecutor is [ToThread] on a given executor; nil means the loop's
// default (asyncio's loop.run_in_executor).
//
// Cancellation: as for ToThread.
func RunInExecutor[T any](t *Task, ex *Executor, fn func() (T, error)) (T, error) {
	l := t.fut.loop
	if ex == nil {
		ex = l.DefaultExecutor()
	}
	fut := NewFuture[T](l)
	l.external.Add(1)
	l.poller.YieldNext() // the job's goroutine should not wait for this loop's P
	err := ex.Submit(func() {
		v, err := callRecover(fn)
		// The in-flight count drops on the loop, once the result is
		// delivered, so a virtual clock never jumps while it is on its way.
		_, cerr := l.CallSoonThreadsafe(func() {
			l.external.Add(-1)
			if !fut.Done() {
				if err != nil {
					fut.SetErr(err)
				} else {
					fut.SetResult(v)
				}
			}
		})
		if cerr != nil {
			l.external.Add(-1)
		}
	})
	if err != nil {
		l.external.Add(-1)
		var zero T
		return zero, err
	}
	return Await(t, fut)
}

func callRecover[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
	}()
	return fn()
}
