// Command seed000_two_hellos runs the two hello coroutines of seed 000
// (Liao Xuefeng's Python tutorial) as
// tasks on one loop: both say "Hello world!", both sleep one second at
// the same time, both say "Hello again!". The whole run takes one second,
// not two.
//
// The Python original:
//
//	import threading
//	import asyncio
//
//	@asyncio.coroutine
//	def hello():
//	    print('Hello world! (%s)' % threading.currentThread())
//	    yield from asyncio.sleep(1)
//	    print('Hello again! (%s)' % threading.currentThread())
//
//	loop = asyncio.get_event_loop()
//	tasks = [hello(), hello()]
//	loop.run_until_complete(asyncio.wait(tasks))
//	loop.close()
//
// Checked with CPython 3.13.0 (with async def, new_event_loop and the
// coroutines wrapped in loop.create_task, since asyncio.wait no longer
// takes bare coroutines): two "Hello world! (<_MainThread(MainThread,
// ...)>)" lines, a one-second pause, two "Hello again! (...)" lines, all
// naming the same thread.
//
// The tutorial prints the thread to show that one thread ran both
// coroutines. A thread id is not deterministic, so here each task prints
// which loop it runs on, numbered in the order loops are first seen:
// both print "loop #1". The last line gives the loop time the run took.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/aio-go/aio"
)

// loopNames numbers loops in the order they are first seen, the way the
// tutorial's thread names tell threads apart.
type loopNames []*aio.Loop

func (n *loopNames) name(l *aio.Loop) string {
	i := slices.Index(*n, l)
	if i < 0 {
		*n = append(*n, l)
		i = len(*n) - 1
	}
	return fmt.Sprintf("loop #%d", i+1)
}

func hello(t *aio.Task, w io.Writer, names *loopNames) (struct{}, error) {
	fmt.Fprintf(w, "Hello world! (%s)\n", names.name(t.Loop()))
	if err := aio.Sleep(t, time.Second); err != nil {
		return struct{}{}, err
	}
	fmt.Fprintf(w, "Hello again! (%s)\n", names.name(t.Loop()))
	return struct{}{}, nil
}

// waitAll waits until every future is done, as asyncio.wait(tasks) does
// with its default ALL_COMPLETED, and returns the first error.
func waitAll(t *aio.Task, futs ...*aio.Future[struct{}]) (struct{}, error) {
	var errs []error
	for _, f := range futs {
		_, err := aio.Await(t, f)
		errs = append(errs, err)
	}
	return struct{}{}, errors.Join(errs...)
}

func run(w io.Writer, opts ...aio.Option) error {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	var names loopNames // no shared state: the tasks run one at a time on the loop
	helloTask := func(t *aio.Task) (struct{}, error) { return hello(t, w, &names) }
	tasks := []*aio.Future[struct{}]{aio.CreateTask(loop, helloTask), aio.CreateTask(loop, helloTask)}
	start := loop.Time()
	_, err = aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
		return waitAll(t, tasks...)
	}))
	if err == nil {
		fmt.Fprintf(w, "elapsed %s\n", seconds(loop.Time()-start))
	}
	return errors.Join(err, loop.Close())
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
