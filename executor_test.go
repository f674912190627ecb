package aio

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestToThreadReturnsResult(t *testing.T) {
	l := newTestLoop(t)
	v, err := runMain(t, l, func(t *Task) (int, error) {
		return ToThread(t, func() (int, error) { return 6 * 7, nil })
	})
	if v != 42 || err != nil {
		t.Fatalf("%v %v", v, err)
	}
}

func TestToThreadPanicBecomesError(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		return ToThread(t, func() (int, error) { panic("in thread") })
	})
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "in thread" {
		t.Fatalf("%v", err)
	}
}

// Functions run in parallel for real: n of them block until all n have
// started, which only completes if they run at the same time.
func TestToThreadRunsInParallelUpToTheBound(t *testing.T) {
	const n = 8
	l := newTestLoop(t, ExecutorSize(n))
	var running, peak atomic.Int32
	var barrier sync.WaitGroup
	barrier.Add(n)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		futs := make([]*Future[int], 2*n)
		for i := range futs {
			futs[i] = Spawn(t, func(t *Task) (int, error) {
				return ToThread(t, func() (int, error) {
					c := running.Add(1)
					for {
						p := peak.Load()
						if c <= p || peak.CompareAndSwap(p, c) {
							break
						}
					}
					if i < n {
						barrier.Done()
						barrier.Wait()
					}
					running.Add(-1)
					return i, nil
				})
			})
		}
		for i, f := range futs {
			if v, err := Await(t, f); v != i || err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != n {
		t.Fatalf("peak concurrency %d, want exactly the bound %d", p, n)
	}
}

func TestToThreadCancelReturnsAtOnce(t *testing.T) {
	l := newTestLoop(t)
	release := make(chan struct{})
	finished := make(chan struct{})
	_, err := runMain(t, l, func(t *Task) (int, error) {
		f := Spawn(t, func(t *Task) (int, error) {
			return ToThread(t, func() (int, error) {
				<-release
				close(finished)
				return 1, nil
			})
		})
		Sleep(t, 0)
		Sleep(t, 0)
		f.Cancel()
		_, err := Await(t, f)
		if !errors.Is(err, ErrCancelled) {
			return 0, err
		}
		select {
		case <-finished:
			return 0, errors.New("the function finished before the cancel returned")
		default:
		}
		return 0, nil
	})
	close(release)
	<-finished
	if err != nil {
		t.Fatal(err)
	}
}

func TestExecutorShutdown(t *testing.T) {
	e := NewExecutor(2)
	var ran atomic.Int32
	for range 10 {
		if err := e.Submit(func() { ran.Add(1) }); err != nil {
			t.Fatal(err)
		}
	}
	if !e.Shutdown(true) || ran.Load() != 10 {
		t.Fatalf("queued work dropped: %d ran", ran.Load())
	}
	if err := e.Submit(func() {}); !errors.Is(err, ErrExecutorShutdown) {
		t.Fatalf("Submit after shutdown: %v", err)
	}
	block := make(chan struct{})
	e2 := NewExecutor(1)
	e2.Submit(func() { <-block })
	if e2.ShutdownTimeout(true, time.Millisecond) {
		t.Fatal("ShutdownTimeout reported done while a job blocks")
	}
	close(block)
	e2.Shutdown(true)
}

func TestRunWaitsForExecutorAndReleasesGoroutines(t *testing.T) {
	check := checkNoGoroutineLeak(t)
	var done atomic.Bool
	err := Run(func(t *Task) error {
		_, err := ToThread(t, func() (int, error) { done.Store(true); return 0, nil })
		return err
	}, NoSignalHandlers())
	if err != nil || !done.Load() {
		t.Fatal(err)
	}
	check()
}
