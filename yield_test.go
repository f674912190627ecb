package aio

import (
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// sleepZeroTrace runs a task that yields with Sleep(t, 0) while callbacks
// of every source become ready (CallSoon, a threadsafe submission, a
// readable fd, a due timer, another task) and returns the order in which
// everything ran.
func sleepZeroTrace(t *testing.T, opts ...Option) []string {
	t.Helper()
	l := newTestLoop(t, opts...)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	var trace []string
	note := func(s string) func() { return func() { trace = append(trace, s) } }
	_, err = runMain(t, l, func(tk *Task) (int, error) {
		for i := range 8 {
			switch i {
			case 1:
				l.CallSoon(note("soon"))
			case 2:
				submitted := make(chan struct{})
				go func() { l.CallSoonThreadsafe(note("threadsafe")); close(submitted) }()
				<-submitted
			case 6:
				if _, err := unix.Write(fds[1], []byte{1}); err != nil {
					return 0, err
				}
				if err := l.AddReader(fds[0], func() {
					trace = append(trace, "readable")
					l.RemoveReader(fds[0])
				}); err != nil {
					return 0, err
				}
			case 4:
				l.CallLater(0, note("timer"))
			case 5:
				Spawn(tk, func(*Task) (int, error) { trace = append(trace, "task"); return 0, nil })
			}
			if err := Sleep(tk, 0); err != nil {
				return 0, err
			}
			trace = append(trace, "yield")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return trace
}

// Sleep(t, 0) with nothing else ready runs the loop's next pass on the
// task's own coroutine (passInline); with debug mode on it always switches.
// Both must run everything in the same order.
func TestSleepZeroInlinePassKeepsOrder(t *testing.T) {
	inline := sleepZeroTrace(t)
	switched := sleepZeroTrace(t, Debug(true))
	// The loop's pass order (see Loop): threadsafe submissions, IO, due
	// timers, then what was ready when the pass began, in FIFO order.
	want := []string{"yield", "soon", "yield", "yield", "threadsafe", "yield",
		"yield", "timer", "task", "yield", "readable", "yield", "yield"}
	if !slices.Equal(switched, want) {
		t.Fatalf("with switches: %q, want %q", switched, want)
	}
	if !slices.Equal(inline, want) {
		t.Fatalf("inline: %q, want %q", inline, want)
	}
}

// A task that only yields does not keep a stopped loop running.
func TestSleepZeroLoopStops(t *testing.T) {
	l := newTestLoop(t)
	n := 0
	f := CreateTask(l, func(t *Task) (int, error) {
		for {
			if n++; n == 100 {
				t.Loop().Stop()
			}
			if err := Sleep(t, 0); err != nil {
				return n, err
			}
		}
	})
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if f.Done() || n != 100 {
		t.Fatalf("after Stop: done=%v yields=%d, want pending after 100", f.Done(), n)
	}
	f.Cancel()
	if _, err := RunUntilComplete(l, f); !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancelled spinner: %v", err)
	}
}
