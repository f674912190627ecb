package coro_test

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// checkNoLeak records the number of goroutines now and returns a function
// that fails t if, after a short grace period, more are running. Tests that
// use it do not call t.Parallel, so that other tests' goroutines do not
// count.
func checkNoLeak(t testing.TB) func() {
	t.Helper()
	base := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= base {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Fatalf("goroutine leak: %d goroutines, want at most %d\n%s", n, base, buf)
			}
			runtime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
}

// countCoroGoroutines counts goroutines whose stack shows an iter.Pull
// coroutine: those the package creates.
func countCoroGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	c := 0
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "iter.Pull") {
			c++
		}
	}
	return c
}
