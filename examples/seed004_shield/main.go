// Command seed004_shield is asyncio.shield from seed 004:
// cancelling the shield cancels only
// the outer future; the task inside goes on.
//
// The Python original:
//
//	async def another_coroutine():
//	    print("hello")
//	    return "hi"
//
//	async def my_coroutine():
//	    try:
//	        print("mytask start")
//	        await asyncio.sleep(2)
//	    except asyncio.CancelledError as e:
//	        print("exception: asyncio.CancelledError, ...")
//	        raise
//	    await asyncio.sleep(3)
//	    print("mytask end")
//	    return True
//
//	async def stop_coroutine(task):
//	    await asyncio.sleep(1)
//	    task.cancel()  # 取消其他任务
//	    result = await another_coroutine()
//	    print(result)
//
//	with closing(asyncio.get_event_loop()) as loop:
//	    # task = loop.create_task(my_coroutine())  # 协程可被取消
//	    task = loop.create_task(asyncio.shield(my_coroutine()))  # 保护协程不被取消
//	    loop.run_until_complete(stop_coroutine(task))
//	    print('canceled: ', task.cancelled())
//	    loop.run_forever()
//
// loop.create_task refuses the future that shield returns (it wants a
// coroutine), and run_forever never returns. The checked version (CPython
// 3.13.0) keeps the shield itself as "task" and waits for the inner task
// at the end:
//
//	loop = asyncio.new_event_loop()
//	asyncio.set_event_loop(loop)
//	inner = loop.create_task(my_coroutine())
//	task = asyncio.shield(inner)
//	loop.run_until_complete(stop_coroutine(task))
//	print('canceled: ', task.cancelled())
//	print(loop.run_until_complete(inner))
//
// It prints what this program prints, but for Go's booleans: the shield
// is cancelled at 1 s, my_coroutine never sees a CancelledError and ends
// at 5 s.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func anotherCoroutine(w io.Writer) string {
	fmt.Fprintln(w, "hello")
	return "hi"
}

func myCoroutine(w io.Writer) func(t *aio.Task) (bool, error) {
	return func(t *aio.Task) (bool, error) {
		fmt.Fprintln(w, "mytask start")
		if err := aio.Sleep(t, 2*time.Second); err != nil {
			fmt.Fprintln(w, "exception: asyncio.CancelledError")
			return false, err
		}
		if err := aio.Sleep(t, 3*time.Second); err != nil {
			return false, err
		}
		fmt.Fprintln(w, "mytask end")
		return true, nil
	}
}

func stopCoroutine(w io.Writer, task *aio.Future[bool]) func(t *aio.Task) (struct{}, error) {
	return func(t *aio.Task) (struct{}, error) {
		if err := aio.Sleep(t, time.Second); err != nil {
			return struct{}{}, err
		}
		task.Cancel() // 取消其他任务: only the shield
		fmt.Fprintln(w, anotherCoroutine(w))
		return struct{}{}, nil
	}
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }()

	inner := aio.CreateTask(loop, myCoroutine(w))
	task := aio.Shield(inner) // 保护协程不被取消
	if _, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, stopCoroutine(w, task))); err != nil {
		return err
	}
	fmt.Fprintln(w, "canceled: ", task.Cancelled())
	v, err := aio.RunUntilComplete(loop, inner)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, v)
	return nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
