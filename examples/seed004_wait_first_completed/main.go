// Command seed004_wait_first_completed is the asyncio.wait example of
// seed 004: wait with FIRST_COMPLETED
// returns as soon as one task is done, with the other still pending; then
// wait_for waits for the pending one, with a timeout.
//
// The Python original:
//
//	async def cor1():
//	    print("cor1")
//	    await asyncio.sleep(1)
//	    return "cor1 result"
//
//	async def cor2():
//	    print("cor2")
//	    return "cor2 result"
//
//	with closing(asyncio.get_event_loop()) as loop:
//	    outer_future = asyncio.wait(
//	        (cor1(), cor2()),
//	        return_when=asyncio.FIRST_COMPLETED # 有一个完成就返回
//	    )
//	    # 返回两组task, 完成的与未完成的
//	    completed, pending = loop.run_until_complete(outer_future)
//	    print("compled: ", completed)
//	    for c in completed:
//	        print("完成的result:", c.result())
//
//	    print("pending: ", pending) # 有一个任务没有完成,pending了
//
//	    outer_future2 = asyncio.wait_for(list(pending)[0], timeout=1) # 继续等待未完成的
//	    result2 = loop.run_until_complete(outer_future2)
//	    print("pending 的task 继续完成的result:", result2)
//	    print("the end ")
//
// Since 3.11 wait refuses coroutines, and the sets print as object
// addresses. Also, cor1 needs exactly the 1 s that wait_for allows: the
// two timers fire in the same loop pass, and in CPython 3.13 the timeout
// wins, so wait_for raises TimeoutError. (Here the sleep's timer, set
// first, wins, and cor1's result comes back: a tie that no program
// should rely on.) The checked version (CPython 3.13.0) gives wait_for
// 2 s and prints counts instead of sets:
//
//	loop = asyncio.new_event_loop()
//	t1 = loop.create_task(cor1()); t2 = loop.create_task(cor2())
//	completed, pending = loop.run_until_complete(asyncio.wait((t1, t2), return_when=asyncio.FIRST_COMPLETED))
//	for c in completed:
//	    print("完成的result:", c.result())
//	print("pending: ", len(pending))
//	result2 = loop.run_until_complete(asyncio.wait_for(list(pending)[0], timeout=2))
//	print("pending 的task 继续完成的result:", result2)
//	print("the end ")
//
// It prints what this program prints.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func cor1(w io.Writer) func(t *aio.Task) (string, error) {
	return func(t *aio.Task) (string, error) {
		fmt.Fprintln(w, "cor1")
		if err := aio.Sleep(t, time.Second); err != nil {
			return "", err
		}
		return "cor1 result", nil
	}
}

func cor2(w io.Writer) func(t *aio.Task) (string, error) {
	return func(t *aio.Task) (string, error) {
		fmt.Fprintln(w, "cor2")
		return "cor2 result", nil
	}
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }()

	t1, t2 := aio.CreateTask(loop, cor1(w)), aio.CreateTask(loop, cor2(w))
	type sets struct{ completed, pending []*aio.Future[string] }
	s, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (sets, error) {
		completed, pending, err := aio.Wait(t, []*aio.Future[string]{t1, t2}, aio.FirstCompleted, aio.NoTimeout) // 有一个完成就返回
		return sets{completed, pending}, err
	}))
	if err != nil {
		return err
	}
	for _, c := range s.completed {
		v, _ := c.Result()
		fmt.Fprintln(w, "完成的result:", v)
	}
	fmt.Fprintln(w, "pending: ", len(s.pending)) // 有一个任务没有完成,pending了

	result2, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (string, error) {
		return aio.WaitFor(t, s.pending[0], 2*time.Second) // 继续等待未完成的
	}))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "pending 的task 继续完成的result:", result2)
	fmt.Fprintln(w, "the end ")
	return nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
