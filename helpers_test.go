package aio

import (
	"bytes"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestLoop makes a virtual-clock loop closed at the end of the test.
func newTestLoop(tb testing.TB, opts ...Option) *Loop {
	tb.Helper()
	l, err := NewLoop(append([]Option{VirtualClock()}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// runMain runs fn as a task on l until it completes.
func runMain[T any](tb testing.TB, l *Loop, fn func(t *Task) (T, error)) (T, error) {
	tb.Helper()
	return RunUntilComplete(l, CreateTask(l, fn))
}

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func captureLogger() (*logBuffer, Option) {
	b := &logBuffer{}
	return b, WithLogger(slog.New(slog.NewTextHandler(b, nil)))
}

// recorder collects exception-handler reports.
type recorder struct{ got []ExceptionContext }

func (r *recorder) handler() Option {
	return WithExceptionHandler(func(_ *Loop, c ExceptionContext) { r.got = append(r.got, c) })
}

func (r *recorder) messages() string {
	var s []string
	for _, c := range r.got {
		s = append(s, c.Message)
	}
	return strings.Join(s, "; ")
}

// checkNoGoroutineLeak fails if the goroutine count does not come back to
// what it was; goroutines of stopped coroutines exit asynchronously, so it
// waits (bounded) for the count to settle.
func checkNoGoroutineLeak(tb testing.TB) func() {
	before := runtime.NumGoroutine()
	return func() {
		tb.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				tb.Fatalf("goroutines leaked: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
