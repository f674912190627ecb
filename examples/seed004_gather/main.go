// Command seed004_gather is asyncio.gather from seed 004:
// gather makes one future (outer) of
// several, whose result is the list of their results in the order they
// were given (result顺序和 futures 顺序一一对应).
//
// The Python original:
//
//	async def cor1():
//	    print("cor1")
//	    return "cor1 result"
//
//	async def cor2():
//	    print("cor2")
//	    return "cor2 result"
//
//	with closing(asyncio.get_event_loop()) as loop:
//	    outer_future = asyncio.gather(cor1(), cor2()) # 汇集成一个future
//	    result = loop.run_until_complete(outer_future) # 返回两个协程的结果列表
//	    print("result: ", result)
//
// Checked with CPython 3.13.0 (with new_event_loop and set_event_loop in
// place of get_event_loop): it prints cor1, cor2, then
// result:  ['cor1 result', 'cor2 result']; this program prints the same
// with Go's list syntax. The second half shows that the order of the
// results is the order of the arguments, not of completion.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func cor(w io.Writer, name string, d time.Duration) func(t *aio.Task) (string, error) {
	return func(t *aio.Task) (string, error) {
		fmt.Fprintln(w, name)
		if d > 0 {
			if err := aio.Sleep(t, d); err != nil {
				return "", err
			}
		}
		return name + " result", nil
	}
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }()

	outer := aio.GatherFuture(loop, aio.CreateTask(loop, cor(w, "cor1", 0)), aio.CreateTask(loop, cor(w, "cor2", 0))) // 汇集成一个future
	result, err := aio.RunUntilComplete(loop, outer)                                                                  // 返回两个协程的结果列表
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "result:  %q\n", result)

	// cor1 now finishes last, but its result still comes first.
	outer = aio.GatherFuture(loop, aio.CreateTask(loop, cor(w, "cor1", 2*time.Second)), aio.CreateTask(loop, cor(w, "cor2", time.Second)))
	result, err = aio.RunUntilComplete(loop, outer)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "result:  %q\n", result)
	return nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
