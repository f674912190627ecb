package aio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestWaitReturnWhen(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		when        ReturnWhen
		at          time.Duration
		done, pends int
	}{
		{AllCompleted, 3 * time.Second, 3, 0},
		{FirstCompleted, 1 * time.Second, 1, 2},
		{FirstException, 2 * time.Second, 2, 1},
	}
	for _, c := range cases {
		t.Run(c.when.String(), func(t *testing.T) {
			l := newTestLoop(t)
			_, err := runMain(t, l, func(t *Task) (int, error) {
				fs := []*Future[int]{
					Spawn(t, sleepy(3*time.Second, 3, nil)),
					Spawn(t, sleepy(1*time.Second, 1, nil)),
					Spawn(t, sleepy(2*time.Second, 0, boom)),
				}
				done, pending, err := Wait(t, fs, c.when, NoTimeout)
				if err != nil || len(done) != c.done || len(pending) != c.pends || l.Time() != c.at {
					return 0, fmt.Errorf("done %d pending %d err %v at %v", len(done), len(pending), err, l.Time())
				}
				for _, f := range pending {
					if f.Done() {
						return 0, errors.New("a pending future is done")
					}
				}
				_, err = GatherSettled(t, fs...) // let them finish; Wait cancelled nothing
				return 0, err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestWaitFirstExceptionIgnoresCancelled: a cancelled future is not an
// "exception" for FIRST_EXCEPTION, as in asyncio.
func TestWaitFirstExceptionIgnoresCancelled(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, sleepy(time.Second, 0, nil))
		b := Spawn(t, sleepy(3*time.Second, 0, nil))
		a.Cancel()
		done, pending, err := Wait(t, []*Future[int]{a, b}, FirstException, NoTimeout)
		if err != nil || len(done) != 2 || len(pending) != 0 || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("done %d pending %d err %v at %v", len(done), len(pending), err, l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitTimeoutCancelsNothing(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, sleepy(time.Second, 1, nil))
		b := Spawn(t, sleepy(5*time.Second, 2, nil))
		done, pending, err := Wait(t, []Awaitable{a, b}, AllCompleted, 2*time.Second)
		if err != nil || len(done) != 1 || done[0] != Awaitable(a) || len(pending) != 1 || l.Time() != 2*time.Second {
			return 0, fmt.Errorf("done %v pending %v err %v at %v", done, pending, err, l.Time())
		}
		return Await(t, b) // not cancelled
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitSuspendsOnceEvenIfDone(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		f := NewFuture[int](l)
		f.SetResult(1)
		ran := false
		l.CallSoon(func() { ran = true })
		done, _, err := Wait(t, []*Future[int]{f}, FirstCompleted, NoTimeout)
		if err != nil || len(done) != 1 || !ran {
			return 0, fmt.Errorf("done %v err %v, other callback ran %v", done, err, ran)
		}
		if _, _, err := Wait(t, []*Future[int]{}, AllCompleted, NoTimeout); err != ErrNoFutures {
			return 0, fmt.Errorf("empty wait: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitCancelledLeavesFutures(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		a := Spawn(t, sleepy(5*time.Second, 1, nil))
		w := Spawn(t, func(t *Task) (int, error) {
			_, _, err := Wait(t, []*Future[int]{a}, AllCompleted, NoTimeout)
			return 0, err
		})
		Sleep(t, time.Second)
		w.Cancel()
		if _, err := Await(t, w); !errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("wait: %v", err)
		}
		if a.Done() || a.hasWaiters() {
			return 0, errors.New("the future was touched or kept a callback")
		}
		return Await(t, a)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitForResultAndTimeout(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		v, err := WaitFor(t, Spawn(t, sleepy(time.Second, 7, nil)), 2*time.Second)
		if v != 7 || err != nil {
			return 0, fmt.Errorf("in time: %v %v", v, err)
		}
		slow := Spawn(t, sleepy(10*time.Second, 1, nil))
		start := l.Time()
		_, err = WaitFor(t, slow, 2*time.Second)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("timeout: %v", err)
		}
		if !slow.Cancelled() || l.Time()-start != 2*time.Second {
			return 0, fmt.Errorf("inner cancelled %v after %v", slow.Cancelled(), l.Time()-start)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitForWaitsForCancellation: on timeout, WaitFor waits until the
// inner task has finished its cleanup before it returns.
func TestWaitForWaitsForCancellation(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		cleaned := false
		inner := Spawn(t, func(t *Task) (int, error) {
			err := Sleep(t, 10*time.Second)
			Sleep(t, time.Second) // cleanup (edge-triggered: not cancelled)
			cleaned = true
			return 0, err
		})
		_, err := WaitFor(t, inner, 2*time.Second)
		if !errors.Is(err, ErrTimeout) || !cleaned || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("err %v cleaned %v at %v", err, cleaned, l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitForInnerRefuses pins CPython 3.12+: when the inner task refuses
// the cancellation and returns a value (or another error), WaitFor
// returns that, not a timeout.
func TestWaitForInnerRefuses(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	refuser := func(v string, err error) func(*Task) (string, error) {
		return func(t *Task) (string, error) {
			if e := Sleep(t, 10*time.Second); e == nil {
				return "finished", nil
			}
			Sleep(t, time.Second)
			return v, err
		}
	}
	_, err := runMain(t, l, func(t *Task) (int, error) {
		v, err := WaitFor(t, Spawn(t, refuser("value", nil)), 2*time.Second)
		if v != "value" || err != nil || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("refused with a value: %q %v at %v", v, err, l.Time())
		}
		_, err = WaitFor(t, Spawn(t, refuser("", boom)), 2*time.Second)
		if err != boom {
			return 0, fmt.Errorf("refused with an error: %v", err)
		}
		// The task that called WaitFor goes on normally: its next await
		// is not cancelled.
		if err := Sleep(t, time.Second); err != nil {
			return 0, fmt.Errorf("sleep after WaitFor: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitForZeroTimeout(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		ran := false
		f := Spawn(t, func(t *Task) (int, error) { ran = true; return 5, nil })
		if _, err := WaitFor(t, f, 0); !errors.Is(err, ErrTimeout) || ran {
			return 0, fmt.Errorf("zero timeout: %v, body ran %v", err, ran)
		}
		done := NewFuture[int](l)
		done.SetResult(7)
		if v, err := WaitFor(t, done, 0); v != 7 || err != nil {
			return 0, fmt.Errorf("done future: %v %v", v, err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitForCallerCancelled: cancelling the task that waits cancels the
// inner one, and the caller gets the cancellation, not a timeout.
func TestWaitForCallerCancelled(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		inner := Spawn(t, sleepy(10*time.Second, 1, nil))
		w := Spawn(t, func(t *Task) (int, error) { return WaitFor(t, inner, 5*time.Second) })
		Sleep(t, time.Second)
		w.Cancel()
		_, err := Await(t, w)
		if !errors.Is(err, ErrCancelled) || errors.Is(err, ErrTimeout) || !w.Cancelled() || !inner.Cancelled() {
			return 0, fmt.Errorf("err %v, w cancelled %v, inner cancelled %v", err, w.Cancelled(), inner.Cancelled())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitForDoesNotSwallowCancel is cpython#86296: the caller is
// cancelled in the same pass as the inner future completes. The
// cancellation must not be lost: the caller's next await gets it.
func TestWaitForDoesNotSwallowCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		inner := NewFuture[int](l)
		w := Spawn(t, func(t *Task) (int, error) {
			v, err := WaitFor(t, inner, 5*time.Second)
			if err != nil {
				return 0, err
			}
			// The result came, but the cancellation must still arrive.
			return v, Sleep(t, time.Hour)
		})
		Sleep(t, time.Second)
		inner.SetResult(1) // w is scheduled to resume...
		w.Cancel()         // ...and is cancelled in the same pass
		_, err := Await(t, w)
		if !w.Cancelled() || l.Time() != time.Second {
			return 0, fmt.Errorf("w: %v, cancelled %v at %v", err, w.Cancelled(), l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAsCompleted(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		fs := []*Future[int]{
			Spawn(t, sleepy(3*time.Second, 3, nil)),
			Spawn(t, sleepy(1*time.Second, 1, nil)),
			Spawn(t, sleepy(2*time.Second, 0, boom)),
		}
		var got []string
		for v, err := range AsCompleted(t, fs, NoTimeout) {
			got = append(got, fmt.Sprintf("%v:%d:%v", l.Time(), v, err))
		}
		want := []string{"1s:1:<nil>", "2s:0:boom", "3s:3:<nil>"}
		if !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v want %v", got, want)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAsCompletedTimeout(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		fs := []*Future[int]{
			Spawn(t, sleepy(1*time.Second, 1, nil)),
			Spawn(t, sleepy(5*time.Second, 5, nil)),
			Spawn(t, sleepy(2*time.Second, 2, nil)),
		}
		var got []string
		for v, err := range AsCompleted(t, fs, 3*time.Second) {
			if err != nil {
				if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
					return 0, fmt.Errorf("error %v", err)
				}
				got = append(got, fmt.Sprintf("%v:timeout", l.Time()))
				continue
			}
			got = append(got, fmt.Sprintf("%v:%d", l.Time(), v))
		}
		want := []string{"1s:1", "2s:2", "3s:timeout"}
		if !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v want %v", got, want)
		}
		if fs[1].Done() || fs[1].hasWaiters() {
			return 0, errors.New("the late future was cancelled or kept a callback")
		}
		return Await(t, fs[1])
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAsCompletedBreakAndCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		fs := []*Future[int]{Spawn(t, sleepy(1*time.Second, 1, nil)), Spawn(t, sleepy(2*time.Second, 2, nil))}
		for v := range AsCompleted(t, fs, NoTimeout) {
			if v != 1 {
				return 0, fmt.Errorf("first %d", v)
			}
			break
		}
		if fs[1].hasWaiters() {
			return 0, errors.New("break left a callback")
		}
		long := Spawn(t, sleepy(time.Hour, 0, nil))
		w := Spawn(t, func(t *Task) (int, error) {
			for _, err := range AsCompleted(t, []*Future[int]{long}, NoTimeout) {
				return 0, err
			}
			return 0, errors.New("no item")
		})
		Sleep(t, time.Second)
		w.Cancel()
		if _, err := Await(t, w); !w.Cancelled() || long.Done() {
			return 0, fmt.Errorf("cancelled iteration: %v, the future done %v", err, long.Done())
		}
		long.Cancel()
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestShieldInnerGoesOn(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		inner := Spawn(t, sleepy(3*time.Second, 9, nil))
		w := Spawn(t, func(t *Task) (int, error) { return Await(t, Shield(inner)) })
		Sleep(t, time.Second)
		w.Cancel()
		if _, err := Await(t, w); !errors.Is(err, ErrCancelled) || l.Time() != time.Second {
			return 0, fmt.Errorf("outer: %v at %v", err, l.Time())
		}
		if inner.Done() {
			return 0, errors.New("inner was cancelled")
		}
		v, err := Await(t, inner)
		if v != 9 || err != nil {
			return 0, fmt.Errorf("inner: %v %v", v, err)
		}
		if Shield(inner) != inner {
			return 0, errors.New("Shield of a done future is not the future")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestShieldInnerFails: the shield passes the inner error through, and
// cancelling the shield does not reach the inner task, whose error can
// still be read from it.
func TestShieldInnerFails(t *testing.T) {
	rec := &recorder{}
	l := newTestLoop(t, rec.handler())
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		if _, err := Await(t, Shield(Spawn(t, sleepy(time.Second, 0, boom)))); err != boom {
			return 0, fmt.Errorf("inner error through the shield: %v", err)
		}
		inner := Spawn(t, sleepy(2*time.Second, 0, errors.New("late")))
		outer := Shield(inner)
		outer.Cancel()
		if !outer.Cancelled() || inner.Done() {
			return 0, errors.New("cancelling the shield reached the inner task")
		}
		cancelledInner := Spawn(t, sleepy(time.Hour, 0, nil))
		s := Shield(cancelledInner)
		cancelledInner.Cancel()
		if _, err := Await(t, s); !errors.Is(err, ErrCancelled) || !s.Cancelled() {
			return 0, fmt.Errorf("inner cancelled: outer %v", err)
		}
		if _, err := Await(t, inner); err == nil || err.Error() != "late" {
			return 0, fmt.Errorf("inner after the shield was cancelled: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if len(rec.got) != 0 {
		t.Fatalf("reports: %s", rec.messages())
	}
}
