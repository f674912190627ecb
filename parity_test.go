package aio

// Semantics checked against CPython 3.13's asyncio: each test carries the
// Python program it was compared with, to re-run with
// ~/.pyenv/versions/3.13.0/bin/python3.

import (
	"context"
	"errors"
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
