package aio

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCallSoonRunsInFIFOOrder(t *testing.T) {
	l := newTestLoop(t)
	var got []int
	for i := range 5 {
		l.CallSoon(func() { got = append(got, i) })
	}
	l.CallSoon(l.Stop)
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3, 4}; !equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestCallbackScheduledDuringPassRunsNextPass(t *testing.T) {
	l := newTestLoop(t)
	var got []string
	l.CallSoon(func() {
		got = append(got, "a")
		l.CallSoon(func() { got = append(got, "c") })
	})
	l.CallSoon(func() { got = append(got, "b"); l.Stop() })
	l.RunForever()
	// Stop lets the pass finish; "c" was scheduled in it, so it waits for
	// the next RunForever.
	if strings.Join(got, "") != "ab" {
		t.Fatalf("got %v after first run", got)
	}
	l.CallSoon(l.Stop)
	l.RunForever()
	if strings.Join(got, "") != "abc" {
		t.Fatalf("got %v after second run", got)
	}
}

func TestTimersRunByTimeThenFIFO(t *testing.T) {
	l := newTestLoop(t)
	var got []string
	l.CallLater(3*time.Second, func() { got = append(got, "3s"); l.Stop() })
	l.CallLater(time.Second, func() { got = append(got, "1s-a") })
	l.CallAt(l.Time()+time.Second, func() { got = append(got, "1s-b") })
	l.CallLater(2*time.Second, func() { got = append(got, "2s") })
	l.CallLater(0, func() { got = append(got, "0s") })
	l.RunForever()
	want := "0s 1s-a 1s-b 2s 3s"
	if s := strings.Join(got, " "); s != want {
		t.Fatalf("got %q, want %q", s, want)
	}
	if l.Time() != 3*time.Second {
		t.Fatalf("virtual time %v, want 3s", l.Time())
	}
}

func TestHandleCancel(t *testing.T) {
	l := newTestLoop(t)
	ran := map[string]bool{}
	h1 := l.CallSoon(func() { ran["soon"] = true })
	h2 := l.CallLater(time.Second, func() { ran["later"] = true })
	h1.Cancel()
	h2.Cancel()
	h2.Cancel() // twice is fine
	l.CallLater(2*time.Second, l.Stop)
	l.RunForever()
	if len(ran) != 0 {
		t.Fatalf("cancelled callbacks ran: %v", ran)
	}
	if !h1.Cancelled() || !h2.Cancelled() || h2.When() != time.Second {
		t.Fatalf("handle state: %v %v %v", h1.Cancelled(), h2.Cancelled(), h2.When())
	}
}

func TestManyCancelledTimersAreSwept(t *testing.T) {
	l := newTestLoop(t)
	fired := 0
	for i := range 10000 {
		h := l.CallLater(time.Duration(i+1)*time.Millisecond, func() { fired++ })
		if i%100 != 0 {
			h.Cancel()
		}
	}
	if n := l.timers.len(); n > 1000 {
		t.Fatalf("heap holds %d entries for 100 live timers: cancelled ones are not swept", n)
	}
	l.CallLater(time.Minute, l.Stop)
	l.RunForever()
	if fired != 100 {
		t.Fatalf("fired %d, want 100", fired)
	}
	if l.timers.cancelled.Load() != 0 {
		t.Fatalf("cancelled count %d after the heap emptied", l.timers.cancelled.Load())
	}
}

func TestRunStates(t *testing.T) {
	l := newTestLoop(t)
	if l.IsRunning() || l.IsClosed() {
		t.Fatal("new loop running or closed")
	}
	var inside bool
	var nested error
	l.CallSoon(func() {
		inside = l.IsRunning()
		nested = l.RunForever()
		l.Stop()
	})
	l.RunForever()
	if !inside || !errors.Is(nested, ErrLoopRunning) {
		t.Fatalf("IsRunning inside %v, nested RunForever %v", inside, nested)
	}
	if l.IsRunning() {
		t.Fatal("running after RunForever returned")
	}
	if err := l.Close(); err != nil || !l.IsClosed() {
		t.Fatalf("close: %v, closed %v", err, l.IsClosed())
	}
	if err := l.RunForever(); !errors.Is(err, ErrLoopClosed) {
		t.Fatalf("RunForever on closed loop: %v", err)
	}
	if _, err := l.CallSoonThreadsafe(func() {}); !errors.Is(err, ErrLoopClosed) {
		t.Fatalf("CallSoonThreadsafe on closed loop: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestCloseWhileRunningFails(t *testing.T) {
	l := newTestLoop(t)
	var err error
	l.CallSoon(func() { err = l.Close(); l.Stop() })
	l.RunForever()
	if !errors.Is(err, ErrLoopRunning) {
		t.Fatalf("Close while running: %v", err)
	}
}

func TestCallSoonOnClosedLoopPanicsClearly(t *testing.T) {
	l := newTestLoop(t)
	l.Close()
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "closed loop") {
			t.Fatalf("panic %v", r)
		}
	}()
	l.CallSoon(func() {})
}

func TestPanicInCallbackGoesToHandlerAndLoopGoesOn(t *testing.T) {
	var rec recorder
	l := newTestLoop(t, rec.handler())
	after := false
	h := l.CallSoon(func() { panic("boom") })
	l.CallSoon(func() { after = true; l.Stop() })
	l.RunForever()
	if !after || len(rec.got) != 1 {
		t.Fatalf("after=%v reports=%v", after, rec.messages())
	}
	var pe *PanicError
	if !errors.As(rec.got[0].Err, &pe) || pe.Value != "boom" || rec.got[0].Handle != h {
		t.Fatalf("report %+v", rec.got[0])
	}
	if !strings.Contains(string(pe.Stack), "loop_test.go") {
		t.Fatalf("stack does not show where it panicked:\n%s", pe.Stack)
	}
}

func TestDefaultExceptionHandlerLogs(t *testing.T) {
	logs, opt := captureLogger()
	l := newTestLoop(t, opt)
	l.CallSoon(func() { panic("kaboom") })
	l.CallSoon(l.Stop)
	l.RunForever()
	if s := logs.String(); !strings.Contains(s, "panic in callback") || !strings.Contains(s, "kaboom") {
		t.Fatalf("log: %s", s)
	}
}

func TestPanicInExceptionHandlerIsContained(t *testing.T) {
	logs, opt := captureLogger()
	l := newTestLoop(t, opt, WithExceptionHandler(func(*Loop, ExceptionContext) { panic("handler broke") }))
	l.CallSoon(func() { panic("first") })
	l.CallSoon(l.Stop)
	l.RunForever()
	if !strings.Contains(logs.String(), "handler broke") {
		t.Fatalf("log: %s", logs)
	}
}

func TestVirtualClockJumpsAnHour(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		for range 60 {
			if err := Sleep(t, time.Minute); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l.Time() != time.Hour {
		t.Fatalf("virtual time %v, want 1h", l.Time())
	}
}

func TestRealClockIsMonotonic(t *testing.T) {
	l, err := NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a := l.Time()
	b := l.Time()
	if b < a || a < 0 {
		t.Fatalf("clock went back: %v then %v", a, b)
	}
	// A short real timer fires and the loop's clock has passed its deadline.
	var firedAt time.Duration
	h := l.CallLater(time.Millisecond, func() { firedAt = l.Time(); l.Stop() })
	l.RunForever()
	if firedAt < h.When() {
		t.Fatalf("timer fired at %v, before its deadline %v", firedAt, h.When())
	}
}

func TestCloseReleasesGoroutines(t *testing.T) {
	check := checkNoGoroutineLeak(t)
	for range 10 {
		l, err := NewLoop(VirtualClock())
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			CreateTask(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Second) })
		}
		l.CallLater(500*time.Millisecond, l.Stop)
		l.RunForever() // the tasks are parked mid-sleep
		l.SetExceptionHandler(func(*Loop, ExceptionContext) {})
		l.Close()
	}
	check()
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
