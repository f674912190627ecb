package aio

import (
	"testing"
	"time"
)

// TestExecutorSubmitsClaimIdleWorkers: two jobs submitted back to back
// while one worker is idle run in parallel. The first may wait for the
// second, so if the idle worker counted for both (it stays counted as
// idle until it runs again), the second would queue behind the first and
// they would deadlock. The 10 s bound only guards against that hang.
func TestExecutorSubmitsClaimIdleWorkers(t *testing.T) {
	for range 50 {
		e := NewExecutor(4)
		warm := make(chan struct{})
		e.Submit(func() { close(warm) })
		<-warm
		if !settled(func() bool { e.mu.Lock(); defer e.mu.Unlock(); return e.idle == 1 }) {
			t.Fatal("the worker never went idle")
		}
		started, release := make(chan struct{}), make(chan struct{})
		e.Submit(func() { <-started; <-release })
		e.Submit(func() { close(started) })
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the second job waited behind the first: one idle worker was counted for both")
		}
		close(release)
		e.Shutdown(true)
	}
}
