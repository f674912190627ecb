// Command seed003_say contrasts awaiting two coroutines one after the other
// with running them as two tasks, from seed 003
// ("asyncio.run(aw)" and
// "asyncio.create_task(aw)").
//
// The Python original:
//
//	import asyncio
//
//	async def say(delay, what):
//	    await asyncio.sleep(delay)
//	    print(what)
//
//	async def main():
//	    await say(1, "hello")
//	    await say(2, "world")
//
//	asyncio.run(main())
//
//	# 替代上文的main
//	async def main():
//	    task1 = asyncio.create_task(say(1, "hello"))
//	    task2 = asyncio.create_task(say(2, "world"))
//	    await task1
//	    await task2
//
// The first main waits 1 s, prints "hello", waits 2 s more, prints
// "world": 3 s, since awaiting a coroutine runs it in sequence
// ("实际上是继发执行了两个异步任务"). The second starts both as tasks:
// "hello" after 1 s, "world" 1 s later, 2 s in all. Checked with CPython
// 3.13.0, each main run by asyncio.run and timed with loop.time(): it
// prints the same lines as this program, with "elapsed 3s" and "elapsed
// 2s" (rounded to whole seconds there and here, so the real clock prints
// what aio.VirtualClock does).
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func say(t *aio.Task, w io.Writer, delay time.Duration, what string) (string, error) {
	if err := aio.Sleep(t, delay); err != nil {
		return "", err
	}
	fmt.Fprintln(w, what)
	return what, nil
}

// sequential awaits one say after the other: 1 s + 2 s.
func sequential(t *aio.Task, w io.Writer) error {
	if _, err := say(t, w, 1*time.Second, "hello"); err != nil {
		return err
	}
	_, err := say(t, w, 2*time.Second, "world")
	return err
}

// concurrent starts both as tasks, then awaits them: max(1 s, 2 s).
func concurrent(t *aio.Task, w io.Writer) error {
	task1 := aio.Spawn(t, func(t *aio.Task) (string, error) { return say(t, w, 1*time.Second, "hello") })
	task2 := aio.Spawn(t, func(t *aio.Task) (string, error) { return say(t, w, 2*time.Second, "world") })
	if _, err := aio.Await(t, task1); err != nil {
		return err
	}
	_, err := aio.Await(t, task2)
	return err
}

// timed runs main with aio.Run (asyncio.run) under a title, then prints
// the loop time it took.
func timed(w io.Writer, title string, main func(t *aio.Task, w io.Writer) error, opts ...aio.Option) error {
	return aio.Run(func(t *aio.Task) error {
		fmt.Fprintln(w, title)
		start := t.Loop().Time()
		if err := main(t, w); err != nil {
			return err
		}
		fmt.Fprintf(w, "elapsed %s\n", seconds(t.Loop().Time()-start))
		return nil
	}, opts...)
}

func run(w io.Writer, opts ...aio.Option) error {
	if err := timed(w, "awaited in sequence:", sequential, opts...); err != nil {
		return err
	}
	return timed(w, "as two tasks:", concurrent, opts...)
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
