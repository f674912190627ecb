package aiotest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// NewLoop makes a loop for a test and closes it when the test ends
// (tb.Cleanup). The loop runs on the virtual clock ([aio.VirtualClock]),
// installs no signal handlers, and has an exception handler that fails
// tb with every report: a panic in a callback, a task error never
// retrieved, a task destroyed while pending when the loop closes. opts
// are applied after these, so a test that expects reports passes its own
// [aio.WithExceptionHandler], and one whose peer is another goroutine or
// process passes [aio.VirtualClockAutojump].
//
// Call it from the test's goroutine.
func NewLoop(tb testing.TB, opts ...aio.Option) *aio.Loop {
	tb.Helper()
	base := []aio.Option{
		aio.VirtualClock(),
		aio.NoSignalHandlers(),
		aio.WithExceptionHandler(failOnException(tb)),
	}
	l, err := aio.NewLoop(append(base, opts...)...)
	if err != nil {
		tb.Fatalf("aiotest: NewLoop: %v", err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// failOnException is an exception handler that fails tb with the report.
// It may run on the loop's goroutine or during the cleanup that closes
// the loop; tb.Errorf is safe from both.
func failOnException(tb testing.TB) aio.ExceptionHandler {
	return func(_ *aio.Loop, c aio.ExceptionContext) {
		msg := "aiotest: loop exception: " + c.Message
		if c.Err != nil {
			msg += ": " + c.Err.Error()
		}
		if c.Task != nil {
			msg += " (" + c.Task.String() + ")"
		}
		tb.Error(msg)
	}
}

// Run runs main as a task on a new loop from [NewLoop] (with opts) and
// fails tb if main returns an error, if tasks are still pending when it
// returns, or if the run hangs (see [RunMain]). It is the usual way to
// run a test's body:
//
//	func TestThing(t *testing.T) {
//		aiotest.Run(t, func(tk *aio.Task) error {
//			return aio.Sleep(tk, time.Hour) // instant on the virtual clock
//		})
//	}
//
// Call it from the test's goroutine.
func Run(tb testing.TB, main func(t *aio.Task) error, opts ...aio.Option) {
	tb.Helper()
	if err := RunMain(tb, NewLoop(tb, opts...), main); err != nil {
		tb.Fatalf("aiotest: main returned an error: %v", err)
	}
}

// RunMain runs main as a task on l until it returns, and returns main's
// error, for tests that expect one. It fails tb if tasks other than main
// are still pending when main returns, listing each with what it waits
// for: a test awaits or cancels what it starts, so that nothing outlives
// it. A [Watchdog] of [WatchdogBound] guards the run: if it fires, the
// test has failed with the report and RunMain stops the test
// (tb.FailNow).
//
// Call it from the test's goroutine, with l not running.
func RunMain(tb testing.TB, l *aio.Loop, main func(t *aio.Task) error) error {
	tb.Helper()
	stop := Watchdog(tb, l, watchdogBound(tb))
	f := aio.CreateTask(l, func(t *aio.Task) (struct{}, error) { return struct{}{}, main(t) })
	_, err := aio.RunUntilComplete(l, f)
	if stop() {
		tb.FailNow()
	}
	if pending := aio.AllTasks(l); len(pending) > 0 {
		tb.Errorf("aiotest: %d task(s) still pending when main returned:\n%s", len(pending), describeTasks(pending))
	}
	return err
}

// WatchdogBound is the real time [Run] and [RunMain] let a run last
// before their watchdog declares it hung. It is a hang guard only: a run
// that ends sooner passes or fails on what it observed, never on how
// long it took. If the test binary's own deadline (go test -timeout) is
// nearer, the watchdog fires shortly before it instead.
const WatchdogBound = 2 * time.Minute

// watchdogBound is WatchdogBound, or less if the test's deadline is
// nearer, so that the watchdog's report comes before the test binary is
// killed.
func watchdogBound(tb testing.TB) time.Duration {
	d := WatchdogBound
	if dl, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if when, ok := dl.Deadline(); ok {
			if left := time.Until(when) * 9 / 10; left < d {
				d = max(left, time.Second)
			}
		}
	}
	return d
}

// describeTasks lists tasks one a line, with what each waits for.
func describeTasks(tasks []*aio.Task) string {
	var b strings.Builder
	for _, t := range tasks {
		where := t.Where()
		if where == "" {
			where = "not started"
		}
		fmt.Fprintf(&b, "\t%v: %s\n", t, where)
	}
	return b.String()
}
