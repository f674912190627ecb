package aio

// Semantics checked against CPython 3.13's asyncio: each test carries the
// Python program it was compared with, to re-run with
// ~/.pyenv/versions/3.13.0/bin/python3.

import (
	"context"
	"errors"
	"fmt"
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
