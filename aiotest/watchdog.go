package aiotest

import (
	"runtime"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Watchdog guards a run of l against hanging. If stop has not been
// called within d of real time, it fails tb with a report of every task
// of l that is not done (what each waits for, from [aio.AllTasks]) and
// the stacks of all goroutines, and stops l, so that the run returns
// ([aio.RunUntilComplete] then returns [aio.ErrLoopStopped]). If l does
// not even run the stop within another d, a callback or task step is
// stuck without returning to the loop: the watchdog then panics with the
// report, ending the test binary as go test's own timeout would.
//
// The bound guards against hangs only; it never decides whether a test
// that finishes passes. stop reports whether the watchdog fired; it
// waits for the report to be made, so that nothing is logged after the
// test ends. Call Watchdog from the test's goroutine before running l,
// and stop once the run is over ([RunMain] does both).
func Watchdog(tb testing.TB, l *aio.Loop, d time.Duration) (stop func() (fired bool)) {
	ended := make(chan struct{})    // stop was called
	finished := make(chan struct{}) // the watchdog made its report
	timer := time.AfterFunc(d, func() {
		defer close(finished)
		bark(tb, l, d, ended)
	})
	return func() bool {
		if timer.Stop() {
			return false
		}
		close(ended)
		<-finished
		return true
	}
}

// bark makes the watchdog's report: it asks l, from its own goroutine,
// for its tasks and to stop.
func bark(tb testing.TB, l *aio.Loop, d time.Duration, ended <-chan struct{}) {
	stacks := allStacks()
	head := "aiotest: watchdog: the run lasted more than " + d.String() + " (hung?)"
	tasks := make(chan string, 1)
	if _, err := l.CallSoonThreadsafe(func() {
		tasks <- describeTasks(aio.AllTasks(l))
		l.Stop()
	}); err != nil {
		tb.Errorf("%s; the loop is closed (%v)\ngoroutines:\n%s", head, err, stacks)
		return
	}
	var list string
	select {
	case list = <-tasks:
	case <-ended: // the run ended meanwhile, right at the bound
		select {
		case list = <-tasks: // the loop ran the report on its way out
		default:
			list = "\t(the run ended before the loop could list them)\n"
		}
	case <-time.After(d):
		panic(head + "; the loop does not respond: a callback or task step does not return\ngoroutines:\n" + stacks)
	}
	tb.Errorf("%s\npending tasks:\n%s\ngoroutines:\n%s", head, list, stacks)
}

// allStacks returns the stacks of all goroutines.
func allStacks() string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}
