package aio

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestTimeoutFires(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		err := Timeout(t, 2*time.Second, func(t *Task) error { return Sleep(t, 10*time.Second) })
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("err %v", err)
		}
		if l.Time() != 2*time.Second {
			return 0, fmt.Errorf("at %v", l.Time())
		}
		// The scope is left: the task's awaits are normal again.
		if err := Sleep(t, time.Second); err != nil {
			return 0, fmt.Errorf("after the scope: %v", err)
		}
		// In time: fn's own result.
		err = Timeout(t, 2*time.Second, func(t *Task) error { return Sleep(t, time.Second) })
		if err != nil {
			return 0, fmt.Errorf("in time: %v", err)
		}
		boom := errors.New("boom")
		if err := Timeout(t, time.Second, func(t *Task) error { return boom }); err != boom {
			return 0, fmt.Errorf("own error: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTimeoutCancelsAwaitedTask: the timeout cancels the task the scope
// awaits, as asyncio.timeout does; a scope that expired but whose body
// returned nil returns nil (Expired tells).
func TestTimeoutCancelsAwaitedTask(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		inner := Spawn(t, sleepy(10*time.Second, 1, nil))
		err := Timeout(t, time.Second, func(t *Task) error { _, err := Await(t, inner); return err })
		if !errors.Is(err, ErrTimeout) || !inner.Cancelled() {
			return 0, fmt.Errorf("err %v, inner cancelled %v", err, inner.Cancelled())
		}
		var sc *CancelScope
		err = Scope(t, func(t *Task, s *CancelScope) error {
			sc = s
			s.Reschedule(l.Time() + time.Second)
			Sleep(t, 5*time.Second) // the error is dropped: the body returns nil
			return nil
		})
		if err != nil || !sc.Expired() || sc.CancelledCaught() {
			return 0, fmt.Errorf("swallowed: err %v expired %v caught %v", err, sc.Expired(), sc.CancelledCaught())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTimeoutLevelTriggered: a body that swallows the cancellation and
// awaits again is interrupted again, at once: it cannot hang the scope.
func TestTimeoutLevelTriggered(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var errs []error
		err := Timeout(t, time.Second, func(t *Task) error {
			for range 3 {
				errs = append(errs, Sleep(t, time.Hour)) // swallowed each time
			}
			f := NewFuture[int](l)
			_, err := Await(t, f) // a future nobody will set
			errs = append(errs, err)
			if !f.Cancelled() {
				return errors.New("the awaited future was not cancelled")
			}
			return err
		})
		if !errors.Is(err, ErrTimeout) || l.Time() != time.Second {
			return 0, fmt.Errorf("err %v at %v", err, l.Time())
		}
		for i, e := range errs {
			if !errors.Is(e, ErrCancelled) {
				return 0, fmt.Errorf("await %d: %v", i, e)
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBareCancelEdgeTriggered: outside any scope, Task.Cancel is
// delivered once and can be refused (seed 004).
func TestBareCancelEdgeTriggered(t *testing.T) {
	l := newTestLoop(t)
	v, err := runMain(t, l, func(t *Task) (string, error) {
		w := Spawn(t, func(t *Task) (string, error) {
			if err := Sleep(t, 10*time.Second); err == nil {
				return "", errors.New("not cancelled")
			}
			if err := Sleep(t, 3*time.Second); err != nil { // refused: goes on
				return "", err
			}
			return "refused", nil
		})
		Sleep(t, time.Second)
		w.Cancel()
		return Await(t, w)
	})
	if v != "refused" || err != nil || l.Time() != 4*time.Second {
		t.Fatalf("%q %v at %v", v, err, l.Time())
	}
}

// TestNestedTimeouts: only the scope that fired turns the cancellation
// into a timeout; the outermost one when both fired.
func TestNestedTimeouts(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		// Inner fires first: the inner Timeout returns ErrTimeout, the
		// outer body goes on, until the outer one fires.
		var innerErr error
		outerErr := Timeout(t, 5*time.Second, func(t *Task) error {
			innerErr = Timeout(t, time.Second, func(t *Task) error { return Sleep(t, time.Hour) })
			if err := Sleep(t, time.Second); err != nil {
				return fmt.Errorf("outer body after inner timeout: %w", err)
			}
			return Sleep(t, time.Hour)
		})
		if !errors.Is(innerErr, ErrTimeout) || !errors.Is(outerErr, ErrTimeout) || l.Time() != 5*time.Second {
			return 0, fmt.Errorf("inner first: inner %v outer %v at %v", innerErr, outerErr, l.Time())
		}
		// Outer fires first: the inner scope lets the cancellation
		// through, the outer one converts it.
		innerErr = nil
		outerErr = Timeout(t, time.Second, func(t *Task) error {
			innerErr = Timeout(t, 5*time.Second, func(t *Task) error { return Sleep(t, time.Hour) })
			return innerErr
		})
		if !errors.Is(innerErr, ErrCancelled) || errors.Is(innerErr, ErrTimeout) || !errors.Is(outerErr, ErrTimeout) {
			return 0, fmt.Errorf("outer first: inner %v outer %v", innerErr, outerErr)
		}
		// Same deadline: the outer converts.
		d := l.Time() + time.Second
		outerErr = TimeoutAt(t, d, func(t *Task) error {
			innerErr = TimeoutAt(t, d, func(t *Task) error { return Sleep(t, time.Hour) })
			return innerErr
		})
		if errors.Is(innerErr, ErrTimeout) || !errors.Is(outerErr, ErrTimeout) {
			return 0, fmt.Errorf("same deadline: inner %v outer %v", innerErr, outerErr)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTimeoutWithBareCancel: a Task.Cancel that arrives while a scope
// expired goes on up, as in asyncio (the timeout does not swallow it).
func TestTimeoutWithBareCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var got error
		w := Spawn(t, func(t *Task) (int, error) {
			got = Timeout(t, 2*time.Second, func(t *Task) error {
				err := Sleep(t, 10*time.Second) // cancelled by the bare cancel at 1s
				Sleep(t, 5*time.Second)         // edge-triggered: the scope has not fired, sleeps until 2s
				return err
			})
			return 0, got
		})
		Sleep(t, time.Second)
		w.Cancel()
		Await(t, w)
		if !errors.Is(got, ErrCancelled) || errors.Is(got, ErrTimeout) || !w.Cancelled() || l.Time() != 2*time.Second {
			return 0, fmt.Errorf("got %v, w cancelled %v at %v", got, w.Cancelled(), l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestScopeRescheduleAndCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var sc *CancelScope
		err := Scope(t, func(t *Task, s *CancelScope) error {
			sc = s
			if s.Deadline() != NoDeadline {
				return errors.New("a new scope has a deadline")
			}
			s.Reschedule(l.Time() + time.Second)
			s.Reschedule(l.Time() + 3*time.Second) // moved later
			if err := Sleep(t, 2*time.Second); err != nil {
				return fmt.Errorf("fired at the old deadline: %w", err)
			}
			s.Reschedule(NoDeadline)
			if err := Sleep(t, 2*time.Second); err != nil {
				return fmt.Errorf("fired after it was disarmed: %w", err)
			}
			s.Reschedule(l.Time() + time.Second)
			return Sleep(t, time.Hour)
		})
		if !errors.Is(err, ErrTimeout) || !sc.Expired() || !sc.CancelledCaught() || l.Time() != 5*time.Second {
			return 0, fmt.Errorf("err %v expired %v caught %v at %v", err, sc.Expired(), sc.CancelledCaught(), l.Time())
		}
		// Cancel from another task: the scope returns nil (Trio's
		// move-on), and a later Reschedule does not undo it.
		err = Scope(t, func(t *Task, s *CancelScope) error {
			sc = s
			CreateTask(l, func(t *Task) (int, error) { Sleep(t, time.Second); s.Cancel(); return 0, nil })
			err := Sleep(t, time.Hour)
			s.Reschedule(NoDeadline)
			if err2 := Sleep(t, 0); err2 == nil {
				return errors.New("Reschedule undid a cancel")
			}
			return err
		})
		if err != nil || sc.Expired() || !sc.CancelCalled() || !sc.CancelledCaught() {
			return 0, fmt.Errorf("cancelled scope: err %v", err)
		}
		// An expired deadline fires at once.
		if err := Timeout(t, 0, func(t *Task) error { return Sleep(t, 0) }); !errors.Is(err, ErrTimeout) {
			return 0, fmt.Errorf("zero timeout: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestShieldedCleanup: inside a cancelled scope, Shielded lets cleanup
// await; the enclosing cancellation applies again once it returns.
func TestShieldedCleanup(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var cleanup, after error
		err := Timeout(t, time.Second, func(t *Task) error {
			err := Sleep(t, time.Hour)
			cleanup = Shielded(t, func(t *Task) error { return Sleep(t, 2*time.Second) })
			after = Sleep(t, 0)
			return err
		})
		if !errors.Is(err, ErrTimeout) || cleanup != nil || !errors.Is(after, ErrCancelled) || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("err %v cleanup %v after %v at %v", err, cleanup, after, l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTimeoutAwaitedTaskRefuses: an awaited task that refuses the
// scope's cancellation hands its value over; the next await in the scope
// fails at once.
func TestTimeoutAwaitedTaskRefuses(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		refuser := Spawn(t, func(t *Task) (string, error) {
			Sleep(t, time.Hour)
			Sleep(t, time.Second)
			return "kept", nil
		})
		var v string
		var next error
		err := Timeout(t, time.Second, func(t *Task) error {
			var err error
			v, err = Await(t, refuser)
			if err != nil {
				return err
			}
			next = Sleep(t, time.Hour)
			return next
		})
		if v != "kept" || !errors.Is(next, ErrCancelled) || !errors.Is(err, ErrTimeout) || l.Time() != 2*time.Second {
			return 0, fmt.Errorf("v %q next %v err %v at %v", v, next, err, l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestScopeOutOfOrderPanics(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var s *CancelScope
		Scope(t, func(t *Task, sc *CancelScope) error { s = sc; return nil })
		defer func() { recover() }()
		s.run(t, func(*Task, *CancelScope) error { return nil })
		return 0, errors.New("entering a scope twice did not panic")
	})
	if err != nil {
		t.Fatal(err)
	}
}
