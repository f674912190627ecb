package aio

import (
	"errors"
	"strings"
	"testing"
)

func TestRunNilMain(t *testing.T) {
	err := Run(nil, NoSignalHandlers())
	if err == nil || !strings.Contains(err.Error(), "nil") {
		t.Fatalf("Run(nil) = %v", err)
	}
}

// Run from a task of a running loop would block that loop until the inner
// Run returns; it is refused, as asyncio.run refuses to run inside a
// running loop.
func TestRunInsideRunRefused(t *testing.T) {
	innerRan := false
	var inner error
	err := Run(func(t *Task) error {
		inner = Run(func(t *Task) error { innerRan = true; return nil }, NoSignalHandlers())
		return nil
	}, NoSignalHandlers(), VirtualClock())
	if err != nil || !errors.Is(inner, ErrNestedRun) || innerRan {
		t.Fatalf("outer %v, inner %v, inner main ran %v", err, inner, innerRan)
	}
}

// The same from a plain callback on the loop's own goroutine.
func TestRunInsideCallbackRefused(t *testing.T) {
	l := newTestLoop(t)
	var inner error
	l.CallSoon(func() {
		inner = Run(func(t *Task) error { return nil }, NoSignalHandlers())
		l.Stop()
	})
	l.RunForever()
	if !errors.Is(inner, ErrNestedRun) {
		t.Fatalf("inner Run = %v", inner)
	}
}

// Another goroutine may run its own loop while one runs elsewhere.
func TestRunBesideRunningLoop(t *testing.T) {
	err := Run(func(t *Task) error {
		_, err := ToThread(t, func() (int, error) {
			return 0, Run(func(t *Task) error { return nil }, NoSignalHandlers())
		})
		return err
	}, NoSignalHandlers())
	if err != nil {
		t.Fatal(err)
	}
}

// RunForever and RunUntilComplete of another loop, from a task, would
// freeze the running loop the same way; both are refused.
func TestRunForeverInsideTaskRefused(t *testing.T) {
	other := newTestLoop(t)
	var forever, until error
	err := Run(func(t *Task) error {
		forever = other.RunForever()
		_, until = RunUntilComplete(other, NewFuture[int](other))
		return nil
	}, NoSignalHandlers(), VirtualClock())
	if err != nil || !errors.Is(forever, ErrNestedRun) || !errors.Is(until, ErrNestedRun) {
		t.Fatalf("outer %v, RunForever %v, RunUntilComplete %v", err, forever, until)
	}
}
