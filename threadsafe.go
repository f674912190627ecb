package aio

import (
	"context"
	"sync"
	"time"
)

// ConcurrentFuture is the result of [RunCoroutineThreadsafe]: a task running
// on a loop, awaited from another goroutine (concurrent.futures.Future).
// All its methods may be called from any goroutine.
type ConcurrentFuture[T any] struct {
	loop *Loop
	done chan struct{}
	val  T
	err  error

	mu        sync.Mutex
	task      *Task // set on the loop once the task exists
	cancelled bool  // Cancel came before the task existed
}

// RunCoroutineThreadsafe starts fn as a task on l from any goroutine and
// returns a future to wait on from there (asyncio's
// run_coroutine_threadsafe). It returns [ErrLoopClosed] if l is closed. If
// the loop closes before the task ends, the task is cancelled and the
// future completes with that cancellation.
func RunCoroutineThreadsafe[T any](l *Loop, fn func(t *Task) (T, error)) (*ConcurrentFuture[T], error) {
	cf := &ConcurrentFuture[T]{loop: l, done: make(chan struct{})}
	_, err := l.CallSoonThreadsafe(func() {
		fut := CreateTask(l, fn)
		cf.mu.Lock()
		cf.task = fut.task
		cancel := cf.cancelled
		cf.mu.Unlock()
		if cancel {
			fut.Cancel()
		}
		fut.AddDoneCallback(func(f *Future[T]) {
			cf.val, cf.err = f.Result()
			close(cf.done)
			l.poller.YieldNext() // the goroutine waiting on it should run soon
		})
	})
	if err != nil {
		return nil, err
	}
	return cf, nil
}

// Done returns a channel closed when the task has finished.
func (c *ConcurrentFuture[T]) Done() <-chan struct{} { return c.done }

// Result waits until the task finishes or ctx is done, and returns the
// task's result or ctx's error. It does not cancel the task when ctx ends.
func (c *ConcurrentFuture[T]) Result(ctx context.Context) (T, error) {
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// ResultTimeout waits up to d of real time for the task's result: a d <=
// 0 does not wait, [NoTimeout] waits as long as it takes
// (concurrent.futures' result(timeout=0) and result(timeout=None)). When
// the time runs out it returns a *[TimeoutError] (matching [ErrTimeout] and
// [context.DeadlineExceeded]), and the task goes on.
func (c *ConcurrentFuture[T]) ResultTimeout(d time.Duration) (T, error) {
	if d == NoTimeout {
		<-c.done
		return c.val, c.err
	}
	if d <= 0 {
		select {
		case <-c.done:
			return c.val, c.err
		default:
			var zero T
			return zero, &TimeoutError{}
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
		return c.val, c.err
	case <-t.C:
		var zero T
		return zero, &TimeoutError{}
	}
}

// Cancel asks the loop to cancel the task (see [Task.Cancel]). It reports
// false if the task has finished or the loop is closed.
func (c *ConcurrentFuture[T]) Cancel() bool {
	select {
	case <-c.done:
		return false
	default:
	}
	_, err := c.loop.CallSoonThreadsafe(func() {
		c.mu.Lock()
		t := c.task
		if t == nil {
			c.cancelled = true
		}
		c.mu.Unlock()
		if t != nil {
			t.Cancel()
		}
	})
	return err == nil
}
