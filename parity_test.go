package aio

// Semantics checked against CPython 3.13's asyncio: each test carries the
// Python program it was compared with, to re-run with
// ~/.pyenv/versions/3.13.0/bin/python3.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// A timeout that fires keeps the cancellation it replaced as the error's
// Cause, without matching ErrCancelled.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    try:
//	        async with asyncio.timeout(0.01):
//	            await asyncio.sleep(1)
//	    except TimeoutError as e:
//	        print("timeout:", type(e.__cause__).__name__)
//	    try:
//	        await asyncio.wait_for(asyncio.sleep(1), 0.01)
//	    except TimeoutError as e:
//	        print("wait_for:", type(e.__cause__).__name__)
//	    try:
//	        await asyncio.wait_for(asyncio.sleep(1), 0)
//	    except TimeoutError as e:
//	        print("wait_for 0:", type(e.__cause__).__name__)
//	    try:
//	        await asyncio.wait_for(loop.create_future(), -1)
//	    except TimeoutError as e:
//	        print("wait_for -1 future:", type(e.__cause__).__name__)
//	asyncio.run(main())
//
// prints CancelledError four times.
func TestTimeoutErrorKeepsCancellation(t *testing.T) {
	sleeper := func(t *Task) (int, error) { return 0, Sleep(t, time.Hour) }
	cases := map[string]func(t *Task) error{
		"Timeout": func(t *Task) error {
			return Timeout(t, time.Second, func(t *Task) error { return Sleep(t, time.Hour) })
		},
		"TimeoutAt": func(t *Task) error {
			return TimeoutAt(t, t.Loop().Time()+time.Second, func(t *Task) error { return Sleep(t, time.Hour) })
		},
		"WaitFor": func(t *Task) error {
			_, err := WaitFor(t, Spawn(t, sleeper), time.Second)
			return err
		},
		"WaitFor 0 on a task": func(t *Task) error {
			_, err := WaitFor(t, Spawn(t, sleeper), 0)
			return err
		},
		"WaitFor -1 on a future": func(t *Task) error {
			_, err := WaitFor(t, NewFuture[int](t.Loop()), -1)
			return err
		},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			l := newTestLoop(t)
			_, err := runMain(t, l, func(t *Task) (struct{}, error) { return struct{}{}, body(t) })
			if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if errors.Is(err, ErrCancelled) {
				t.Fatalf("err = %v matches ErrCancelled: a timeout must not look like a cancellation", err)
			}
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("err = %T, want a *TimeoutError", err)
			}
			if c := te.Cause(); !errors.Is(c, ErrCancelled) {
				t.Fatalf("Cause() = %v, want the cancellation the timeout replaced", c)
			}
		})
	}
}

// Wait with FirstException reads the error it returns on, which marks it
// retrieved; AllCompleted and FirstCompleted read nothing, and a failure
// that completes the set last is not read either (asyncio's check
// short-circuits on the counter first).
//
//	import asyncio, gc
//	def handler(loop, ctx):
//	    print("handler:", ctx["message"], repr(ctx.get("exception")))
//	async def fail(d, name):
//	    await asyncio.sleep(d)
//	    raise ValueError(name)
//	async def ok(d):
//	    await asyncio.sleep(d)
//	async def main(mode):
//	    asyncio.get_running_loop().set_exception_handler(handler)
//	    a = asyncio.create_task(fail(0.01, "a"))
//	    b = asyncio.create_task(fail(0.02, "b"))
//	    c = asyncio.create_task(ok(0.03))
//	    await asyncio.wait([a, b, c], return_when=mode)
//	    await asyncio.sleep(0.05)
//	    del a, b, c
//	async def last(mode):
//	    loop = asyncio.get_running_loop()
//	    loop.set_exception_handler(handler)
//	    a = loop.create_future(); a.set_result(1)
//	    b = loop.create_future(); b.set_exception(ValueError("b"))
//	    await asyncio.wait([a, b], return_when=mode)
//	    del a, b
//	for mode in (asyncio.FIRST_EXCEPTION, asyncio.ALL_COMPLETED, asyncio.FIRST_COMPLETED):
//	    print(mode); asyncio.run(main(mode)); gc.collect()
//	print("last fails"); asyncio.run(last(asyncio.FIRST_EXCEPTION)); gc.collect()
//
// reports b for FIRST_EXCEPTION, a and b for the other two, and b for
// "last fails".
func TestWaitFirstExceptionRetrieves(t *testing.T) {
	fail := func(d time.Duration, name string) func(t *Task) (int, error) {
		return func(t *Task) (int, error) {
			if err := Sleep(t, d); err != nil {
				return 0, err
			}
			return 0, errors.New(name)
		}
	}
	staggered := func(when ReturnWhen) func(t *Task) error {
		return func(t *Task) error {
			fs := []*Future[int]{
				Spawn(t, fail(time.Second, "a")),
				Spawn(t, fail(2*time.Second, "b")),
				Spawn(t, func(t *Task) (int, error) { return 0, Sleep(t, 3*time.Second) }),
			}
			if _, _, err := Wait(t, fs, when, NoTimeout); err != nil {
				return err
			}
			return Sleep(t, 5*time.Second)
		}
	}
	cases := []struct {
		name string
		body func(t *Task) error
		want string // the errors reported as never retrieved
	}{
		{"FirstException", staggered(FirstException), "b"},
		{"AllCompleted", staggered(AllCompleted), "a b"},
		{"FirstCompleted", staggered(FirstCompleted), "a b"},
		{"last fails", func(t *Task) error {
			a, b := NewFuture[int](t.Loop()), NewFuture[int](t.Loop())
			a.SetResult(1)
			b.SetErr(errors.New("b"))
			_, _, err := Wait(t, []*Future[int]{a, b}, FirstException, NoTimeout)
			return err
		}, "b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec recorder
			l := newTestLoop(t, rec.handler())
			if _, err := runMain(t, l, func(t *Task) (struct{}, error) { return struct{}{}, c.body(t) }); err != nil {
				t.Fatal(err)
			}
			l.Close()
			var got []string
			for _, r := range rec.got {
				if !strings.Contains(r.Message, "never retrieved") {
					t.Errorf("unexpected report %q: %v", r.Message, r.Err)
					continue
				}
				got = append(got, r.Err.Error())
			}
			slices.Sort(got)
			if s := strings.Join(got, " "); s != c.want {
				t.Errorf("never retrieved: %q, want %q", s, c.want)
			}
		})
	}
}

// A timeout of 0 (or less) times out at once and NoTimeout never, for
// every API that takes a timeout, as asyncio's 0 and None.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    done_f = loop.create_future(); done_f.set_result("done")
//	    never = loop.create_future()
//	    d, p = await asyncio.wait([done_f, never], timeout=0)
//	    print("wait 0:", len(d), len(p))
//	    d, p = await asyncio.wait([never], timeout=-1)
//	    print("wait -1:", len(d), len(p))
//	    out = []
//	    try:
//	        for f in asyncio.as_completed([done_f, never], timeout=0):
//	            out.append(await f)
//	    except TimeoutError as e:
//	        out.append("TimeoutError cause=%r" % (e.__cause__,))
//	    print("as_completed 0:", out)
//	asyncio.run(main())
//
// prints "wait 0: 1 1", "wait -1: 0 1" and
// "as_completed 0: ['done', 'TimeoutError cause=None']".
func TestTimeoutZeroMeansAtOnce(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (struct{}, error) {
		doneF, never := NewFuture[string](t.Loop()), NewFuture[string](t.Loop())
		doneF.SetResult("done")
		watchdog := t.Loop().CallLater(time.Hour, func() { t.Cancel() }) // a zero timeout read as none would wait forever
		defer watchdog.Cancel()
		start := t.Loop().Time()
		d, p, err := Wait(t, []*Future[string]{doneF, never}, AllCompleted, 0)
		if err != nil || len(d) != 1 || len(p) != 1 {
			return struct{}{}, fmt.Errorf("Wait 0: %d done, %d pending, %v; want 1, 1", len(d), len(p), err)
		}
		d, p, err = Wait(t, []*Future[string]{never}, AllCompleted, -1)
		if err != nil || len(d) != 0 || len(p) != 1 {
			return struct{}{}, fmt.Errorf("Wait -1: %d done, %d pending, %v; want 0, 1", len(d), len(p), err)
		}
		var out []string
		for v, err := range AsCompleted(t, []*Future[string]{doneF, never}, 0) {
			var te *TimeoutError
			switch {
			case errors.As(err, &te) && te.Cause() == nil:
				out = append(out, "timeout")
			case err != nil:
				return struct{}{}, fmt.Errorf("AsCompleted 0: %v", err)
			default:
				out = append(out, v)
			}
		}
		if s := strings.Join(out, " "); s != "done timeout" {
			return struct{}{}, fmt.Errorf("AsCompleted 0 gave %q, want %q", s, "done timeout")
		}
		if now := t.Loop().Time(); now != start {
			return struct{}{}, fmt.Errorf("the zero timeouts took %v of loop time", now-start)
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ConcurrentFuture.ResultTimeout(0) does not wait (concurrent.futures'
// result(timeout=0)); ResultTimeout(NoTimeout) waits until the result
// comes.
func TestResultTimeoutZeroDoesNotWait(t *testing.T) {
	l := startLoop(t)
	release := make(chan struct{})
	cf, err := RunCoroutineThreadsafe(l, func(t *Task) (int, error) {
		if _, err := ToThread(t, func() (struct{}, error) { <-release; return struct{}{}, nil }); err != nil {
			return 0, err
		}
		return 7, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { _, err := cf.ResultTimeout(0); res <- err }()
	select {
	case err := <-res:
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("ResultTimeout(0) on a running task: %v, want a timeout at once", err)
		}
	case <-time.After(ioWatchdog):
		t.Fatal("ResultTimeout(0) waits for the result")
	}
	close(release)
	if v, err := cf.ResultTimeout(NoTimeout); v != 7 || err != nil {
		t.Fatalf("ResultTimeout(NoTimeout) = %d, %v; want 7, nil", v, err)
	}
}

// A task asleep on a timer resumes in the pass after its timer fires,
// after every callback due with it: asyncio's sleep future wakes the task
// through a done callback, which call_soon schedules.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    trace = []
//	    async def sleeper():
//	        await asyncio.sleep(1)
//	        trace.append("sleeper woke")
//	    task = asyncio.create_task(sleeper())
//	    await asyncio.sleep(0)  # the sleeper's timer is scheduled first
//	    when = [h for h in loop._scheduled if not h.cancelled()][0].when()
//	    def cb1():
//	        trace.append("cb1")
//	        loop.call_soon(lambda: trace.append("soon from cb1"))
//	    loop.call_at(when, cb1)
//	    loop.call_at(when, lambda: trace.append("cb2"))
//	    await task
//	    print(trace)
//	asyncio.run(main())
//
// prints ['cb1', 'cb2', 'sleeper woke', 'soon from cb1']. Debug mode (no
// handoff between tasks) must agree.
func TestSleeperWakesAfterCallbacksDueWithIt(t *testing.T) {
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			l := newTestLoop(t, Debug(debug), WithLogger(slog.New(slog.DiscardHandler)))
			var trace []string
			note := func(s string) { trace = append(trace, s) }
			_, err := runMain(t, l, func(t *Task) (struct{}, error) {
				task := Spawn(t, func(t *Task) (struct{}, error) {
					if err := Sleep(t, time.Second); err != nil {
						return struct{}{}, err
					}
					note("sleeper woke")
					return struct{}{}, nil
				})
				if err := Sleep(t, 0); err != nil { // the sleeper's timer is scheduled first
					return struct{}{}, err
				}
				when := l.Time() + time.Second
				l.CallAt(when, func() {
					note("cb1")
					l.CallSoon(func() { note("soon from cb1") })
				})
				l.CallAt(when, func() { note("cb2") })
				return Await(t, task)
			})
			if err != nil {
				t.Fatal(err)
			}
			want := "cb1, cb2, sleeper woke, soon from cb1"
			if got := strings.Join(trace, ", "); got != want {
				t.Fatalf("order %q, want %q", got, want)
			}
		})
	}
}

// A timeout whose deadline is the very time the awaited task's own sleep
// ends times out and cancels the task, whichever timer was scheduled
// first: the timeout's callback runs in the pass the timers fire, and
// the task only resumes in the next, to find itself cancelled.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    async def worker():
//	        await asyncio.sleep(1)
//	        return "value"
//	    w = asyncio.create_task(worker())
//	    await asyncio.sleep(0)  # w's timer is scheduled first
//	    when = [h for h in loop._scheduled if not h.cancelled()][0].when()
//	    try:
//	        async with asyncio.timeout_at(when):  # what wait_for(w, 1) does
//	            print(await w)
//	    except TimeoutError:
//	        print("timed out; worker cancelled:", w.cancelled())
//	asyncio.run(main())
//
// prints "timed out; worker cancelled: True".
func TestWaitForDeadlineEqualToSleep(t *testing.T) {
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			l := newTestLoop(t, Debug(debug), WithLogger(slog.New(slog.DiscardHandler)))
			_, err := runMain(t, l, func(t *Task) (struct{}, error) {
				w := Spawn(t, func(t *Task) (string, error) {
					if err := Sleep(t, time.Second); err != nil {
						return "", err
					}
					return "value", nil
				})
				if err := Sleep(t, 0); err != nil { // w's timer is scheduled first
					return struct{}{}, err
				}
				v, err := WaitFor(t, w, time.Second)
				if !errors.Is(err, ErrTimeout) || !w.Cancelled() {
					return struct{}{}, fmt.Errorf("WaitFor = %q, %v (worker cancelled: %v); want a timeout and a cancelled worker",
						v, err, w.Cancelled())
				}
				return struct{}{}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The same rule when the timer fires at the head of a pass that a task
// begins itself (handoff mode: a task that yields with Sleep(t, 0) runs
// the next pass's head, and a task that suspends hands control straight
// to the next task): the sleeper's step still goes to the back.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    now = [loop.time()]
//	    loop.time = lambda: now[0]  # a clock that moves only when told
//	    trace = []
//	    async def s():
//	        await asyncio.sleep(1)
//	        trace.append("S woke")
//	    async def x():
//	        now[0] += 1  # S's timer is due from now on
//	        for i in range(1, 4):
//	            await asyncio.sleep(0)
//	            trace.append(f"X {i}")
//	    st = asyncio.create_task(s())
//	    await asyncio.sleep(0)  # S starts and sleeps
//	    await asyncio.gather(st, asyncio.create_task(x()))
//	    print(trace)
//	asyncio.run(main())
//
// prints ['X 1', 'X 2', 'S woke', 'X 3'].
func TestSleeperWakesAtTheBackInHandoff(t *testing.T) {
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			l := newTestLoop(t, Debug(debug), WithLogger(slog.New(slog.DiscardHandler)))
			var trace []string
			_, err := runMain(t, l, func(t *Task) (struct{}, error) {
				s := Spawn(t, func(t *Task) (struct{}, error) {
					if err := Sleep(t, time.Second); err != nil {
						return struct{}{}, err
					}
					trace = append(trace, "S woke")
					return struct{}{}, nil
				})
				if err := Sleep(t, 0); err != nil { // S starts and sleeps
					return struct{}{}, err
				}
				x := Spawn(t, func(t *Task) (struct{}, error) {
					l.clock.advanceTo(l.Time() + time.Second) // S's timer is due from now on
					for i := 1; i <= 3; i++ {
						if err := Sleep(t, 0); err != nil {
							return struct{}{}, err
						}
						trace = append(trace, fmt.Sprintf("X %d", i))
					}
					return struct{}{}, nil
				})
				_, err := Gather(t, s, x)
				return struct{}{}, err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(trace, ", "), "X 1, X 2, S woke, X 3"; got != want {
				t.Fatalf("order %q, want %q", got, want)
			}
		})
	}
}

// A cancel that comes after a sleeper's timer fired but before the task
// resumed is delivered when it resumes, once: the task is woken once,
// and its next await waits for real.
//
//	import asyncio
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    f = loop.create_future()
//	    async def worker():
//	        try:
//	            await asyncio.sleep(1)
//	            print("slept")
//	        except asyncio.CancelledError:
//	            print("cancelled")
//	        return await f
//	    w = asyncio.create_task(worker())
//	    await asyncio.sleep(0)  # w's timer is scheduled first
//	    when = [h for h in loop._scheduled if not h.cancelled()][0].when()
//	    loop.call_at(when, w.cancel)  # after w's timer fired, before w resumed
//	    loop.call_at(when + 1, f.set_result, 42)
//	    print(await w)
//	asyncio.run(main())
//
// prints "cancelled" and 42.
func TestCancelBetweenTimerAndWake(t *testing.T) {
	l := newTestLoop(t)
	var trace []string
	v, err := runMain(t, l, func(t *Task) (int, error) {
		f := NewFuture[int](l)
		w := Spawn(t, func(t *Task) (int, error) {
			if err := Sleep(t, time.Second); err != nil {
				trace = append(trace, "cancelled")
			} else {
				trace = append(trace, "slept")
			}
			return Await(t, f)
		})
		if err := Sleep(t, 0); err != nil { // w's timer is scheduled first
			return 0, err
		}
		when := l.Time() + time.Second
		l.CallAt(when, func() { w.Cancel() })
		l.CallAt(when+time.Second, func() { f.SetResult(42) })
		return Await(t, w)
	})
	if err != nil || v != 42 || strings.Join(trace, ",") != "cancelled" {
		t.Fatalf("got %d, %v, trace %q; want 42, nil, \"cancelled\"", v, err, trace)
	}
}

// must returns f, failing the task (by a panic, which becomes its error)
// if SpawnIn refused it.
func must[T any](f *Future[T], err error) *Future[T] {
	if err != nil {
		panic(err)
	}
	return f
}

// A task group that is aborting, or has finished, takes no new task:
// SpawnIn and Go fail and never run the function.
//
//	import asyncio
//	async def main():
//	    ran = []
//	    async def boom():
//	        raise ValueError("boom")
//	    async def late():
//	        ran.append("late")
//	    try:
//	        async with asyncio.TaskGroup() as g:
//	            g.create_task(boom())
//	            try:
//	                await asyncio.sleep(1)
//	            except asyncio.CancelledError:
//	                try:
//	                    g.create_task(late())
//	                except RuntimeError as e:
//	                    print("aborting:", e)
//	                raise
//	    except* ValueError:
//	        pass
//	    try:
//	        g.create_task(late())
//	    except RuntimeError as e:
//	        print("finished:", e)
//	    print("ran:", ran)
//	asyncio.run(main())
//
// prints "aborting: TaskGroup <TaskGroup errors=1 cancelling> is shutting
// down", "finished: TaskGroup <TaskGroup cancelling> is finished" and
// "ran: []".
func TestGroupClosedToNewTasks(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		ran := false
		late := func(t *Task) (int, error) { ran = true; return 0, nil }
		var group *TaskGroup
		var aborting, aborting2 error
		err := Group(t, func(t *Task, g *TaskGroup) error {
			group = g
			g.Go(func(t *Task) error { return boom })
			if err := Sleep(t, time.Second); err == nil { // the group aborts here
				return errors.New("the body's sleep was not cancelled")
			}
			var f *Future[int]
			f, aborting = SpawnIn(g, late)
			if f != nil {
				return errors.New("SpawnIn into an aborting group returned a future")
			}
			aborting2 = g.Go(func(t *Task) error { ran = true; return nil })
			return nil
		})
		if !errors.Is(err, boom) {
			return 0, fmt.Errorf("Group: %v, want boom", err)
		}
		_, finished := SpawnIn(group, late)
		for _, c := range []struct {
			err  error
			want string
		}{
			{aborting, "is shutting down"},
			{aborting2, "is shutting down"},
			{finished, "has finished"},
		} {
			if !errors.Is(c.err, ErrGroupClosed) || !strings.Contains(fmt.Sprint(c.err), c.want) {
				return 0, fmt.Errorf("spawn error %v, want ErrGroupClosed saying %q", c.err, c.want)
			}
		}
		if err := Sleep(t, time.Second); err != nil {
			return 0, err
		}
		if ran {
			return 0, errors.New("a function spawned into a closed group ran")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// NoTimeout never times out, for every API that takes a timeout, and a
// timeout so large that the deadline would overflow the clock reads as
// NoTimeout, not as a deadline in the past.
func TestNoTimeoutNever(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (struct{}, error) {
		if err := Sleep(t, time.Second); err != nil { // now > 0: now+d overflows for huge d
			return struct{}{}, err
		}
		late := func() *Future[int] {
			f := NewFuture[int](l)
			l.CallLater(100*time.Hour, func() { f.SetResult(1) })
			return f
		}
		for _, d := range []time.Duration{NoTimeout, NoTimeout - 1} {
			if v, err := WaitFor(t, late(), d); v != 1 || err != nil {
				return struct{}{}, fmt.Errorf("WaitFor(%d) = %d, %v", d, v, err)
			}
			if err := Timeout(t, d, func(t *Task) error { return Sleep(t, 100*time.Hour) }); err != nil {
				return struct{}{}, fmt.Errorf("Timeout(%d): %v", d, err)
			}
			if done, _, err := Wait(t, []*Future[int]{late()}, AllCompleted, d); len(done) != 1 || err != nil {
				return struct{}{}, fmt.Errorf("Wait(%d): %d done, %v", d, len(done), err)
			}
			for v, err := range AsCompleted(t, []*Future[int]{late()}, d) {
				if v != 1 || err != nil {
					return struct{}{}, fmt.Errorf("AsCompleted(%d): %d, %v", d, v, err)
				}
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Executor.ShutdownTimeout follows the same rule: 0 does not wait for a
// job that blocks, NoTimeout waits until it ends.
func TestShutdownTimeoutRule(t *testing.T) {
	e := NewExecutor(1)
	block := make(chan struct{})
	ended := make(chan struct{})
	if err := e.Submit(func() { <-block; close(ended) }); err != nil {
		t.Fatal(err)
	}
	res := make(chan bool, 1)
	go func() { res <- e.ShutdownTimeout(true, 0) }()
	select {
	case ok := <-res:
		if ok {
			t.Fatal("ShutdownTimeout(true, 0) reported done while a job blocks")
		}
	case <-time.After(ioWatchdog):
		t.Fatal("ShutdownTimeout(true, 0) waits for the job")
	}
	close(block)
	if !e.ShutdownTimeout(true, NoTimeout) {
		t.Fatal("ShutdownTimeout(true, NoTimeout) gave up")
	}
	select {
	case <-ended:
	default:
		t.Fatal("ShutdownTimeout(true, NoTimeout) returned before the job ended")
	}
}
