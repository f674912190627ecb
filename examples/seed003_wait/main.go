// Command seed003_wait is asyncio.wait from seed 003
// with each return_when of the seed's
// table, and its remark on timeouts.
//
// The Python original:
//
//	async def count(m):
//	    await asyncio.sleep(2)
//	    return m
//
//	async def main():
//	    tasks = [count(i) for i in range(10)]
//	    done, pending = await asyncio.wait(tasks)
//	    for i in done:
//	        print(i.result())
//
//	asyncio.run(main())
//
// followed by the table of return_when values (FIRST_COMPLETED: any one
// done; FIRST_EXCEPTION: any one failed, or all done; ALL_COMPLETED, the
// default: all done) and the remark "wait_for() and wait() do not cancel
// the awaitables when the timeout happens" (wait_for() 和 wait() 在超时发生时
// 不会取消可等待对象). That holds for wait only: wait_for does cancel, and
// this program shows both.
//
// done is a set in Python, printed in no particular order, and since 3.11
// wait refuses coroutines. The checked version (CPython 3.13.0):
//
//	async def count(m):
//	    await asyncio.sleep(2)
//	    return m
//
//	async def fail_after(d):
//	    await asyncio.sleep(d)
//	    raise ValueError(f"failed after {d}s")
//
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    tasks = [asyncio.create_task(count(i)) for i in range(10)]
//	    done, pending = await asyncio.wait(tasks)
//	    for i in tasks:
//	        if i in done:
//	            print(i.result())
//
//	    start = loop.time()
//	    a = asyncio.create_task(count("a"))
//	    b = asyncio.create_task(fail_after(1))
//	    c = asyncio.create_task(asyncio.sleep(3, "c"))
//	    for when in (asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION, asyncio.ALL_COMPLETED):
//	        done, pending = await asyncio.wait([a, b, c], return_when=when)
//	        print(f"{when}: {len(done)} done, {len(pending)} pending at {loop.time()-start:.0f}s")
//	    print("b:", b.exception())
//
//	    slow = asyncio.create_task(asyncio.sleep(10, "slow"))
//	    done, pending = await asyncio.wait([slow], timeout=1)
//	    print(f"wait with timeout: {len(done)} done, {len(pending)} pending, cancelled: {slow.cancelled()}")
//	    try:
//	        await asyncio.wait_for(slow, timeout=1)
//	    except TimeoutError:
//	        print(f"wait_for: TimeoutError, cancelled: {slow.cancelled()}")
//
// It prints what this program prints, but for Go's spelling of booleans.
// aio.Wait returns done and pending in the order of its argument.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func count[T any](m T) func(t *aio.Task) (T, error) {
	return after(2*time.Second, m, nil)
}

// after returns a task body that sleeps d, then returns v and err.
func after[T any](d time.Duration, v T, err error) func(t *aio.Task) (T, error) {
	return func(t *aio.Task) (T, error) {
		if e := aio.Sleep(t, d); e != nil {
			var zero T
			return zero, e
		}
		return v, err
	}
}

func run(w io.Writer, opts ...aio.Option) error {
	return aio.Run(func(t *aio.Task) error {
		l := t.Loop()
		var tasks []*aio.Future[int]
		for i := range 10 {
			tasks = append(tasks, aio.Spawn(t, count(i)))
		}
		done, _, err := aio.Wait(t, tasks, aio.AllCompleted, aio.NoTimeout)
		if err != nil {
			return err
		}
		for _, f := range done {
			v, _ := f.Result()
			fmt.Fprintln(w, v)
		}

		start := l.Time()
		a := aio.Spawn(t, count("a"))
		b := aio.Spawn(t, after(time.Second, "", errors.New("failed after 1s")))
		c := aio.Spawn(t, after(3*time.Second, "c", nil))
		for _, when := range []aio.ReturnWhen{aio.FirstCompleted, aio.FirstException, aio.AllCompleted} {
			done, pending, err := aio.Wait(t, []*aio.Future[string]{a, b, c}, when, aio.NoTimeout)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%v: %d done, %d pending at %s\n", when, len(done), len(pending), seconds(l.Time()-start))
		}
		fmt.Fprintln(w, "b:", b.Err())

		slow := aio.Spawn(t, after(10*time.Second, "slow", nil))
		done2, pending2, err := aio.Wait(t, []*aio.Future[string]{slow}, aio.AllCompleted, time.Second)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "wait with timeout: %d done, %d pending, cancelled: %v\n", len(done2), len(pending2), slow.Cancelled())
		if _, err := aio.WaitFor(t, slow, time.Second); errors.Is(err, aio.ErrTimeout) {
			fmt.Fprintf(w, "wait_for: TimeoutError, cancelled: %v\n", slow.Cancelled())
		}
		return nil
	}, opts...)
}

// seconds formats d in whole seconds, as the Python prints it
// (f"{d:.0f}s"): a run on the real clock, a few milliseconds late, prints
// the same as one on the virtual clock.
func seconds(d time.Duration) string { return fmt.Sprintf("%.0fs", d.Seconds()) }

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
