package aiotest

import (
	"fmt"
	"maps"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// settle bounds how long the leak checks wait for resources that are
// released asynchronously (the goroutines of stopped coroutines exit
// after the loop closes; a file is closed by its finalizer). A check
// that passes does not wait.
const settle = 10 * time.Second

// CheckGoroutines makes tb fail if goroutines started during the test
// are still running when it ends: the report lists their stacks. Go's
// signal-forwarding goroutine, which the process starts once and keeps,
// is not counted.
//
// Call it first in the test, before [NewLoop]: test cleanups run last
// in, first out, so the check then runs after the loop has closed. The
// count is process-wide, so the check is meaningless for tests that run
// in parallel (t.Parallel). Call it from the test's goroutine.
func CheckGoroutines(tb testing.TB) {
	tb.Helper()
	checkGoroutines(tb, settle)
}

func checkGoroutines(tb testing.TB, settle time.Duration) {
	before := goroutines()
	tb.Cleanup(func() {
		tb.Helper()
		left := waitSettled(settle, func() map[string]string { return added(before, goroutines()) })
		if len(left) > 0 {
			tb.Errorf("aiotest: %d goroutine(s) leaked:\n\n%s", len(left), strings.Join(slices.Sorted(maps.Values(left)), "\n\n"))
		}
	})
}

// CheckFDs makes tb fail if file descriptors opened during the test are
// still open when it ends: the report lists each with what it is
// ("socket:[1234]", "anon_inode:[eventpoll]", a path). It reads
// /proc/self/fd and skips the test where there is none. Go's runtime
// opens its poller's descriptors on first use and keeps them; CheckFDs
// makes them exist before it counts.
//
// Call it first in the test, before [NewLoop], for the reason given at
// [CheckGoroutines]; like it, it does not work for parallel tests. Call
// it from the test's goroutine.
func CheckFDs(tb testing.TB) {
	tb.Helper()
	checkFDs(tb, settle)
}

func checkFDs(tb testing.TB, settle time.Duration) {
	tb.Helper()
	warmPoller()
	runtime.GC() // let finalizers close what earlier tests dropped
	before, err := openFDs()
	if err != nil {
		tb.Skipf("aiotest: cannot list open fds: %v", err)
	}
	tb.Cleanup(func() {
		tb.Helper()
		left := waitSettled(settle, func() map[string]string {
			runtime.GC()
			now, err := openFDs()
			if err != nil {
				return map[string]string{"": err.Error()}
			}
			return added(before, now)
		})
		if len(left) > 0 {
			tb.Errorf("aiotest: %d fd(s) leaked: %s", len(left), strings.Join(slices.Sorted(maps.Values(left)), ", "))
		}
	})
}

// waitSettled calls leaked until it returns nothing or settle has
// passed, and returns its last answer.
func waitSettled(settle time.Duration, leaked func() map[string]string) map[string]string {
	deadline := time.Now().Add(settle)
	for pause := time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		left := leaked()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(pause)
	}
}

// added returns the entries of now whose key is not in before.
func added(before, now map[string]string) map[string]string {
	for k := range before {
		delete(now, k)
	}
	return now
}

// goroutines returns the stacks of the running goroutines by id, leaving
// out the runtime's signal forwarder.
func goroutines() map[string]string {
	out := map[string]string{}
	for _, g := range strings.Split(allStacks(), "\n\n") {
		id, _, ok := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
		if !ok || strings.Contains(g, "os/signal.signal_recv") {
			continue
		}
		out[id] = g
	}
	return out
}

// openFDs returns the process's open fds, keyed by number and target so
// that an fd closed and reopened as something else counts as new.
func openFDs() (map[string]string, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ents))
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the fd of the directory listing itself, now closed
		}
		out[e.Name()+" "+target] = fmt.Sprintf("fd %s (%s)", e.Name(), target)
	}
	return out, nil
}

// warmPoller makes Go's runtime open its poller fds, which it then keeps
// for the life of the process.
func warmPoller() {
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
}
