// Command seed004_call_later schedules plain callbacks with call_soon,
// call_later and call_at, and cancels one through its handle, from seed
// 004 ("loop.call_later/call_soon/call_at"):
//
//	loop.call_later/call_soon/call_at: 再 loop 中(延迟)执行传入的函数,
//	这里的函数不是协程,是普通函数, 返回handler, handler.cancel 可以取消
//
// The seed gives no code; this is the Python program it was checked
// against (CPython 3.13.0), which prints the same lines as this one:
//
//	import asyncio
//	f = lambda d: f"{round(d, 1):g}s"
//	loop = asyncio.new_event_loop()
//	start = loop.time()
//	def say(what): print(f"{f(loop.time()-start)} {what}")
//	loop.call_later(2, say, "call_later(2)")
//	loop.call_at(start + 1, say, "call_at(start+1)")
//	h = loop.call_later(1.5, say, "call_later(1.5): cancelled, never runs")
//	loop.call_soon(say, "call_soon")
//	loop.call_soon(say, "call_soon again (FIFO)")
//	h.cancel()
//	print("handle cancelled:", str(h.cancelled()).lower())
//	def stop():
//	    say("stop")
//	    loop.stop()
//	loop.call_later(3, stop)
//	loop.run_forever()
//	loop.close()
//
// The callbacks run in time order, not in the order they were scheduled:
// call_soon ones first, in FIFO order, then the timers; the cancelled one
// never runs. Python passes the callback's arguments after it
// (call_soon(say, "...")); in Go a closure carries them. Times are
// loop.time() since the start, rounded to a tenth of a second as the
// Python rounds them: the same on the real clock as under
// aio.VirtualClock.
package main

import (
	"errors"
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
	start := loop.Time()
	say := func(what string) func() {
		return func() { fmt.Fprintf(w, "%v %s\n", tenths(loop.Time()-start), what) }
	}

	loop.CallLater(2*time.Second, say("call_later(2)"))
	loop.CallAt(start+time.Second, say("call_at(start+1)"))
	h := loop.CallLater(1500*time.Millisecond, say("call_later(1.5): cancelled, never runs"))
	loop.CallSoon(say("call_soon"))
	loop.CallSoon(say("call_soon again (FIFO)"))
	h.Cancel()
	fmt.Fprintln(w, "handle cancelled:", h.Cancelled())
	loop.CallLater(3*time.Second, func() {
		say("stop")()
		loop.Stop()
	})

	err = loop.RunForever()
	return errors.Join(err, loop.Close())
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
