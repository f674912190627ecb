package aio

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// spawnAll starts the bodies as tasks, in order, and returns their futures.
func spawnAll(t *Task, bodies ...func(*Task) (int, error)) []*Future[int] {
	var fs []*Future[int]
	for _, b := range bodies {
		fs = append(fs, Spawn(t, b))
	}
	return fs
}

func TestLockFIFO(t *testing.T) {
	l := newTestLoop(t)
	var order []string
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var mu Lock
		worker := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := mu.Acquire(t); err != nil {
					return 0, err
				}
				defer mu.Release()
				order = append(order, name)
				return 0, Sleep(t, time.Second)
			}
		}
		fs := spawnAll(t, worker("a"), worker("b"), worker("c"))
		Sleep(t, 0)
		// The lock is free for a moment after each release, but the next
		// waiter has it: a newcomer queues behind.
		_, err := Gather(t, append(fs, Spawn(t, worker("d")))...)
		return 0, err
	})
	if err != nil || !slices.Equal(order, []string{"a", "b", "c", "d"}) || l.Time() != 4*time.Second {
		t.Fatalf("%v %v at %v", order, err, l.Time())
	}
}

// TestLockCancelledWaiter: a waiter cancelled while waiting, and one
// cancelled right after the lock was handed to it, leave the lock to the
// next waiter: nothing is leaked, no wake-up is lost.
func TestLockCancelledWaiter(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var mu Lock
		mu.Acquire(t)
		var got []string
		waiter := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := mu.Acquire(t); err != nil {
					got = append(got, name+" cancelled")
					return 0, err
				}
				got = append(got, name+" acquired")
				mu.Release()
				return 0, nil
			}
		}
		fs := spawnAll(t, waiter("a"), waiter("b"), waiter("c"))
		Sleep(t, 0)
		fs[0].Cancel() // cancelled while waiting
		Sleep(t, 0)
		mu.Release()   // hands the lock to b...
		fs[1].Cancel() // ...which is cancelled before it runs
		GatherSettled(t, fs...)
		if want := []string{"a cancelled", "b cancelled", "c acquired"}; !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v", got)
		}
		if mu.Locked() || mu.waiters.len() != 0 {
			return 0, errors.New("the lock leaked")
		}
		if !mu.TryAcquire() {
			return 0, errors.New("TryAcquire failed on a free lock")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLockReleaseUnlockedPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	var mu Lock
	mu.Release()
}

func TestEvent(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var ev Event
		var woke []string
		waiter := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := ev.Wait(t); err != nil {
					return 0, err
				}
				woke = append(woke, fmt.Sprintf("%s@%v", name, l.Time()))
				return 0, nil
			}
		}
		fs := spawnAll(t, waiter("a"), waiter("b"), waiter("c"))
		Sleep(t, time.Second)
		fs[1].Cancel()
		Sleep(t, time.Second)
		ev.Set()
		fs[2].Cancel() // woken already: cancelled at its resumption, the event stays set
		GatherSettled(t, fs...)
		if !slices.Equal(woke, []string{"a@2s"}) || !ev.IsSet() || !fs[1].Cancelled() || !fs[2].Cancelled() {
			return 0, fmt.Errorf("woke %v", woke)
		}
		if err := ev.Wait(t); err != nil {
			return 0, err
		}
		ev.Clear()
		if err := eventWaitTimeout(t, &ev, time.Second); !errors.Is(err, ErrTimeout) {
			return 0, fmt.Errorf("cleared event: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eventWaitTimeout waits for ev with a timeout.
func eventWaitTimeout(t *Task, ev *Event, d time.Duration) error {
	return Timeout(t, d, func(t *Task) error { return ev.Wait(t) })
}

func TestConditionNotify(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		c := NewCondition(nil)
		items := 0
		var got []string
		consumer := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := c.Acquire(t); err != nil {
					return 0, err
				}
				defer c.Release()
				if err := c.WaitFor(t, func() bool { return items > 0 }); err != nil {
					return 0, err
				}
				items--
				got = append(got, fmt.Sprintf("%s@%v", name, l.Time()))
				return 0, nil
			}
		}
		fs := spawnAll(t, consumer("a"), consumer("b"), consumer("c"))
		for i := range 3 {
			Sleep(t, time.Second)
			c.Acquire(t)
			items++
			if i < 2 {
				c.Notify(1)
			} else {
				c.NotifyAll()
			}
			c.Release()
		}
		_, err := Gather(t, fs...)
		if want := []string{"a@1s", "b@2s", "c@3s"}; !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v", got)
		}
		return 0, err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConditionCancelledAfterNotify: a waiter cancelled after it was
// notified passes the notification on (CPython 3.13), and returns with
// the lock held.
func TestConditionCancelledAfterNotify(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		c := NewCondition(nil)
		var got []string
		waiter := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				c.Acquire(t)
				defer c.Release()
				err := c.Wait(t)
				got = append(got, fmt.Sprintf("%s %v locked=%v", name, err, c.Locked()))
				return 0, err
			}
		}
		fs := spawnAll(t, waiter("a"), waiter("b"))
		Sleep(t, 0)
		c.Acquire(t)
		c.Notify(1) // a is notified...
		fs[0].Cancel()
		c.Release() // ...and cancelled: b gets the notification
		GatherSettled(t, fs...)
		want := []string{"a aio: cancelled locked=true", "b <nil> locked=true"}
		if !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %q", got)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConditionWaitInCancelledScope: the lock is re-acquired even inside
// a cancelled scope, where every await fails.
func TestConditionWaitInCancelledScope(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		c := NewCondition(nil)
		holder := Spawn(t, func(t *Task) (int, error) {
			Sleep(t, 500*time.Millisecond)
			c.Acquire(t)
			Sleep(t, 2*time.Second) // holds the lock when the timeout fires
			c.Release()
			return 0, nil
		})
		var locked bool
		err := Timeout(t, time.Second, func(t *Task) error {
			c.Acquire(t)
			err := c.Wait(t)
			locked = c.Locked()
			c.Release()
			return err
		})
		if !errors.Is(err, ErrTimeout) || !locked || l.Time() != 2500*time.Millisecond {
			return 0, fmt.Errorf("err %v locked %v at %v", err, locked, l.Time())
		}
		return Await(t, holder)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSemaphore(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		sem := NewSemaphore(2)
		active, peak := 0, 0
		var order []int
		worker := func(i int) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := sem.Acquire(t); err != nil {
					return 0, err
				}
				defer sem.Release()
				order = append(order, i)
				active++
				peak = max(peak, active)
				err := Sleep(t, time.Second)
				active--
				return 0, err
			}
		}
		var fs []*Future[int]
		for i := range 5 {
			fs = append(fs, Spawn(t, worker(i)))
		}
		_, err := Gather(t, fs...)
		if err != nil || peak != 2 || !slices.Equal(order, []int{0, 1, 2, 3, 4}) || l.Time() != 3*time.Second || sem.Value() != 2 {
			return 0, fmt.Errorf("err %v peak %d order %v at %v value %d", err, peak, order, l.Time(), sem.Value())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSemaphoreCancelledWaiter: a permit handed to a waiter that is
// cancelled before it runs goes to the next waiter, and the count stays
// right.
func TestSemaphoreCancelledWaiter(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		sem := NewSemaphore(1)
		sem.Acquire(t)
		var got []string
		waiter := func(name string) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				if err := sem.Acquire(t); err != nil {
					got = append(got, name+" cancelled")
					return 0, err
				}
				got = append(got, name+" acquired")
				sem.Release()
				return 0, nil
			}
		}
		fs := spawnAll(t, waiter("a"), waiter("b"), waiter("c"))
		Sleep(t, 0)
		fs[0].Cancel()
		Sleep(t, 0)
		if !sem.Locked() {
			return 0, errors.New("Locked is false with waiters")
		}
		sem.Release()  // the permit goes to b...
		fs[1].Cancel() // ...which is cancelled before it runs
		GatherSettled(t, fs...)
		if want := []string{"a cancelled", "b cancelled", "c acquired"}; !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v", got)
		}
		if sem.Value() != 1 || sem.Locked() {
			return 0, fmt.Errorf("value %d locked %v: a permit leaked", sem.Value(), sem.Locked())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBoundedSemaphore(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		sem := NewBoundedSemaphore(1)
		if err := sem.Release(); err != ErrSemaphoreReleased {
			return 0, fmt.Errorf("over-release: %v", err)
		}
		sem.Acquire(t)
		if sem.TryAcquire() {
			return 0, errors.New("TryAcquire beyond the bound")
		}
		if err := sem.Release(); err != nil || sem.Value() != 1 {
			return 0, fmt.Errorf("release: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBarrier(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		b := NewBarrier(3)
		var got []string
		party := func(name string, d time.Duration) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				for round := range 2 {
					Sleep(t, d)
					i, err := b.Wait(t)
					if err != nil {
						return 0, err
					}
					got = append(got, fmt.Sprintf("r%d %s#%d@%v", round, name, i, l.Time()))
				}
				return 0, nil
			}
		}
		_, err := Gather(t, spawnAll(t, party("a", time.Second), party("b", 2*time.Second), party("c", 3*time.Second))...)
		want := []string{"r0 c#2@3s", "r0 a#0@3s", "r0 b#1@3s", "r1 c#2@6s", "r1 a#0@6s", "r1 b#1@6s"}
		if err != nil || !slices.Equal(got, want) {
			return 0, fmt.Errorf("%v\n%v", err, got)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBarrierAbortResetCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		b := NewBarrier(3)
		wait := func(t *Task) (int, error) { return b.Wait(t) }
		fs := spawnAll(t, wait, wait)
		Sleep(t, 0)
		if b.Waiting() != 2 {
			return 0, fmt.Errorf("waiting %d", b.Waiting())
		}
		fs[0].Cancel()
		Sleep(t, 0)
		if b.Waiting() != 1 {
			return 0, fmt.Errorf("a cancelled waiter still counts: %d", b.Waiting())
		}
		b.Abort()
		if _, err := Await(t, fs[1]); err != ErrBrokenBarrier || !b.Broken() {
			return 0, fmt.Errorf("abort: %v", err)
		}
		if _, err := b.Wait(t); err != ErrBrokenBarrier {
			return 0, fmt.Errorf("wait on a broken barrier: %v", err)
		}
		b.Reset()
		fs = spawnAll(t, wait)
		Sleep(t, 0)
		b.Reset() // breaks the waiting round
		if _, err := Await(t, fs[0]); err != ErrBrokenBarrier {
			return 0, fmt.Errorf("reset: %v", err)
		}
		fs = spawnAll(t, wait, wait, wait)
		res, err := Gather(t, fs...)
		if err != nil || !slices.Equal(res, []int{0, 1, 2}) || b.Parties() != 3 {
			return 0, fmt.Errorf("after reset: %v %v", res, err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
