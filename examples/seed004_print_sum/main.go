// Command seed004_print_sum is the task that awaits a sub-coroutine from
// seed 004 ("eventloop"): print_sum awaits
// compute, which sleeps, and the loop resumes the chain when the sleep is
// over.
//
// The Python original:
//
//	import asyncio
//
//	async def compute(x, y):
//	    print("Compute %s + %s ..." % (x, y))
//	    await asyncio.sleep(1.0) # e)
//	    return x + y
//
//	async def print_sum(x, y):
//	    result = await compute(x, y) #d)
//	    print("%s + %s = %s" % (x, y, result))
//
//	loop = asyncio.get_event_loop() # a)
//	task = loop.creat_task(print_sum(1, 2)) # b)
//	loop.run_until_complete(task) # c)
//	loop.close()
//
// Checked with CPython 3.13.0 (with the seed's typo creat_task fixed to
// create_task, and new_event_loop): "Compute 1 + 2 ...", one second later
// "1 + 2 = 3". This program prints the same.
//
// "await compute(x, y)" on a coroutine is a plain Go call: compute takes
// the task and suspends it in aio.Sleep, so print_sum waits without a task
// of its own.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func compute(t *aio.Task, w io.Writer, x, y int) (int, error) {
	fmt.Fprintf(w, "Compute %d + %d ...\n", x, y)
	if err := aio.Sleep(t, time.Second); err != nil { // e)
		return 0, err
	}
	return x + y, nil
}

func printSum(t *aio.Task, w io.Writer, x, y int) (struct{}, error) {
	result, err := compute(t, w, x, y) // d)
	if err != nil {
		return struct{}{}, err
	}
	fmt.Fprintf(w, "%d + %d = %d\n", x, y, result)
	return struct{}{}, nil
}

func run(w io.Writer, opts ...aio.Option) error {
	loop, err := aio.NewLoop(opts...) // a)
	if err != nil {
		return err
	}
	task := aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) { return printSum(t, w, 1, 2) }) // b)
	_, err = aio.RunUntilComplete(loop, task)                                                         // c)
	return errors.Join(err, loop.Close())
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
