package aio

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

type ctxKey struct{}

func ctxDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

func TestContextCancelledWithTask(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var ctx context.Context
		w := Spawn(t, func(t *Task) (int, error) {
			ctx = t.Context()
			return 0, Sleep(t, time.Hour)
		})
		Sleep(t, time.Second)
		if ctxDone(ctx) {
			return 0, errors.New("cancelled too early")
		}
		w.Cancel()
		if !ctxDone(ctx) || !errors.Is(context.Cause(ctx), ErrCancelled) {
			return 0, fmt.Errorf("after Cancel: done %v cause %v", ctxDone(ctx), context.Cause(ctx))
		}
		Await(t, w)
		// A task that finishes normally: its context ends with it.
		var ctx2 context.Context
		Await(t, Spawn(t, func(t *Task) (int, error) { ctx2 = t.Context(); return 0, nil }))
		if !ctxDone(ctx2) || !errors.Is(context.Cause(ctx2), errTaskDone) {
			return 0, fmt.Errorf("finished task: %v", context.Cause(ctx2))
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestContextTimeoutScope: a context taken inside a Timeout is cancelled,
// with a timeout cause, when the deadline passes; the task's context
// outside the scope is not.
func TestContextTimeoutScope(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		outside := t.Context()
		var inside, shielded context.Context
		err := Timeout(t, time.Second, func(t *Task) error {
			inside = t.Context()
			return Shielded(t, func(t *Task) error {
				shielded = t.Context()
				return Sleep(t, 2*time.Second)
			})
		})
		if err != nil {
			return 0, fmt.Errorf("timeout: %v", err)
		}
		if !ctxDone(inside) || !errors.Is(context.Cause(inside), ErrTimeout) {
			return 0, fmt.Errorf("inside: %v", context.Cause(inside))
		}
		if ctxDone(outside) {
			return 0, errors.New("the task's context was cancelled by the scope")
		}
		if !errors.Is(context.Cause(shielded), errScopeExited) {
			return 0, fmt.Errorf("the shielded context: %v", context.Cause(shielded))
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestContextGroup: the tasks of a group carry the values of the parent's
// context and are cancelled when the group aborts.
func TestContextGroup(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	parent := context.WithValue(context.Background(), ctxKey{}, "v")
	f := CreateTask(l, func(t *Task) (int, error) {
		var child context.Context
		err := Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error { child = t.Context(); return Sleep(t, time.Hour) })
			g.Go(func(t *Task) error { Sleep(t, time.Second); return boom })
			return nil
		})
		if !errors.Is(err, boom) {
			return 0, err
		}
		if child.Value(ctxKey{}) != "v" || !ctxDone(child) || !errors.Is(context.Cause(child), ErrCancelled) {
			return 0, fmt.Errorf("child ctx: value %v cause %v", child.Value(ctxKey{}), context.Cause(child))
		}
		return 0, nil
	}, WithContext(parent))
	if _, err := RunUntilComplete(l, f); err != nil {
		t.Fatal(err)
	}
}

// TestWithContext: a task tied to a context is cancelled when the context
// is, from another goroutine; one tied to a context that is done already
// never runs.
func TestWithContext(t *testing.T) {
	l := newTestLoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	dead, stop := context.WithCancel(context.Background())
	stop()
	_, err := runMain(t, l, func(t *Task) (int, error) {
		never := Spawn(t, func(t *Task) (int, error) { ran = true; return 0, nil }, WithContext(dead))
		w := Spawn(t, func(t *Task) (int, error) {
			return Await(t, NewFuture[int](l)) // nothing else would end it
		}, WithContext(ctx))
		go cancel()
		_, err := Await(t, w)
		if !w.Cancelled() || !errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("w: %v", err)
		}
		if _, err := Await(t, never); !never.Cancelled() || ran {
			return 0, fmt.Errorf("never: %v, ran %v", err, ran)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, 1))
	err := RunContext(ctx, func(t *Task) error {
		if t.Context().Value(ctxKey{}) != 1 {
			return errors.New("no value")
		}
		go cancel()
		_, err := Await(t, NewFuture[int](t.Loop()))
		return err
	}, VirtualClock(), NoSignalHandlers())
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	ran := false
	err = RunContext(ctx, func(t *Task) error { ran = true; return nil }, VirtualClock(), NoSignalHandlers())
	if ran || !errors.Is(err, context.Canceled) {
		t.Fatalf("done ctx: ran %v err %v", ran, err)
	}
	if err := RunContext(context.Background(), func(t *Task) error { return nil }, NoSignalHandlers()); err != nil {
		t.Fatal(err)
	}
}

// TestContextStopsToThread: a blocking function given the task's context
// returns when the task is cancelled.
func TestContextStopsToThread(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		w := Spawn(t, func(t *Task) (int, error) {
			ctx := t.Context()
			return ToThread(t, func() (int, error) {
				<-ctx.Done()
				return 0, context.Cause(ctx)
			})
		})
		Sleep(t, 0)
		Sleep(t, 0)
		w.Cancel()
		_, err := Await(t, w)
		if !errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("w: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
