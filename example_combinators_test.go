package aio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// The examples run on the virtual clock, so their sleeps take no real
// time; drop the option in a program.
var exOpts = []aio.Option{aio.VirtualClock(), aio.NoSignalHandlers()}

// exWork returns a task body that sleeps d and returns v.
func exWork[T any](d time.Duration, v T) func(t *aio.Task) (T, error) {
	return func(t *aio.Task) (T, error) {
		if err := aio.Sleep(t, d); err != nil {
			var zero T
			return zero, err
		}
		return v, nil
	}
}

func ExampleGather() {
	aio.Run(func(t *aio.Task) error {
		a := aio.Spawn(t, exWork(2*time.Second, "a"))
		b := aio.Spawn(t, exWork(1*time.Second, "b"))
		words, err := aio.Gather(t, a, b) // in argument order, after 2 s
		fmt.Println(words, err, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: [a b] <nil> 2s
}

func ExampleGatherSettled() {
	aio.Run(func(t *aio.Task) error {
		ok := aio.Spawn(t, exWork(time.Second, 1))
		bad := aio.Spawn(t, func(t *aio.Task) (int, error) { return 0, errors.New("boom") })
		res, _ := aio.GatherSettled(t, ok, bad) // return_exceptions=True
		for _, r := range res {
			fmt.Println(r.Value, r.Err)
		}
		return nil
	}, exOpts...)
	// Output:
	// 1 <nil>
	// 0 boom
}

// A gather as a future can be cancelled as a group: its tasks are
// cancelled, other groups go on (seed 001).
func ExampleGatherFuture() {
	aio.Run(func(t *aio.Task) error {
		group1 := aio.GatherFuture(t.Loop(), aio.Spawn(t, exWork(time.Second, 1)), aio.Spawn(t, exWork(time.Second, 2)))
		group2 := aio.GatherFuture(t.Loop(), aio.Spawn(t, exWork(time.Second, 3)))
		group2.Cancel()
		_, err := aio.Await(t, group2)
		fmt.Println("group2:", errors.Is(err, aio.ErrCancelled))
		v, err := aio.Await(t, group1)
		fmt.Println("group1:", v, err)
		return nil
	}, exOpts...)
	// Output:
	// group2: true
	// group1: [1 2] <nil>
}

func ExampleWait() {
	aio.Run(func(t *aio.Task) error {
		fast := aio.Spawn(t, exWork(time.Second, "fast"))
		slow := aio.Spawn(t, exWork(5*time.Second, "slow"))
		done, pending, _ := aio.Wait(t, []*aio.Future[string]{fast, slow}, aio.FirstCompleted, aio.NoTimeout)
		fmt.Println(len(done), len(pending), done[0] == fast) // nothing is cancelled
		v, _ := aio.Await(t, slow)
		fmt.Println(v)
		return nil
	}, exOpts...)
	// Output:
	// 1 1 true
	// slow
}

func ExampleWaitFor() {
	aio.Run(func(t *aio.Task) error {
		slow := aio.Spawn(t, exWork(time.Hour, "slow"))
		_, err := aio.WaitFor(t, slow, time.Second)
		fmt.Println(errors.Is(err, aio.ErrTimeout), errors.Is(err, context.DeadlineExceeded), slow.Cancelled())
		return nil
	}, exOpts...)
	// Output: true true true
}

func ExampleShield() {
	aio.Run(func(t *aio.Task) error {
		save := aio.Spawn(t, exWork(3*time.Second, "saved"))
		// The caller gives up after a second; the work it shielded goes on.
		_, err := aio.WaitFor(t, aio.Shield(save), time.Second)
		fmt.Println(errors.Is(err, aio.ErrTimeout), save.Done())
		v, _ := aio.Await(t, save)
		fmt.Println(v, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output:
	// true false
	// saved 3s
}

func ExampleAsCompleted() {
	aio.Run(func(t *aio.Task) error {
		fs := []*aio.Future[int]{
			aio.Spawn(t, exWork(3*time.Second, 3)),
			aio.Spawn(t, exWork(1*time.Second, 1)),
			aio.Spawn(t, exWork(2*time.Second, 2)),
		}
		for v, err := range aio.AsCompleted(t, fs, aio.NoTimeout) {
			fmt.Println(v, err)
		}
		return nil
	}, exOpts...)
	// Output:
	// 1 <nil>
	// 2 <nil>
	// 3 <nil>
}

func ExampleGroup() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Group(t, func(t *aio.Task, g *aio.TaskGroup) error {
			g.Go(func(t *aio.Task) error {
				err := aio.Sleep(t, time.Hour)
				fmt.Println("long task:", err) // cancelled when the other fails
				return err
			})
			g.Go(func(t *aio.Task) error {
				aio.Sleep(t, time.Second)
				return errors.New("boom")
			})
			return nil
		})
		fmt.Println("group:", err, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output:
	// long task: aio: cancelled: task group aborted
	// group: boom 1s
}

func ExampleSpawnIn() {
	aio.Run(func(t *aio.Task) error {
		var a, b *aio.Future[int]
		err := aio.Group(t, func(t *aio.Task, g *aio.TaskGroup) error {
			var err error
			if a, err = aio.SpawnIn(g, exWork(time.Second, 1)); err != nil {
				return err // the group is aborting: a task failed already
			}
			b, err = aio.SpawnIn(g, exWork(2*time.Second, 2))
			return err
		})
		if err != nil {
			return err
		}
		// Group returned: every task in it is done.
		va, _ := a.Result()
		vb, _ := b.Result()
		fmt.Println(va+vb, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: 3 2s
}

func ExampleTimeout() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Timeout(t, time.Second, func(t *aio.Task) error {
			return aio.Sleep(t, time.Hour)
		})
		fmt.Println(errors.Is(err, aio.ErrTimeout), t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: true 1s
}

// Inside a cancelled scope, cancellation is level-triggered: a body that
// ignores one cancellation error is interrupted again at its next await.
func ExampleTimeout_levelTriggered() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Timeout(t, time.Second, func(t *aio.Task) error {
			aio.Sleep(t, time.Hour) // error ignored
			return aio.Sleep(t, time.Hour)
		})
		fmt.Println(err, t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: aio: timeout 1s
}

func ExampleScope() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Scope(t, func(t *aio.Task, s *aio.CancelScope) error {
			s.Reschedule(t.Loop().Time() + time.Second)
			aio.Sleep(t, 500*time.Millisecond)
			s.Reschedule(t.Loop().Time() + 2*time.Second) // more time
			return aio.Sleep(t, time.Hour)
		})
		fmt.Println(errors.Is(err, aio.ErrTimeout), t.Loop().Time())
		return nil
	}, exOpts...)
	// Output: true 2.5s
}

func ExampleShielded() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Timeout(t, time.Second, func(t *aio.Task) error {
			err := aio.Sleep(t, time.Hour)
			// Cleanup that must await, although the scope is cancelled:
			cerr := aio.Shielded(t, func(t *aio.Task) error { return aio.Sleep(t, time.Second) })
			fmt.Println("cleanup:", cerr, t.Loop().Time())
			return err
		})
		fmt.Println(errors.Is(err, aio.ErrTimeout))
		return nil
	}, exOpts...)
	// Output:
	// cleanup: <nil> 2s
	// true
}

func ExampleJoinSet() {
	aio.Run(func(t *aio.Task) error {
		set := aio.NewJoinSet[string](t)
		defer set.Shutdown(t)
		set.Spawn(exWork(2*time.Second, "second"))
		set.Spawn(exWork(1*time.Second, "first"))
		for set.Len() > 0 {
			f, err := set.JoinNext(t)
			if err != nil {
				return err
			}
			v, _ := f.Result()
			fmt.Println(v)
		}
		return nil
	}, exOpts...)
	// Output:
	// first
	// second
}

func ExampleTask_Context() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Timeout(t, time.Second, func(t *aio.Task) error {
			ctx := t.Context() // for a Go library that takes a context
			aio.Sleep(t, 2*time.Second)
			fmt.Println(ctx.Err(), errors.Is(context.Cause(ctx), aio.ErrTimeout))
			return nil
		})
		fmt.Println(err)
		return nil
	}, exOpts...)
	// Output:
	// context canceled true
	// <nil>
}
