// Command seed001_gather_groups is the group cancel of seed 001:
// "gather is more high-level than wait:
// it can run tasks in groups and cancel them by group" (gather更加high-level
// 可以分组运行,分组取消).
//
// The Python original:
//
//	group1 = [get_html("http://projectsedu.com") for i in range(2)]
//	group2 = [get_html("http://www.imooc.com") for i in range(2)]
//	group1 = asyncio.gather(*group1)
//	group2 = asyncio.gather(*group2)
//	group2.cancel()
//	loop.run_until_complete(asyncio.gather(group1, group2))
//	print(time.time() - start_time)
//
// Cancelling group2 cancels its two tasks before they start. The gather of
// both groups then fails at once with CancelledError, and the original
// dies there with a traceback, while group1's tasks are still running. The
// checked version (CPython 3.13.0) catches the error and lets group1
// finish, to show that cancelling group2 left group1 alone:
//
//	async def get_html(url):
//	    print("start get url", url)
//	    await asyncio.sleep(2)
//	    print("end get url", url)
//	    return url
//
//	loop = asyncio.new_event_loop()
//	asyncio.set_event_loop(loop)
//	start = loop.time()
//	group1 = [get_html("http://projectsedu.com") for i in range(2)]
//	group2 = [get_html("http://www.imooc.com") for i in range(2)]
//	group1 = asyncio.gather(*group1)
//	group2 = asyncio.gather(*group2)
//	print("group2.cancel():", group2.cancel())
//	try:
//	    loop.run_until_complete(asyncio.gather(group1, group2))
//	except asyncio.CancelledError:
//	    print(f"gather(group1, group2): CancelledError after {loop.time()-start:.0f}s")
//	print("group1 done:", group1.done(), "group2 done:", group2.done())
//	print("group1:", loop.run_until_complete(group1), f"after {loop.time()-start:.0f}s")
//
// It prints what this program prints, but for Go's spelling of lists and
// booleans. The gathers are aio.GatherFuture: a future that can be
// cancelled as a group before anyone awaits it.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func getHTML(w io.Writer, url string) func(t *aio.Task) (string, error) {
	return func(t *aio.Task) (string, error) {
		fmt.Fprintln(w, "start get url", url)
		if err := aio.Sleep(t, 2*time.Second); err != nil {
			return "", err
		}
		fmt.Fprintln(w, "end get url", url)
		return url, nil
	}
}

func run(w io.Writer, opts ...aio.Option) (err error) {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, loop.Close()) }()
	start := loop.Time()

	group1 := aio.GatherFuture(loop,
		aio.CreateTask(loop, getHTML(w, "http://projectsedu.com")),
		aio.CreateTask(loop, getHTML(w, "http://projectsedu.com")))
	group2 := aio.GatherFuture(loop,
		aio.CreateTask(loop, getHTML(w, "http://www.imooc.com")),
		aio.CreateTask(loop, getHTML(w, "http://www.imooc.com")))
	fmt.Fprintln(w, "group2.cancel():", group2.Cancel())

	_, err = aio.RunUntilComplete(loop, aio.GatherFuture(loop, group1, group2))
	if !errors.Is(err, aio.ErrCancelled) {
		return fmt.Errorf("gather of the groups: %v, want a cancellation", err)
	}
	fmt.Fprintf(w, "gather(group1, group2): CancelledError after %s\n", seconds(loop.Time()-start))
	fmt.Fprintln(w, "group1 done:", group1.Done(), "group2 done:", group2.Done())

	urls, err := aio.RunUntilComplete(loop, group1)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "group1:", urls, "after", seconds(loop.Time()-start))
	return nil
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
