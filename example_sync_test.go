package aio_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

func ExampleLock() {
	aio.Run(func(t *aio.Task) error {
		var mu aio.Lock
		balance := 100
		withdraw := func(t *aio.Task) error {
			if err := mu.Acquire(t); err != nil {
				return err
			}
			defer mu.Release()
			b := balance
			if err := aio.Sleep(t, time.Second); err != nil { // suspends while holding the lock
				return err
			}
			balance = b - 10
			return nil
		}
		aio.Group(t, func(t *aio.Task, g *aio.TaskGroup) error {
			for range 3 {
				g.Go(withdraw)
			}
			return nil
		})
		fmt.Println(balance, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: 70 3s
}

func ExampleEvent() {
	aio.Run(func(t *aio.Task) error {
		var ready aio.Event
		waiter := aio.Spawn(t, func(t *aio.Task) (string, error) {
			if err := ready.Wait(t); err != nil {
				return "", err
			}
			return fmt.Sprint("ready at ", t.Loop().Time()), nil
		})
		aio.Sleep(t, time.Second)
		ready.Set()
		fmt.Println(aio.Await(t, waiter))
		return nil
	}, exOpts...)
	// Output: ready at 1s <nil>
}

func ExampleCondition() {
	aio.Run(func(t *aio.Task) error {
		c := aio.NewCondition(nil)
		var items []string
		consumer := aio.Spawn(t, func(t *aio.Task) (string, error) {
			if err := c.Acquire(t); err != nil {
				return "", err
			}
			defer c.Release()
			if err := c.WaitFor(t, func() bool { return len(items) > 0 }); err != nil {
				return "", err
			}
			return items[0], nil
		})
		aio.Sleep(t, time.Second)
		c.Acquire(t)
		items = append(items, "item")
		c.Notify(1)
		c.Release()
		fmt.Println(aio.Await(t, consumer))
		return nil
	}, exOpts...)
	// Output: item <nil>
}

func ExampleSemaphore() {
	aio.Run(func(t *aio.Task) error {
		sem := aio.NewSemaphore(2) // at most two at a time
		var fs []*aio.Future[time.Duration]
		for range 4 {
			fs = append(fs, aio.Spawn(t, func(t *aio.Task) (time.Duration, error) {
				if err := sem.Acquire(t); err != nil {
					return 0, err
				}
				defer sem.Release()
				start := t.Loop().Time()
				return start, aio.Sleep(t, time.Second)
			}))
		}
		starts, _ := aio.Gather(t, fs...)
		fmt.Println(starts)
		return nil
	}, exOpts...)
	// Output: [0s 0s 1s 1s]
}

func ExampleBoundedSemaphore() {
	sem := aio.NewBoundedSemaphore(1)
	fmt.Println(sem.Release()) // a release without an acquire is caught
	// Output: aio: BoundedSemaphore released too many times
}

func ExampleBarrier() {
	aio.Run(func(t *aio.Task) error {
		b := aio.NewBarrier(3)
		var fs []*aio.Future[string]
		for i := range 3 {
			fs = append(fs, aio.Spawn(t, func(t *aio.Task) (string, error) {
				aio.Sleep(t, time.Duration(i+1)*time.Second)
				if _, err := b.Wait(t); err != nil {
					return "", err
				}
				return fmt.Sprint(t.Loop().Time()), nil // all pass together
			}))
		}
		fmt.Println(aio.Gather(t, fs...))
		return nil
	}, exOpts...)
	// Output: [3s 3s 3s] <nil>
}

// The producer/consumer of seed 000, with two tasks and a queue.
func ExampleQueue() {
	aio.Run(func(t *aio.Task) error {
		q := aio.NewQueue[int](1)
		consumer := aio.Spawn(t, func(t *aio.Task) (int, error) {
			sum := 0
			for {
				n, err := q.Get(t)
				if errors.Is(err, aio.ErrQueueShutdown) {
					return sum, nil
				}
				if err != nil {
					return 0, err
				}
				fmt.Println("consume", n)
				sum += n
				q.TaskDone()
			}
		})
		for n := 1; n <= 3; n++ {
			fmt.Println("produce", n)
			if err := q.Put(t, n); err != nil {
				return err
			}
		}
		q.Join(t) // every item processed
		q.Shutdown(false)
		fmt.Println(aio.Await(t, consumer))
		return nil
	}, exOpts...)
	// Output:
	// produce 1
	// produce 2
	// consume 1
	// produce 3
	// consume 2
	// consume 3
	// 6 <nil>
}

func ExampleNewPriorityQueue() {
	q := aio.NewPriorityQueue(0, func(a, b int) bool { return a < b })
	for _, n := range []int{3, 1, 2} {
		q.PutNowait(n)
	}
	for !q.Empty() {
		n, _ := q.GetNowait()
		fmt.Print(n, " ")
	}
	_, err := q.GetNowait()
	fmt.Println(err)
	// Output: 1 2 3 aio: queue is empty
}
