package aio

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// startLoop runs a real-clock loop forever on its own goroutine (seed 004:
// a loop in another thread fed by run_coroutine_threadsafe).
func startLoop(t *testing.T) *Loop {
	l, err := NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { l.RunForever(); close(done) }()
	t.Cleanup(func() {
		l.CallSoonThreadsafe(l.Stop)
		<-done
		l.Close()
	})
	return l
}

func TestCallSoonThreadsafeWakesLoop(t *testing.T) {
	l := startLoop(t)
	got := make(chan int, 100)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				l.CallSoonThreadsafe(func() { got <- g*100 + i })
			}
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for range 100 {
		seen[<-got] = true
	}
	if len(seen) != 100 {
		t.Fatalf("%d distinct callbacks ran", len(seen))
	}
}

func TestCallSoonThreadsafeKeepsPerGoroutineOrder(t *testing.T) {
	l := startLoop(t)
	got := make(chan int, 1000)
	for i := range 1000 {
		l.CallSoonThreadsafe(func() { got <- i })
	}
	for i := range 1000 {
		if v := <-got; v != i {
			t.Fatalf("callback %d ran in position %d", v, i)
		}
	}
}

func TestRunCoroutineThreadsafe(t *testing.T) {
	l := startLoop(t)
	cf, err := RunCoroutineThreadsafe(l, func(t *Task) (string, error) {
		if err := Sleep(t, time.Millisecond); err != nil {
			return "", err
		}
		return "title", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := cf.Result(context.Background())
	if v != "title" || err != nil {
		t.Fatalf("%q %v", v, err)
	}
	<-cf.Done()
	if cf.Cancel() {
		t.Fatal("Cancel after done returned true")
	}
}

func TestRunCoroutineThreadsafeTimeoutAndCancel(t *testing.T) {
	l := startLoop(t)
	cf, _ := RunCoroutineThreadsafe(l, func(t *Task) (int, error) {
		return 0, Sleep(t, time.Hour)
	})
	_, err := cf.ResultTimeout(time.Millisecond)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout error %v", err)
	}
	if !cf.Cancel() {
		t.Fatal("Cancel of a running task returned false")
	}
	if _, err := cf.ResultTimeout(NoTimeout); !errors.Is(err, ErrCancelled) {
		t.Fatalf("after cancel: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cf2, _ := RunCoroutineThreadsafe(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Hour) })
	if _, err := cf2.Result(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ctx: %v", err)
	}
	cf2.Cancel()
	<-cf2.Done()
}

func TestRunCoroutineThreadsafeOnClosedLoop(t *testing.T) {
	l, _ := NewLoop()
	l.Close()
	if _, err := RunCoroutineThreadsafe(l, func(t *Task) (int, error) { return 0, nil }); !errors.Is(err, ErrLoopClosed) {
		t.Fatalf("%v", err)
	}
}

// A loop closing under a pending threadsafe task completes its future with
// a cancellation instead of leaving the waiting goroutine hanging.
func TestCloseCompletesThreadsafeFutures(t *testing.T) {
	l, _ := NewLoop(WithExceptionHandler(func(*Loop, ExceptionContext) {}))
	cf, _ := RunCoroutineThreadsafe(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Hour) })
	l.CallSoon(func() { l.CallSoon(l.Stop) })
	l.RunForever()
	l.Close()
	if _, err := cf.ResultTimeout(NoTimeout); !errors.Is(err, ErrCancelled) {
		t.Fatalf("%v", err)
	}
}
