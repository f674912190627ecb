package aio

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// sleepy returns a task body that sleeps d and returns v (or err).
func sleepy[T any](d time.Duration, v T, err error) func(*Task) (T, error) {
	return func(t *Task) (T, error) {
		if e := Sleep(t, d); e != nil {
			var zero T
			return zero, e
		}
		return v, err
	}
}

// evTrace records events with the loop time, for tests of ordering.
type evTrace struct {
	l   *Loop
	evs []string
}

func (tr *evTrace) add(format string, args ...any) {
	tr.evs = append(tr.evs, fmt.Sprintf("%v %s", tr.l.Time(), fmt.Sprintf(format, args...)))
}

func (tr *evTrace) String() string { return strings.Join(tr.evs, "\n") }

func (tr *evTrace) check(t *testing.T, want ...string) {
	t.Helper()
	if got := strings.Join(tr.evs, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("trace:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestGatherOrderAndConcurrency(t *testing.T) {
	l := newTestLoop(t)
	got, err := runMain(t, l, func(t *Task) ([]string, error) {
		a := Spawn(t, sleepy(3*time.Second, "a", nil))
		b := Spawn(t, sleepy(1*time.Second, "b", nil))
		c := Spawn(t, sleepy(2*time.Second, "c", nil))
		return Gather(t, a, b, c)
	})
	if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("%v %v", got, err)
	}
	if l.Time() != 3*time.Second {
		t.Fatalf("took %v, want 3s", l.Time())
	}
}

func TestGatherFirstErrorOthersGoOn(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	var slow *Future[int]
	_, err := runMain(t, l, func(t *Task) (int, error) {
		slow = Spawn(t, sleepy(5*time.Second, 1, nil))
		bad := Spawn(t, sleepy(time.Second, 0, boom))
		_, err := Gather(t, slow, bad)
		if err != boom {
			return 0, fmt.Errorf("gather: %v", err)
		}
		if l.Time() != time.Second || slow.Done() {
			return 0, fmt.Errorf("gather returned at %v, slow done %v", l.Time(), slow.Done())
		}
		return Await(t, slow) // not cancelled: it still completes
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := slow.Result(); v != 1 || err != nil {
		t.Fatalf("slow: %v %v", v, err)
	}
}

func TestGatherChildCancelledAloneCountsAsError(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, sleepy(5*time.Second, 1, nil))
		b := Spawn(t, sleepy(5*time.Second, 2, nil))
		CreateTask(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Second) }).AddDoneCallback(func(*Future[int]) { b.Cancel() })
		_, err := Gather(t, a, b)
		if !errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("gather: %v, want a cancellation", err)
		}
		if t.Cancelling() != 0 {
			return 0, fmt.Errorf("the gathering task was not cancelled, Cancelling = %d", t.Cancelling())
		}
		if a.Done() || !b.Cancelled() {
			return 0, fmt.Errorf("a done %v, b cancelled %v", a.Done(), b.Cancelled())
		}
		return Await(t, a) // a was not cancelled
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGatherCancelledCancelsChildren pins asyncio's rule: cancelling the
// task that awaits a gather cancels every child, and the gather fails as
// soon as the first child has ended cancelled (the others may still be
// cleaning up). Checked against CPython 3.13.
func TestGatherCancelledCancelsChildren(t *testing.T) {
	l := newTestLoop(t)
	tr := &evTrace{l: l}
	child := func(name string, cleanup time.Duration) func(*Task) (string, error) {
		return func(t *Task) (string, error) {
			if err := Sleep(t, 10*time.Second); err != nil {
				tr.add("%s cancelled", name)
				Sleep(t, cleanup) // edge-triggered: the cleanup sleep is not cancelled
				tr.add("%s cleanup done", name)
				return "", err
			}
			return name, nil
		}
	}
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, child("a", time.Second))
		b := Spawn(t, child("b", 3*time.Second))
		w := Spawn(t, func(t *Task) ([]string, error) { return Gather(t, a, b) })
		Sleep(t, time.Second)
		w.Cancel()
		_, err := Await(t, w)
		tr.add("waiter: cancelled=%v, b done=%v", errors.Is(err, ErrCancelled) && w.Cancelled(), b.Done())
		_, err = Await(t, b)
		return 0, nilIfCancelled(err)
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.check(t,
		"1s a cancelled",
		"1s b cancelled",
		"2s a cleanup done",
		"2s waiter: cancelled=true, b done=false",
		"4s b cleanup done")
}

func nilIfCancelled(err error) error {
	if errors.Is(err, ErrCancelled) {
		return nil
	}
	return err
}

// TestGatherSettled pins return_exceptions=True: every outcome in order,
// including a cancelled child, and no error.
func TestGatherSettled(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	res, err := runMain(t, l, func(t *Task) ([]Result[int], error) {
		a := Spawn(t, sleepy(3*time.Second, 1, nil))
		b := Spawn(t, sleepy(time.Second, 0, boom))
		c := Spawn(t, sleepy(5*time.Second, 3, nil))
		CreateTask(l, sleepy(2*time.Second, 0, nil)).AddDoneCallback(func(*Future[int]) { c.Cancel() })
		return GatherSettled(t, a, b, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Value != 1 || res[0].Err != nil || res[1].Err != boom || !errors.Is(res[2].Err, ErrCancelled) {
		t.Fatalf("%+v", res)
	}
	if l.Time() != 3*time.Second {
		t.Fatalf("took %v", l.Time())
	}
}

// TestGatherSettledCancelWaitsForAll: cancelling a return-exceptions gather
// cancels the children and completes, with a cancellation error, only once
// all are done; the gathering future is not Cancelled() (CPython 3.13).
func TestGatherSettledCancelWaitsForAll(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		slowCleanup := func(cleanup time.Duration) func(*Task) (int, error) {
			return func(t *Task) (int, error) {
				err := Sleep(t, 10*time.Second)
				Sleep(t, cleanup)
				return 0, err
			}
		}
		g := GatherSettledFuture(l, Spawn(t, slowCleanup(time.Second)), Spawn(t, slowCleanup(3*time.Second)))
		Sleep(t, time.Second)
		if !g.Cancel() {
			return 0, errors.New("Cancel reported false")
		}
		_, err := Await(t, g)
		if !errors.Is(err, ErrCancelled) || g.Cancelled() || l.Time() != 4*time.Second {
			return 0, fmt.Errorf("err %v cancelled %v at %v", err, g.Cancelled(), l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGatherFutureGroupCancel is seed 001's group cancel: group2 is
// cancelled before the loop runs, its tasks never start, a gather of both
// groups fails with a cancellation at once, and group1 carries on.
func TestGatherFutureGroupCancel(t *testing.T) {
	l := newTestLoop(t)
	var started []string
	get := func(name string) func(*Task) (string, error) {
		return func(t *Task) (string, error) {
			started = append(started, name)
			return name, Sleep(t, 2*time.Second)
		}
	}
	group1 := GatherFuture(l, CreateTask(l, get("g1-0")), CreateTask(l, get("g1-1")))
	group2 := GatherFuture(l, CreateTask(l, get("g2-0")), CreateTask(l, get("g2-1")))
	if !group2.Cancel() {
		t.Fatal("group2.Cancel() = false")
	}
	all := GatherFuture(l, group1, group2)
	_, err := RunUntilComplete(l, all)
	if !errors.Is(err, ErrCancelled) || l.Time() != 0 {
		t.Fatalf("err %v at %v", err, l.Time())
	}
	if !group2.Done() || group2.Cancelled() || group1.Done() {
		t.Fatalf("group2 done %v cancelled %v; group1 done %v", group2.Done(), group2.Cancelled(), group1.Done())
	}
	v, err := RunUntilComplete(l, group1)
	if err != nil || !slices.Equal(v, []string{"g1-0", "g1-1"}) || !slices.Equal(started, []string{"g1-0", "g1-1"}) {
		t.Fatalf("group1 %v %v, started %v", v, err, started)
	}
}

func TestGatherAnyMixedTypes(t *testing.T) {
	l := newTestLoop(t)
	got, err := runMain(t, l, func(t *Task) ([]any, error) {
		n := Spawn(t, sleepy(time.Second, 42, nil))
		s := Spawn(t, sleepy(2*time.Second, "x", nil))
		plain := NewFuture[bool](l)
		l.CallLater(500*time.Millisecond, func() { plain.SetResult(true) })
		return GatherAny(t, n, s, plain)
	})
	if err != nil || len(got) != 3 || got[0] != 42 || got[1] != "x" || got[2] != true {
		t.Fatalf("%v %v", got, err)
	}
	boom := errors.New("boom")
	res, err := runMain(t, l, func(t *Task) ([]Result[any], error) {
		return GatherAnySettled(t, Spawn(t, sleepy(time.Second, 1, nil)), Spawn(t, sleepy(time.Second, "", boom)))
	})
	if err != nil || res[0].Value != 1 || res[1].Err != boom {
		t.Fatalf("%v %v", res, err)
	}
}

func TestGatherEmptyAndDone(t *testing.T) {
	l := newTestLoop(t)
	got, err := runMain(t, l, func(t *Task) (int, error) {
		v, err := Gather[int](t)
		if err != nil || len(v) != 0 {
			return 0, fmt.Errorf("empty: %v %v", v, err)
		}
		a, b := NewFuture[int](l), NewFuture[int](l)
		a.SetResult(1)
		b.SetResult(2)
		g := GatherFuture(l, a, b, a)
		if !g.Done() {
			return 0, errors.New("a gather of done futures is not done at once")
		}
		v, _ = g.Result()
		return v[0] + v[1] + v[2], nil
	})
	if err != nil || got != 4 {
		t.Fatal(got, err)
	}
}

// TestGatherErrorsAfterFailureAreRetrieved: once the gather has failed,
// later errors of the other children are marked retrieved, so the loop
// does not report them as never retrieved.
func TestGatherErrorsAfterFailureAreRetrieved(t *testing.T) {
	rec := &recorder{}
	l := newTestLoop(t, rec.handler())
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, sleepy(time.Second, 0, boom))
		b := Spawn(t, sleepy(2*time.Second, 0, errors.New("second")))
		if _, err := Gather(t, a, b); err != boom {
			return 0, fmt.Errorf("gather: %v", err)
		}
		return 0, Sleep(t, 5*time.Second)
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if len(rec.got) != 0 {
		t.Fatalf("reports: %s", rec.messages())
	}
}
