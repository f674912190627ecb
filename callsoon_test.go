package aio

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestCallSoonNoHandleAllocs: scheduling and running a callback with
// CallSoonNoHandle allocates nothing (CallSoon allocates its Handle).
func TestCallSoonNoHandleAllocs(t *testing.T) {
	l := newTestLoop(t)
	n := 0
	fn := func() { n++ }
	if a := testing.AllocsPerRun(1000, func() {
		l.CallSoonNoHandle(fn)
		l.runOnce()
	}); a != 0 {
		t.Fatalf("CallSoonNoHandle + run: %v allocs, want 0", a)
	}
	if n != 1001 {
		t.Fatalf("the callback ran %d times, want 1001", n)
	}
	if a := testing.AllocsPerRun(1000, func() {
		l.CallSoon(fn)
		l.runOnce()
	}); a != 1 {
		t.Fatalf("CallSoon + run: %v allocs, want 1 (its Handle)", a)
	}
}

// TestCallSoonNoHandleOrder: CallSoonNoHandle and CallSoon share one FIFO
// queue, and a callback scheduled during a pass runs in the next one.
func TestCallSoonNoHandleOrder(t *testing.T) {
	l := newTestLoop(t)
	var got []string
	add := func(s string) func() { return func() { got = append(got, s) } }
	l.CallSoon(add("a"))
	l.CallSoonNoHandle(add("b"))
	l.CallSoonNoHandle(func() {
		got = append(got, "c")
		l.CallSoonNoHandle(add("e")) // next pass
	})
	l.CallSoon(add("d")).Cancel()
	l.CallSoon(add("d"))
	l.runOnce()
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Fatalf("first pass ran %v, want %v", got, want)
	}
	l.runOnce()
	if want := []string{"a", "b", "c", "d", "e"}; !slices.Equal(got, want) {
		t.Fatalf("second pass: %v, want %v", got, want)
	}
}

// TestCallSoonNoHandlePanic: a panic in the callback goes to the
// exception handler with no Handle, and the pass goes on.
func TestCallSoonNoHandlePanic(t *testing.T) {
	var ctxs []ExceptionContext
	l := newTestLoop(t, WithExceptionHandler(func(_ *Loop, c ExceptionContext) { ctxs = append(ctxs, c) }))
	ran := false
	l.CallSoonNoHandle(func() { panic("boom") })
	l.CallSoonNoHandle(func() { ran = true })
	l.runOnce()
	if !ran {
		t.Fatal("the callback after the panicking one did not run")
	}
	var pe *PanicError
	if len(ctxs) != 1 || ctxs[0].Handle != nil || !errors.As(ctxs[0].Err, &pe) || fmt.Sprint(pe.Value) != "boom" {
		t.Fatalf("exception contexts %+v, want one panic \"boom\" without a Handle", ctxs)
	}
}

// TestCallSoonNoHandleClosed: like CallSoon, it panics on a closed loop.
func TestCallSoonNoHandleClosed(t *testing.T) {
	l := newTestLoop(t)
	l.Close()
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("CallSoonNoHandle on a closed loop did not panic")
		}
	}()
	l.CallSoonNoHandle(func() {})
}

// BenchmarkCallSoonNoHandle is BenchmarkCallSoon's counterpart without
// the Handle: schedule 1024 callbacks, run them in one pass.
func BenchmarkCallSoonNoHandle(b *testing.B) {
	benchCallSoon(b, func(l *Loop, fn func()) { l.CallSoonNoHandle(fn) })
}

// BenchmarkCallSoon measures CallSoon + its run, per callback.
func BenchmarkCallSoon(b *testing.B) {
	benchCallSoon(b, func(l *Loop, fn func()) { l.CallSoon(fn) })
}

func benchCallSoon(b *testing.B, schedule func(*Loop, func())) {
	l := newTestLoop(b)
	fn := func() {}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		schedule(l, fn)
		if i++; i%1024 == 0 {
			l.runOnce()
		}
	}
	l.runOnce()
}
