package aio

import (
	"strings"
	"testing"
	"time"
)

func TestDebugReportsSlowSteps(t *testing.T) {
	logs, opt := captureLogger()
	// A threshold of zero makes every step "slow", so the test does not
	// depend on how fast this machine is.
	l := newTestLoop(t, opt, Debug(true), SlowCallbackDuration(0))
	f := CreateTask(l, func(t *Task) (int, error) {
		Sleep(t, time.Second)
		return 0, nil
	}, Name("slowpoke"))
	RunUntilComplete(l, f)
	s := logs.String()
	if !strings.Contains(s, `slowpoke`) || !strings.Contains(s, "debug_test.go") || !strings.Contains(s, "took") {
		t.Fatalf("slow-step report lacks task name or place:\n%s", s)
	}
}

func TestDebugOffReportsNothing(t *testing.T) {
	logs, opt := captureLogger()
	l := newTestLoop(t, opt, Debug(false), SlowCallbackDuration(0))
	RunUntilComplete(l, CreateTask(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Second) }))
	if s := logs.String(); s != "" {
		t.Fatalf("logged without debug mode: %s", s)
	}
}

func TestDebugReportsForeignGoroutine(t *testing.T) {
	logs, opt := captureLogger()
	l := newTestLoop(t, opt, Debug(true))
	inside, resume := make(chan struct{}), make(chan struct{})
	l.CallSoon(func() {
		close(inside)
		<-resume // the loop waits here while another goroutine misuses it
		l.Stop()
	})
	go func() {
		<-inside
		l.CallSoon(func() {}) // wrong goroutine: reported, not fatal
		close(resume)
	}()
	l.RunForever()
	if !strings.Contains(logs.String(), "CallSoon called from a goroutine that is not the loop's") {
		t.Fatalf("log: %s", logs)
	}
}
