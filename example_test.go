package aio_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// Two tasks sleep concurrently: both are done after 2 s of loop time, not
// 3. The virtual clock makes the example instant.
func ExampleRun() {
	err := aio.Run(func(t *aio.Task) error {
		say := func(d time.Duration, what string) func(*aio.Task) (string, error) {
			return func(t *aio.Task) (string, error) {
				if err := aio.Sleep(t, d); err != nil {
					return "", err
				}
				fmt.Println(what)
				return what, nil
			}
		}
		hello := aio.Spawn(t, say(time.Second, "hello"))
		world := aio.Spawn(t, say(2*time.Second, "world"))
		if _, err := aio.Await(t, hello); err != nil {
			return err
		}
		if _, err := aio.Await(t, world); err != nil {
			return err
		}
		fmt.Println("elapsed", t.Loop().Time())
		return nil
	}, aio.VirtualClock())
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// hello
	// world
	// elapsed 2s
}

// Cancelling a task makes the await it is suspended in return an error
// matching ErrCancelled; returning it ends the task cancelled.
func ExampleTask_Cancel() {
	aio.Run(func(t *aio.Task) error {
		worker := aio.Spawn(t, func(t *aio.Task) (int, error) {
			if err := aio.Sleep(t, time.Hour); err != nil {
				fmt.Println("worker:", err)
				return 0, err
			}
			return 1, nil
		})
		aio.Sleep(t, time.Second)
		worker.CancelWith("shutting down")
		_, err := aio.Await(t, worker)
		fmt.Println("cancelled:", errors.Is(err, aio.ErrCancelled), worker.Cancelled())
		return nil
	}, aio.VirtualClock())
	// Output:
	// worker: aio: cancelled: shutting down
	// cancelled: true true
}

// A loop driven by hand, as with asyncio's get_event_loop: callbacks at
// times on the loop's clock, a handle cancelled before it fires.
func ExampleLoop_CallLater() {
	l, _ := aio.NewLoop(aio.VirtualClock())
	defer l.Close()
	l.CallSoon(func() { fmt.Println(l.Time(), "soon") })
	l.CallLater(2*time.Second, func() { fmt.Println(l.Time(), "later") })
	h := l.CallLater(time.Second, func() { fmt.Println("never") })
	l.CallAt(3*time.Second, func() { fmt.Println(l.Time(), "at 3s"); l.Stop() })
	h.Cancel()
	l.RunForever()
	// Output:
	// 0s soon
	// 2s later
	// 3s at 3s
}

// A future set from a callback, awaited by a task.
func ExampleNewFuture() {
	l, _ := aio.NewLoop(aio.VirtualClock())
	defer l.Close()
	f := aio.NewFuture[string](l)
	l.CallLater(time.Second, func() { f.SetResult("ready") })
	v, err := aio.RunUntilComplete(l, aio.CreateTask(l, func(t *aio.Task) (string, error) {
		return aio.Await(t, f)
	}))
	fmt.Println(v, err, l.Time())
	// Output: ready <nil> 1s
}

// Blocking work runs on the executor, in parallel for real, while the loop
// goes on.
func ExampleToThread() {
	aio.Run(func(t *aio.Task) error {
		sum, err := aio.ToThread(t, func() (int, error) {
			s := 0
			for i := range 1000 {
				s += i
			}
			return s, nil
		})
		fmt.Println(sum, err)
		return nil
	})
	// Output: 499500 <nil>
}

// A loop running on its own goroutine, fed from another one
// (asyncio.run_coroutine_threadsafe).
func ExampleRunCoroutineThreadsafe() {
	l, _ := aio.NewLoop()
	done := make(chan struct{})
	go func() { l.RunForever(); close(done) }()

	cf, _ := aio.RunCoroutineThreadsafe(l, func(t *aio.Task) (string, error) {
		if err := aio.Sleep(t, time.Millisecond); err != nil {
			return "", err
		}
		return "from the loop", nil
	})
	v, err := cf.ResultTimeout(10 * time.Second)
	fmt.Println(v, err)

	l.CallSoonThreadsafe(l.Stop)
	<-done
	l.Close()
	// Output: from the loop <nil>
}
