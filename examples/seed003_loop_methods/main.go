// Command seed003_loop_methods walks through the loop methods listed in
// seed 003 ("loop 对象方法"):
//
//	loop.run_until_complete(future)。运行事件循环,直到 future 运行结束
//	loop.run_forever() 表示事件循环会一直运行,直到遇到 stop。
//	loop.stop()。停止事件循环
//	loop.is_running()。如果事件循环依然在运行,则返回 True
//	loop.is_closed()。如果事件循环已经 close,则返回 True
//	loop.close()。关闭事件循环
//	loop.time()。事件循环的时钟
//	loop.create_task(coro) ,返回 task 对象
//
// The seed only lists them; this is the Python program it was checked
// against (CPython 3.13.0), which prints the same lines as this one but for
// the last error message ("Event loop is closed"):
//
//	import asyncio
//	b = lambda x: str(x).lower()
//	f = lambda d: f"{round(d, 1):g}s"
//	loop = asyncio.new_event_loop()
//	print(f"new loop: is_running={b(loop.is_running())} is_closed={b(loop.is_closed())}")
//	start = loop.time()
//	since = lambda: f(loop.time() - start)
//	loop.call_soon(lambda: print(f"{since()} callback: is_running={b(loop.is_running())}"))
//	async def stopper():
//	    print(f"{since()} task started")
//	    await asyncio.sleep(1)
//	    print(f"{since()} task calls stop")
//	    loop.stop()
//	loop.create_task(stopper())
//	loop.run_forever()
//	print(f"{since()} run_forever returned: is_running={b(loop.is_running())}")
//	async def answer():
//	    await asyncio.sleep(0.5)
//	    return 42
//	v = loop.run_until_complete(loop.create_task(answer()))
//	print(f"{since()} run_until_complete: {v}")
//	loop.close()
//	print(f"closed: is_running={b(loop.is_running())} is_closed={b(loop.is_closed())}")
//	try:
//	    loop.run_forever()
//	except RuntimeError as e:
//	    print(f"run_forever on a closed loop: {e}")
//
// Times are loop.time() since the start, rounded to a tenth of a second
// as the Python rounds them: the same on the real clock as under
// aio.VirtualClock. A loop keeps its clock
// and its tasks between runs: run_until_complete picks up at 1 s where
// run_forever stopped.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func run(w io.Writer, opts ...aio.Option) error {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer loop.Close() // on the error paths; closing twice does nothing
	fmt.Fprintf(w, "new loop: is_running=%v is_closed=%v\n", loop.IsRunning(), loop.IsClosed())

	start := loop.Time()
	since := func() time.Duration { return tenths(loop.Time() - start) }

	// run_forever runs callbacks and tasks until something calls stop.
	loop.CallSoon(func() { fmt.Fprintf(w, "%v callback: is_running=%v\n", since(), loop.IsRunning()) })
	aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
		fmt.Fprintf(w, "%v task started\n", since())
		if err := aio.Sleep(t, time.Second); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "%v task calls stop\n", since())
		loop.Stop()
		return struct{}{}, nil
	})
	if err := loop.RunForever(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v run_forever returned: is_running=%v\n", since(), loop.IsRunning())

	// run_until_complete runs the loop until one future is done.
	v, err := aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (int, error) {
		if err := aio.Sleep(t, 500*time.Millisecond); err != nil {
			return 0, err
		}
		return 42, nil
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%v run_until_complete: %v\n", since(), v)

	if err := loop.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "closed: is_running=%v is_closed=%v\n", loop.IsRunning(), loop.IsClosed())
	fmt.Fprintf(w, "run_forever on a closed loop: %v\n", loop.RunForever())
	return nil
}

// tenths rounds d to a tenth of a second, as the Python's
// f"{round(d, 1):g}s" does: "0s", "1s", "1.5s" on the real clock too.
func tenths(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
