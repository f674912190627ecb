package aio

import (
	"errors"
	"strings"
	"testing"
)

func TestFutureStates(t *testing.T) {
	l := newTestLoop(t)
	f := NewFuture[int](l)
	if _, err := f.Result(); !errors.Is(err, ErrInvalidState) {
		t.Fatalf("Result of pending future: %v", err)
	}
	if f.Done() || f.Cancelled() || f.Task() != nil || f.Loop() != l {
		t.Fatal("pending future state")
	}
	if err := f.SetResult(7); err != nil {
		t.Fatal(err)
	}
	if err := f.SetResult(8); !errors.Is(err, ErrInvalidState) {
		t.Fatalf("second SetResult: %v", err)
	}
	if err := f.SetErr(errors.New("x")); !errors.Is(err, ErrInvalidState) {
		t.Fatalf("SetErr after result: %v", err)
	}
	if f.Cancel() {
		t.Fatal("Cancel of a done future succeeded")
	}
	if v, err := f.Result(); v != 7 || err != nil {
		t.Fatalf("Result %v %v", v, err)
	}
}

func TestFutureErrorAndCancel(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	f := NewFuture[string](l)
	if err := f.SetErr(nil); err == nil {
		t.Fatal("SetErr(nil) accepted")
	}
	f.SetErr(boom)
	if _, err := f.Result(); err != boom {
		t.Fatalf("Result err %v", err)
	}
	c := NewFuture[string](l)
	if !c.CancelWith("stop it") || !c.Cancelled() || !c.Done() {
		t.Fatal("cancel")
	}
	_, err := c.Result()
	var ce *CancelledError
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &ce) || ce.Msg != "stop it" {
		t.Fatalf("cancelled Result: %v", err)
	}
	if err := c.SetResult("late"); !errors.Is(err, ErrInvalidState) {
		t.Fatalf("SetResult after cancel: %v", err)
	}
}

func TestDoneCallbacksAreScheduledNotInline(t *testing.T) {
	l := newTestLoop(t)
	f := NewFuture[int](l)
	var got []string
	f.AddDoneCallback(func(f *Future[int]) {
		v, _ := f.Result()
		got = append(got, "first", string(rune('0'+v)))
	})
	id := f.AddDoneCallback(func(*Future[int]) { got = append(got, "removed") })
	f.AddDoneCallback(func(*Future[int]) { got = append(got, "third"); l.Stop() })
	if !f.RemoveDoneCallback(id) || f.RemoveDoneCallback(id) {
		t.Fatal("RemoveDoneCallback")
	}
	f.SetResult(5)
	if len(got) != 0 {
		t.Fatal("callback ran inline in SetResult")
	}
	l.RunForever()
	if want := []string{"first", "5", "third"}; !equal(got, want) {
		t.Fatalf("got %v", got)
	}
	// Added after completion: scheduled at once, still not inline.
	late := false
	f.AddDoneCallback(func(*Future[int]) { late = true; l.Stop() })
	if late {
		t.Fatal("late callback ran inline")
	}
	l.RunForever()
	if !late {
		t.Fatal("late callback never ran")
	}
}

func TestUnretrievedErrorReportedAtClose(t *testing.T) {
	var rec recorder
	l, _ := NewLoop(VirtualClock(), rec.handler())
	seen := NewFuture[int](l)
	seen.SetErr(errors.New("read"))
	seen.Err()
	NewFuture[int](l).SetErr(errors.New("lost"))
	CreateTask(l, func(t *Task) (int, error) { return 0, errors.New("task lost") })
	l.CallSoon(l.Stop)
	l.RunForever()
	l.Close()
	if len(rec.got) != 2 {
		t.Fatalf("reports: %q", rec.messages())
	}
	msgs := rec.messages()
	for _, want := range []string{"Future exception was never retrieved", "Task exception was never retrieved"} {
		if !contains(msgs, want) {
			t.Fatalf("reports %q lack %q", msgs, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
