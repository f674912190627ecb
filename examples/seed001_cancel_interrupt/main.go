// Command seed001_cancel_interrupt cancels every task of a loop when the
// user presses Ctrl-C, from seed 001 (an
// imooc asyncio course, "task取消和子协程调用原理").
//
// The Python original:
//
//	import asyncio
//	import time
//
//	async def get_html(sleep_times):
//	    print("waiting")
//	    await asyncio.sleep(sleep_times)
//	    print("done after {}s".format(sleep_times))
//
//	if __name__ == "__main__":
//	    task1 = get_html(2)
//	    task2 = get_html(3)
//	    task3 = get_html(3)
//
//	    tasks = [task1, task2, task3]
//
//	    loop = asyncio.get_event_loop()
//
//	    try:
//	        loop.run_until_complete(asyncio.wait(tasks))
//	    except KeyboardInterrupt as e:
//	        all_tasks = asyncio.Task.all_tasks()
//	        for task in all_tasks:
//	            print("cancel task")
//	            print(task.cancel())
//	        loop.stop()
//	        loop.run_forever()  # 必须添加,否则会有异常
//	    finally:
//	        loop.close()
//
// Checked with CPython 3.13.0 (new_event_loop, the coroutines wrapped in
// loop.create_task for asyncio.wait, asyncio.all_tasks(loop) for the
// removed Task.all_tasks), sending SIGINT once the three "waiting" lines
// were out: "cancel task" and "True" four times — the three get_html
// tasks and the task running asyncio.wait — and no "done after" line.
// Without a signal it prints "done after 2s" and twice "done after 3s".
// This program prints the same (with Go's "true").
//
// Go has no KeyboardInterrupt: loop.AddSignalHandler(os.Interrupt, ...)
// runs a callback on the loop instead, which stops the loop, so
// RunUntilComplete returns early exactly where Python's raises. As in the
// seed, the cancellations are then delivered by one more pass of the loop
// (Stop, then RunForever), and every task ends cancelled before the loop
// closes. waitAll is asyncio.wait's own design: a plain future completed
// by done callbacks, which a cancel wakes at once.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func getHTML(t *aio.Task, w io.Writer, sleepTimes int) (struct{}, error) {
	fmt.Fprintln(w, "waiting")
	if err := aio.Sleep(t, time.Duration(sleepTimes)*time.Second); err != nil {
		return struct{}{}, err // cancelled
	}
	fmt.Fprintf(w, "done after %ds\n", sleepTimes)
	return struct{}{}, nil
}

// waitAll waits until every future is done, as asyncio.wait(tasks) does
// with its default ALL_COMPLETED: the futures' done callbacks count down
// and complete a waiter future, which the task awaits.
func waitAll(t *aio.Task, futs []*aio.Future[struct{}]) (struct{}, error) {
	waiter := aio.NewFuture[struct{}](t.Loop())
	left := len(futs)
	for _, f := range futs {
		f.AddDoneCallback(func(*aio.Future[struct{}]) {
			if left--; left == 0 && !waiter.Done() {
				waiter.SetResult(struct{}{})
			}
		})
	}
	return aio.Await(t, waiter)
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }() // finally: loop.close()

	tasks := make([]*aio.Future[struct{}], 0, 3)
	for _, s := range []int{2, 3, 3} {
		tasks = append(tasks, aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
			return getHTML(t, w, s)
		}))
	}
	interrupted := false
	if err := loop.AddSignalHandler(os.Interrupt, func() {
		interrupted = true // Python's KeyboardInterrupt...
		loop.Stop()        // ...leaves run_until_complete
	}); err != nil {
		return err
	}

	wait := aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) { return waitAll(t, tasks) })
	_, err = aio.RunUntilComplete(loop, wait)
	if !interrupted {
		return err
	}
	// except KeyboardInterrupt:
	for _, task := range aio.AllTasks(loop) {
		fmt.Fprintln(w, "cancel task")
		fmt.Fprintln(w, task.Cancel())
	}
	loop.Stop()
	return loop.RunForever() // one more pass delivers the cancellations
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
