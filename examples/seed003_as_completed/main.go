// Command seed003_as_completed is asyncio.as_completed from seed 003:
// results come out in the order the
// tasks finish, not the order they were started; and, as Python 3.13
// allows, with an overall timeout.
//
// The Python original:
//
//	async def count(m):
//	    await asyncio.sleep(3)
//	    return m
//
//	async def main():
//	    tasks = [count(i) for i in range(10)]
//	    for task in asyncio.as_completed(tasks):
//	        result = await task
//	        print(result)
//
//	asyncio.run(main())
//
// There every task sleeps 3 seconds, so they all finish together, and
// as_completed, which turns the coroutines into tasks in the order of a
// set, prints 0 to 9 in an order that can change from run to run. The
// checked version (CPython 3.13.0) makes the tasks itself and gives them
// different durations so that the completion order shows, then adds a
// timeout:
//
//	async def count(m):
//	    await asyncio.sleep(3 - m % 3)
//	    return m
//
//	async def main():
//	    tasks = [asyncio.create_task(count(i)) for i in range(10)]
//	    for task in asyncio.as_completed(tasks):
//	        result = await task
//	        print(result)
//	    tasks = [asyncio.create_task(count(i)) for i in range(3)]
//	    try:
//	        for task in asyncio.as_completed(tasks, timeout=2.5):
//	            print(await task)
//	    except TimeoutError:
//	        print("TimeoutError")
//	    await asyncio.gather(*tasks)
//
// It prints what this program prints. In Go, as_completed is a
// range-over-func iterator of (value, error) pairs.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func count(m int) func(t *aio.Task) (int, error) {
	return func(t *aio.Task) (int, error) {
		if err := aio.Sleep(t, time.Duration(3-m%3)*time.Second); err != nil {
			return 0, err
		}
		return m, nil
	}
}

func run(w io.Writer, opts ...aio.Option) error {
	return aio.Run(func(t *aio.Task) error {
		var tasks []*aio.Future[int]
		for i := range 10 {
			tasks = append(tasks, aio.Spawn(t, count(i)))
		}
		for result, err := range aio.AsCompleted(t, tasks, aio.NoTimeout) {
			if err != nil {
				return err
			}
			fmt.Fprintln(w, result)
		}

		tasks = tasks[:0]
		for i := range 3 {
			tasks = append(tasks, aio.Spawn(t, count(i)))
		}
		for result, err := range aio.AsCompleted(t, tasks, 2500*time.Millisecond) {
			if errors.Is(err, aio.ErrTimeout) {
				fmt.Fprintln(w, "TimeoutError")
				break
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(w, result)
		}
		_, err := aio.Gather(t, tasks...) // the late one was not cancelled
		return err
	}, opts...)
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
