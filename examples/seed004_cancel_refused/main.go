// Command seed004_cancel_refused is task.cancel from seed 004:
// cancelling a task raises
// CancelledError in it at its current await; re-raising it ends the task
// cancelled, while catching it and going on refuses the cancellation
// ("如果捕获不想上抛,则阻止了本次cancel": if you catch it and do not
// re-raise, you block this cancel).
//
// The Python original:
//
//	async def my_coroutine():
//	    try:
//	        print("mytask start")
//	        await asyncio.sleep(2)
//	    except asyncio.CancelledError as e:
//	        print("exception: asyncio.CancelledError, ...")
//	        raise  # 取消
//	    print("mytask end")
//	    return True
//
//	async def stop_coroutine(task):
//	    await asyncio.sleep(1)
//	    task.cancel()  # 取消任务
//
//	with closing(asyncio.get_event_loop()) as loop:
//	    task = loop.create_task(my_coroutine())
//	    loop.run_until_complete(stop_coroutine(task))
//	    print('canceled: ', task.cancelled())
//	    loop.run_forever()
//
// It ends in run_forever, which never returns. The checked version
// (CPython 3.13.0) waits for the task's end with run_until_complete
// instead, shortens the message, and adds a body that refuses:
//
//	async def refusing():
//	    try:
//	        print("refusing start")
//	        await asyncio.sleep(2)
//	    except asyncio.CancelledError as e:
//	        print("refusing: caught CancelledError, going on")
//	    await asyncio.sleep(1)
//	    print("refusing end")
//	    return True
//
//	loop = asyncio.new_event_loop()
//	task = loop.create_task(my_coroutine())
//	loop.run_until_complete(stop_coroutine(task))
//	try:
//	    loop.run_until_complete(task)
//	except asyncio.CancelledError: pass
//	print('canceled: ', task.cancelled())
//	task = loop.create_task(refusing())
//	loop.run_until_complete(stop_coroutine(task))
//	print(loop.run_until_complete(task))
//	print('canceled: ', task.cancelled())
//
// It prints what this program prints, but for Go's booleans. In Go the
// CancelledError is an error returned by the await: returning it is
// "raise", carrying on is refusing.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func myCoroutine(w io.Writer) func(t *aio.Task) (bool, error) {
	return func(t *aio.Task) (bool, error) {
		fmt.Fprintln(w, "mytask start")
		if err := aio.Sleep(t, 2*time.Second); err != nil {
			fmt.Fprintln(w, "exception: asyncio.CancelledError")
			return false, err // raise: the task ends cancelled
		}
		fmt.Fprintln(w, "mytask end")
		return true, nil
	}
}

func refusing(w io.Writer) func(t *aio.Task) (bool, error) {
	return func(t *aio.Task) (bool, error) {
		fmt.Fprintln(w, "refusing start")
		if err := aio.Sleep(t, 2*time.Second); err != nil {
			fmt.Fprintln(w, "refusing: caught CancelledError, going on")
		}
		if err := aio.Sleep(t, time.Second); err != nil {
			return false, err
		}
		fmt.Fprintln(w, "refusing end")
		return true, nil
	}
}

func stopCoroutine(task *aio.Future[bool]) func(t *aio.Task) (struct{}, error) {
	return func(t *aio.Task) (struct{}, error) {
		if err := aio.Sleep(t, time.Second); err != nil {
			return struct{}{}, err
		}
		task.Cancel() // 取消任务
		return struct{}{}, nil
	}
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }()

	task := aio.CreateTask(loop, myCoroutine(w))
	if _, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, stopCoroutine(task))); err != nil {
		return err
	}
	if _, err := aio.RunUntilComplete(loop, task); !errors.Is(err, aio.ErrCancelled) {
		return fmt.Errorf("my_coroutine: %v, want a cancellation", err)
	}
	fmt.Fprintln(w, "canceled: ", task.Cancelled())

	task = aio.CreateTask(loop, refusing(w))
	if _, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, stopCoroutine(task))); err != nil {
		return err
	}
	v, err := aio.RunUntilComplete(loop, task)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, v)
	fmt.Fprintln(w, "canceled: ", task.Cancelled())
	return nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
