package aio

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sleepZeroTrace runs a task that yields with Sleep(t, 0) while callbacks
// of every source become ready (CallSoon, a threadsafe submission, a
// readable fd, a due timer, another task) and returns the order in which
// everything ran.
func sleepZeroTrace(t *testing.T, opts ...Option) []string {
	t.Helper()
	l := newTestLoop(t, opts...)
	fds := socketPair(t, "unix")
	var trace []string
	note := func(s string) func() { return func() { trace = append(trace, s) } }
	_, err := runMain(t, l, func(tk *Task) (int, error) {
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

// mixedTrace runs a seeded random workload of tasks that wake each other
// (events, queues, Sleep on the virtual clock, Sleep(t, 0), eager spawns,
// plain callbacks, IO readiness, cancellations) and returns the order of everything that
// ran. Debug mode never hands control from task to task (every switch goes
// through the loop's goroutine), so comparing a run with it against one
// without checks that the direct handoffs keep the loop's order exactly.
func mixedTrace(t *testing.T, seed uint64, opts ...Option) []string {
	t.Helper()
	l := newTestLoop(t, append([]Option{VirtualClock()}, opts...)...)
	l.SetExceptionHandler(func(*Loop, ExceptionContext) {})
	rng := rand.New(rand.NewPCG(seed, 1))
	var trace []string
	note := func(format string, args ...any) { trace = append(trace, fmt.Sprintf(format, args...)) }
	const workers = 12
	events := make([]*Event, 4)
	for i := range events {
		events[i] = &Event{}
	}
	q := NewQueue[int](0)
	fds := socketPair(t, "unix")
	if err := l.AddReader(fds[0], func() {
		var buf [64]byte
		n, _ := unix.Read(fds[0], buf[:])
		note("readable %d", n)
	}); err != nil {
		t.Fatal(err)
	}
	defer l.RemoveReader(fds[0])
	// Each step of each task is drawn up front, so that both runs do the
	// same work whatever order they run in.
	plans := make([][]int, workers)
	for i := range plans {
		plans[i] = make([]int, 6+rng.IntN(10))
		for j := range plans[i] {
			plans[i][j] = rng.IntN(10)
		}
	}
	var futs []*Future[int]
	_, err := runMain(t, l, func(main *Task) (int, error) {
		for i, plan := range plans {
			var opts []TaskOption
			if i%4 == 3 {
				opts = append(opts, Eager())
			}
			futs = append(futs, Spawn(main, func(tk *Task) (int, error) {
				for j, op := range plan {
					note("t%d.%d op%d", i, j, op)
					var err error
					switch op {
					case 0, 1:
						err = Sleep(tk, 0)
					case 2:
						err = Sleep(tk, time.Duration(1+j%3)*time.Millisecond)
					case 3:
						events[j%len(events)].Set()
						events[j%len(events)].Clear()
					case 4:
						err = Timeout(tk, 2*time.Millisecond, events[(i+j)%len(events)].Wait)
						if errors.Is(err, ErrTimeout) {
							err = nil
						}
					case 5:
						err = q.Put(tk, i*100+j)
					case 6:
						if q.Len() > 0 {
							var v int
							v, err = q.Get(tk)
							note("t%d got %d", i, v)
						}
					case 7:
						l.CallSoon(func() { note("cb from t%d.%d", i, j) })
						err = Sleep(tk, 0)
					case 8:
						Spawn(tk, func(*Task) (int, error) { note("eager child of t%d.%d", i, j); return 0, nil }, Eager())
					case 9:
						_, err = unix.Write(fds[1], []byte{byte(j)})
					}
					if err != nil {
						note("t%d.%d err %v", i, j, err)
						return 0, err
					}
				}
				return i, nil
			}, opts...))
		}
		if err := Sleep(main, time.Millisecond); err != nil {
			return 0, err
		}
		futs[len(futs)/2].Cancel()
		for _, f := range futs {
			v, err := Await(main, f)
			note("joined %d %v", v, err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return trace
}

func TestHandoffKeepsLoopOrder(t *testing.T) {
	sawIO := false
	for seed := range uint64(100) {
		direct := mixedTrace(t, seed)
		viaLoop := mixedTrace(t, seed, Debug(true))
		if !slices.Equal(direct, viaLoop) {
			for i := range min(len(direct), len(viaLoop)) {
				if direct[i] != viaLoop[i] {
					t.Fatalf("seed %d: traces part at %d: %q (handoff) against %q (through the loop)",
						seed, i, direct[i], viaLoop[i])
				}
			}
			t.Fatalf("seed %d: trace lengths %d (handoff) and %d (through the loop)", seed, len(direct), len(viaLoop))
		}
		if len(direct) < 50 {
			t.Fatalf("seed %d: only %d events traced", seed, len(direct))
		}
		sawIO = sawIO || slices.ContainsFunc(direct, func(s string) bool { return strings.HasPrefix(s, "readable") })
	}
	if !sawIO {
		t.Fatal("no IO readiness in any trace")
	}
}

// Handoffs leave worker goroutines parked in each other's coroutine
// slots; stopping a worker (pool overflow while running, then Close) must
// still end every goroutine.
func TestHandoffWorkersAllEnd(t *testing.T) {
	check := checkNoGoroutineLeak(t)
	l, err := NewLoop(VirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	const n = maxIdleWorkers + 300 // more workers than the pool keeps
	_, err = runMain(t, l, func(main *Task) (int, error) {
		var ev Event
		var fs []*Future[int]
		for i := range n {
			fs = append(fs, Spawn(main, func(t *Task) (int, error) {
				for j := range 1 + i%5 {
					if err := Sleep(t, time.Duration(j%2)*time.Millisecond); err != nil {
						return 0, err
					}
				}
				return i, ev.Wait(t)
			}))
		}
		if err := Sleep(main, 10*time.Millisecond); err != nil {
			return 0, err
		}
		ev.Set()
		for i, f := range fs {
			if v, err := Await(main, f); v != i || err != nil {
				return 0, fmt.Errorf("task %d: %v %v", i, v, err)
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.workers) != maxIdleWorkers {
		t.Fatalf("%d idle workers, want the pool full (%d)", len(l.workers), maxIdleWorkers)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	check()
}

// Closing a loop whose suspended tasks sit in workers parked in each
// other's slots unwinds every task (deferred calls run) and ends every
// goroutine; a task that panics midway does not disturb the others.
func TestCloseWithWorkersInForeignSlots(t *testing.T) {
	check := checkNoGoroutineLeak(t)
	l, err := NewLoop(VirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	l.SetExceptionHandler(func(*Loop, ExceptionContext) {})
	var ev Event
	unwound := 0
	const n = 50
	for i := range n {
		CreateTask(l, func(t *Task) (int, error) {
			defer func() { unwound++ }()
			for j := range 3 + i%4 { // handoffs back and forth first
				if err := Sleep(t, 0); err != nil {
					return 0, err
				}
				if i == 7 && j == 2 {
					panic("task 7 breaks")
				}
			}
			return 0, ev.Wait(t) // never set: still suspended at Close
		})
	}
	l.CallLater(time.Second, l.Stop)
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	tasks := AllTasks(l)
	if len(tasks) != n-1 {
		t.Fatalf("%d tasks suspended, want %d", len(tasks), n-1)
	}
	foreign := 0
	for _, tk := range tasks {
		if tk.worker.at != tk.worker {
			foreign++
		}
	}
	if foreign == 0 {
		t.Fatal("no worker parked in another's slot: the test does not test what it says")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if unwound != n {
		t.Fatalf("%d of %d tasks unwound", unwound, n)
	}
	check()
}

// A loop on a goroutine locked to its OS thread (as ServeMultiLoop's
// LockOSThread runs it) switches between tasks too: the runtime requires
// every coroutine switch to happen on the thread and lock state the
// coroutine was made with, which the direct handoffs keep.
func TestHandoffOnLockedThread(t *testing.T) {
	check := checkNoGoroutineLeak(t)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		l, err := NewLoop(NoSignalHandlers())
		if err != nil {
			done <- err
			return
		}
		_, err = RunUntilComplete(l, CreateTask(l, func(main *Task) (int, error) {
			q := NewQueue[int](0)
			back := NewQueue[int](0)
			echo := Spawn(main, func(t *Task) (int, error) {
				for {
					v, err := q.Get(t)
					if err != nil || v < 0 {
						return 0, err
					}
					if err := back.Put(t, v+1); err != nil {
						return 0, err
					}
				}
			})
			for i := range 1000 {
				if err := q.Put(main, i); err != nil {
					return 0, err
				}
				if v, err := back.Get(main); v != i+1 || err != nil {
					return 0, fmt.Errorf("round %d: got %d, %v", i, v, err)
				}
			}
			q.Put(main, -1)
			return Await(main, echo)
		}))
		done <- errors.Join(err, l.Close())
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	check()
}
