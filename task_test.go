package aio

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSpawnAwaitConcurrently(t *testing.T) {
	l := newTestLoop(t)
	words, err := runMain(t, l, func(t *Task) ([]string, error) {
		say := func(d time.Duration, what string) func(*Task) (string, error) {
			return func(t *Task) (string, error) { return what, Sleep(t, d) }
		}
		hello := Spawn(t, say(time.Second, "hello"))
		world := Spawn(t, say(2*time.Second, "world"))
		a, err := Await(t, hello)
		if err != nil {
			return nil, err
		}
		b, err := Await(t, world)
		return []string{a, b}, err
	})
	if err != nil || strings.Join(words, " ") != "hello world" {
		t.Fatalf("%v %v", words, err)
	}
	if l.Time() != 2*time.Second {
		t.Fatalf("took %v of loop time, want 2s (concurrent, not 3s)", l.Time())
	}
}

func TestTaskErrorAndPanic(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		f := Spawn(t, func(t *Task) (int, error) { return 0, boom })
		if _, err := Await(t, f); err != boom {
			return 0, fmt.Errorf("error task: %v", err)
		}
		p := Spawn(t, func(t *Task) (int, error) {
			Sleep(t, 0)
			var m map[string]int
			m["x"] = 1 // nil map write: a runtime panic
			return 0, nil
		})
		_, err := Await(t, p)
		var pe *PanicError
		if !errors.As(err, &pe) || !strings.Contains(string(pe.Stack), "task_test.go") {
			return 0, fmt.Errorf("panic task: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCancelSleepingTask(t *testing.T) {
	l := newTestLoop(t)
	var sawErr error
	_, err := runMain(t, l, func(t *Task) (int, error) {
		child := Spawn(t, func(t *Task) (int, error) {
			sawErr = Sleep(t, time.Hour)
			return 0, sawErr
		})
		Sleep(t, time.Second)
		if !child.CancelWith("enough") {
			return 0, errors.New("Cancel returned false")
		}
		_, err := Await(t, child)
		if !errors.Is(err, ErrCancelled) || !child.Cancelled() {
			return 0, fmt.Errorf("await cancelled child: %v", err)
		}
		if child.Cancel() {
			return 0, errors.New("Cancel of a finished task returned true")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var ce *CancelledError
	if !errors.As(sawErr, &ce) || ce.Msg != "enough" {
		t.Fatalf("Sleep returned %v", sawErr)
	}
	if l.Time() != time.Second {
		t.Fatalf("loop time %v: the cancelled sleep was waited out", l.Time())
	}
}

// The body may refuse a cancellation by carrying on (seed 004: catching
// CancelledError without re-raising).
func TestCancelRefused(t *testing.T) {
	l := newTestLoop(t)
	var log []string
	v, err := runMain(t, l, func(t *Task) (string, error) {
		child := Spawn(t, func(t *Task) (string, error) {
			if err := Sleep(t, 2*time.Second); errors.Is(err, ErrCancelled) {
				log = append(log, "caught cancel")
			}
			if err := Sleep(t, 3*time.Second); err != nil {
				return "", err
			}
			log = append(log, "end")
			return "finished anyway", nil
		})
		Sleep(t, time.Second)
		child.Cancel()
		return Await(t, child)
	})
	if err != nil || v != "finished anyway" {
		t.Fatalf("%q %v", v, err)
	}
	if strings.Join(log, ",") != "caught cancel,end" || l.Time() != 4*time.Second {
		t.Fatalf("log %v at %v", log, l.Time())
	}
}

func TestCancelBeforeStartNeverRuns(t *testing.T) {
	l := newTestLoop(t)
	ran := false
	f := CreateTask(l, func(t *Task) (int, error) { ran = true; return 1, nil })
	f.Cancel()
	_, err := RunUntilComplete(l, f)
	if ran || !errors.Is(err, ErrCancelled) {
		t.Fatalf("ran=%v err=%v", ran, err)
	}
}

func TestCancelPropagatesToAwaitedTask(t *testing.T) {
	l := newTestLoop(t)
	var innerErr error
	_, err := runMain(t, l, func(t *Task) (int, error) {
		inner := Spawn(t, func(t *Task) (int, error) {
			innerErr = Sleep(t, time.Hour)
			return 0, innerErr
		})
		outer := Spawn(t, func(t *Task) (int, error) { return Await(t, inner) })
		Sleep(t, time.Second)
		outer.Cancel()
		_, err := Await(t, outer)
		if !errors.Is(err, ErrCancelled) || !inner.Cancelled() {
			return 0, fmt.Errorf("outer %v, inner cancelled %v", err, inner.Cancelled())
		}
		return 0, nil
	})
	if err != nil || !errors.Is(innerErr, ErrCancelled) {
		t.Fatalf("%v / inner %v", err, innerErr)
	}
}

func TestCancellingAndUncancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var counts []int
		child := Spawn(t, func(t *Task) (int, error) {
			err := Sleep(t, time.Hour)
			counts = append(counts, t.Cancelling())
			if t.Uncancel() != 1 {
				return 0, errors.New("Uncancel count")
			}
			t.Uncancel()
			counts = append(counts, t.Cancelling())
			if err2 := Sleep(t, time.Second); err2 != nil {
				return 0, fmt.Errorf("cancelled again after uncancel: %w", err2)
			}
			return 0, err // report the first cancel as the result
		})
		Sleep(t, 0)
		child.Cancel()
		child.Cancel() // second request while the first is pending
		_, err := Await(t, child)
		if !errors.Is(err, ErrCancelled) || !equal(counts, []int{2, 0}) {
			return 0, fmt.Errorf("err %v counts %v", err, counts)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Uncancel to zero drops a cancellation that was requested but not yet
// delivered (CPython 3.13).
func TestUncancelDropsPendingCancel(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		t.Cancel() // a task may cancel itself; delivered at its next await
		t.Uncancel()
		return 0, Sleep(t, time.Second)
	})
	if err != nil {
		t.Fatalf("withdrawn cancel still delivered: %v", err)
	}
}

func TestSelfCancelDeliveredAtNextAwait(t *testing.T) {
	l := newTestLoop(t)
	steps := 0
	f := CreateTask(l, func(t *Task) (int, error) {
		t.Cancel()
		steps++
		err := Sleep(t, time.Second)
		steps++
		return 0, err
	})
	_, err := RunUntilComplete(l, f)
	if !errors.Is(err, ErrCancelled) || steps != 2 || l.Time() != 0 {
		t.Fatalf("err %v steps %d at %v", err, steps, l.Time())
	}
}

func TestCancelRightBeforeReturnCancelsTask(t *testing.T) {
	l := newTestLoop(t)
	f := CreateTask(l, func(t *Task) (int, error) { t.Cancel(); return 42, nil })
	_, err := RunUntilComplete(l, f)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("a task that cancelled itself and returned: %v", err)
	}
}

func TestSleepZeroYieldsOnce(t *testing.T) {
	l := newTestLoop(t)
	var log []string
	worker := func(name string) func(*Task) (int, error) {
		return func(t *Task) (int, error) {
			for i := range 3 {
				log = append(log, fmt.Sprint(name, i))
				Sleep(t, 0)
			}
			return 0, nil
		}
	}
	a := CreateTask(l, worker("a"))
	CreateTask(l, worker("b"))
	RunUntilComplete(l, a)
	if s := strings.Join(log, " "); s != "a0 b0 a1 b1 a2 b2" {
		t.Fatalf("interleaving %q", s)
	}
}

func TestAwaitDoneFutureDoesNotSuspend(t *testing.T) {
	l := newTestLoop(t)
	var log []string
	f := NewFuture[int](l)
	f.SetResult(1)
	main := CreateTask(l, func(t *Task) (int, error) {
		l.CallSoon(func() { log = append(log, "callback") })
		v, err := Await(t, f)
		log = append(log, "awaited")
		return v, err
	})
	RunUntilComplete(l, main)
	if strings.Join(log, ",") != "awaited,callback" {
		t.Fatalf("order %v: awaiting a done future suspended", log)
	}
}

func TestAwaitSelfIsAnError(t *testing.T) {
	l := newTestLoop(t)
	var self *Future[int]
	self = CreateTask(l, func(t *Task) (int, error) {
		_, err := Await(t, self)
		if err == nil || !strings.Contains(err.Error(), "itself") {
			return 0, fmt.Errorf("await self: %v", err)
		}
		return 1, nil
	})
	if _, err := RunUntilComplete(l, self); err != nil {
		t.Fatal(err)
	}
}

func TestAwaitFromWrongGoroutinePanics(t *testing.T) {
	l := newTestLoop(t, Debug(true))
	var stray *Task
	var msg string
	f := NewFuture[int](l)
	main := CreateTask(l, func(t *Task) (int, error) {
		stray = t
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { msg = fmt.Sprint(recover()) }()
			Await(stray, f)
		}()
		wg.Wait()
		return 0, nil
	})
	RunUntilComplete(l, main)
	if !strings.Contains(msg, "not the task's") {
		t.Fatalf("panic message %q", msg)
	}
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		Await(stray, f)
	}()
	if !strings.Contains(msg, "has finished") {
		t.Fatalf("panic message %q", msg)
	}
	other := CreateTask(l, func(t *Task) (int, error) { return 0, Sleep(t, time.Second) })
	l.CallSoon(l.Stop)
	l.RunForever() // other is now parked
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		Sleep(other.Task(), 0)
	}()
	if !strings.Contains(msg, "not the running task") {
		t.Fatalf("panic message %q", msg)
	}
	other.Cancel()
	RunUntilComplete(l, other)
}

func TestEagerTaskRunsInline(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var log []string
		f := Spawn(t, func(t *Task) (int, error) { log = append(log, "child"); return 7, nil }, Eager())
		log = append(log, "parent")
		if !f.Done() || strings.Join(log, ",") != "child,parent" {
			return 0, fmt.Errorf("eager task did not finish inline: %v", log)
		}
		g := Spawn(t, func(t *Task) (int, error) {
			log = append(log, "g1")
			Sleep(t, time.Second)
			log = append(log, "g2")
			return 8, nil
		}, Eager(), Name("eager-sleeper"))
		log = append(log, "after g")
		v, err := Await(t, g)
		if v != 8 || err != nil || strings.Join(log, ",") != "child,parent,g1,after g,g2" {
			return 0, fmt.Errorf("eager suspending task: %v %v %v", v, err, log)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIntrospection(t *testing.T) {
	l := newTestLoop(t, Debug(true))
	_, err := runMain(t, l, func(t *Task) (int, error) {
		if CurrentTask(l) != t || t.State() != TaskRunning {
			return 0, errors.New("CurrentTask/State of the running task")
		}
		f := Spawn(t, func(t *Task) (int, error) { return 0, Sleep(t, time.Minute) }, Name("sleeper"))
		Sleep(t, 0)
		s := f.Task()
		all := AllTasks(l)
		if len(all) != 2 || all[1] != s || s.Name() != "sleeper" || s.State() != TaskSuspended {
			return 0, fmt.Errorf("AllTasks %v", all)
		}
		if w := s.Where(); !strings.Contains(w, "sleeping until 1m0s") || !strings.Contains(w, "task_test.go") {
			return 0, fmt.Errorf("Where %q", w)
		}
		s.SetName("renamed")
		if !strings.Contains(s.String(), `"renamed"`) || !strings.HasPrefix(t.Name(), "Task-") {
			return 0, fmt.Errorf("names %s %s", s, t.Name())
		}
		s.Cancel()
		Await(t, f)
		if s.State() != TaskCancelled || len(AllTasks(l)) != 1 || CurrentTask(l) != t {
			return 0, fmt.Errorf("after cancel: %v %v", s.State(), AllTasks(l))
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if CurrentTask(l) != nil {
		t.Fatal("CurrentTask outside any task")
	}
}

func TestTaskDoneCallback(t *testing.T) {
	l := newTestLoop(t)
	var got string
	f := CreateTask(l, func(t *Task) (string, error) { return "bobby", Sleep(t, 2*time.Second) })
	f.Task().AddDoneCallback(func(t *Task) { got = "done " + t.Name() })
	f.AddDoneCallback(func(f *Future[string]) { v, _ := f.Result(); got += " " + v })
	RunUntilComplete(l, f)
	l.CallSoon(l.Stop)
	l.RunForever()
	if got != "done Task-1 bobby" {
		t.Fatalf("%q", got)
	}
}

// AllTasks finds every kind of task not done: suspended, fresh (in the
// ready queue, never run), running, and interrupted by an eager task.
func TestAllTasksEveryKind(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(main *Task) (int, error) {
		sleeper := Spawn(main, func(t *Task) (int, error) { return 0, Sleep(t, time.Hour) }, Name("sleeper"))
		if err := Sleep(main, 0); err != nil {
			return 0, err
		}
		fresh := Spawn(main, func(t *Task) (int, error) { return 0, nil }, Name("fresh"))
		var seen []*Task
		eager := Spawn(main, func(t *Task) (int, error) {
			seen = AllTasks(l)
			return 0, nil
		}, Eager(), Name("eager"))
		want := []*Task{main, sleeper.Task(), fresh.Task(), eager.Task()}
		if !slices.Equal(seen, want) {
			return 0, fmt.Errorf("AllTasks inside the eager task = %v, want %v", seen, want)
		}
		if got := AllTasks(l); !slices.Equal(got, want[:3]) {
			return 0, fmt.Errorf("AllTasks after it = %v, want %v", got, want[:3])
		}
		sleeper.Cancel()
		_, err := Await(main, fresh)
		if got := AllTasks(l); !slices.Equal(got, want[:1]) || err != nil {
			return 0, fmt.Errorf("AllTasks at the end = %v (%v), want only main", got, err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A task that never started is reported at close and its body never runs.
func TestCloseDropsFreshTasks(t *testing.T) {
	var rec recorder
	l, _ := NewLoop(rec.handler())
	ran := false
	f := CreateTask(l, func(t *Task) (int, error) { ran = true; return 0, nil })
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if ran || !f.Cancelled() || !strings.Contains(rec.messages(), "destroyed but it is pending") {
		t.Fatalf("ran=%v cancelled=%v reports %q", ran, f.Cancelled(), rec.messages())
	}
}

func TestCloseUnwindsPendingTasks(t *testing.T) {
	var rec recorder
	l, _ := NewLoop(VirtualClock(), rec.handler())
	cleaned := false
	f := CreateTask(l, func(t *Task) (int, error) {
		defer func() { cleaned = true }()
		return 0, Sleep(t, time.Hour)
	})
	notStarted := CreateTask(l, func(t *Task) (int, error) { return 0, nil })
	l.CallSoon(func() { notStarted.Task().Cancel() })
	l.CallLater(time.Second, l.Stop)
	l.RunForever()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !cleaned || !f.Cancelled() {
		t.Fatalf("pending task not unwound: cleaned=%v state=%v", cleaned, f.Task().State())
	}
	if !strings.Contains(rec.messages(), "destroyed but it is pending") {
		t.Fatalf("reports %q", rec.messages())
	}
}

func TestManyTasksReuseWorkers(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		futs := make([]*Future[int], 5000)
		for i := range futs {
			futs[i] = Spawn(t, func(t *Task) (int, error) {
				if err := Sleep(t, time.Duration(i%10)*time.Millisecond); err != nil {
					return 0, err
				}
				return i, nil
			})
		}
		sum := 0
		for _, f := range futs {
			v, err := Await(t, f)
			if err != nil {
				return 0, err
			}
			sum += v
		}
		if sum != 5000*4999/2 {
			return 0, fmt.Errorf("sum %d", sum)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(l.workers); n == 0 || n > maxIdleWorkers {
		t.Fatalf("idle pool holds %d workers", n)
	}
}

// An eager task started by a plain callback hands control back to that
// callback when it ends: the callback's rest runs before the next ready
// task, as in CPython 3.12.
func TestEagerTaskInCallbackKeepsOrder(t *testing.T) {
	l := newTestLoop(t)
	var order []string
	note := func(s string) func(*Task) (int, error) {
		return func(*Task) (int, error) { order = append(order, s); return 0, nil }
	}
	l.CallSoon(func() {
		CreateTask(l, note("eager"), Eager())
		order = append(order, "callback rest")
	})
	CreateTask(l, note("next task"))
	l.CallSoon(l.Stop)
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"eager", "callback rest", "next task"}; !slices.Equal(order, want) {
		t.Fatalf("order %q, want %q", order, want)
	}
}

// The hot paths of the core allocate what the benchmarks claim: one
// allocation per spawned task (options included), none per Sleep(t, 0)
// switch, none per await of a done future.
func TestCoreAllocs(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(tk *Task) (int, error) {
		nop := func(*Task) (int, error) { return 1, nil }
		var err error
		var partner *Future[int]
		stop := false
		checks := []struct {
			what string
			want float64
			fn   func()
		}{
			{"Spawn", 1, func() { Spawn(tk, nop) }},
			{"Spawn with Eager", 1, func() { Spawn(tk, nop, Eager()) }},
			{"Sleep(t, 0) alone", 0, func() { err = errors.Join(err, Sleep(tk, 0)) }},
			{"Sleep(t, 0) switching to another task", 0, func() {
				if partner == nil {
					partner = Spawn(tk, func(t *Task) (int, error) {
						for !stop {
							if err := Sleep(t, 0); err != nil {
								return 0, err
							}
						}
						return 0, nil
					})
				}
				err = errors.Join(err, Sleep(tk, 0))
			}},
		}
		done := Spawn(tk, nop)
		for _, c := range checks {
			if got := testing.AllocsPerRun(1000, c.fn); got != c.want {
				return 0, fmt.Errorf("%s: %v allocations, want %v", c.what, got, c.want)
			}
		}
		if got := testing.AllocsPerRun(1000, func() { Await(tk, done) }); got != 0 {
			return 0, fmt.Errorf("await of a done future: %v allocations", got)
		}
		stop = true
		_, perr := Await(tk, partner)
		return 0, errors.Join(err, perr)
	})
	if err != nil {
		t.Fatal(err)
	}
}
