// Command seed001_get_html starts ten get_html coroutines of seed 001
// (an imooc asyncio course) on one loop:
// each "downloads" for two seconds, and all ten are done after two
// seconds in total, not twenty.
//
// The Python original:
//
//	import asyncio
//	import time
//	async def get_html(url):
//	    print("start get url")
//	    await asyncio.sleep(2)
//	    print("end get url")
//
//	if __name__ == "__main__":
//	    start_time = time.time()
//	    loop = asyncio.get_event_loop()
//	    tasks = [get_html("http://www.imooc.com") for i in range(10)]
//	    loop.run_until_complete(asyncio.wait(tasks))
//	    print(time.time()-start_time)
//
// Checked with CPython 3.13.0 (new_event_loop, and the coroutines wrapped
// in loop.create_task for asyncio.wait): ten "start get url", ten "end get
// url", then 2.003... seconds. This program prints the same lines and the
// loop time elapsed in whole seconds, "elapsed 2s", on the real clock as
// under aio.VirtualClock.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

// getHTML pretends to download url: the sleep stands in for the network.
func getHTML(t *aio.Task, w io.Writer, url string) (struct{}, error) {
	fmt.Fprintln(w, "start get url")
	if err := aio.Sleep(t, 2*time.Second); err != nil {
		return struct{}{}, err
	}
	fmt.Fprintln(w, "end get url")
	return struct{}{}, nil
}

// waitAll waits until every future is done, as asyncio.wait(tasks) does
// with its default ALL_COMPLETED, and returns their errors joined.
func waitAll(t *aio.Task, futs []*aio.Future[struct{}]) (struct{}, error) {
	var errs []error
	for _, f := range futs {
		_, err := aio.Await(t, f)
		errs = append(errs, err)
	}
	return struct{}{}, errors.Join(errs...)
}

func run(w io.Writer, opts ...aio.Option) error {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	start := loop.Time()
	tasks := make([]*aio.Future[struct{}], 10)
	for i := range tasks {
		tasks[i] = aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
			return getHTML(t, w, "http://www.imooc.com")
		})
	}
	_, err = aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
		return waitAll(t, tasks)
	}))
	if err == nil {
		fmt.Fprintf(w, "elapsed %s\n", seconds(loop.Time()-start))
	}
	return errors.Join(err, loop.Close())
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
