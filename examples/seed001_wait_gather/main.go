// Command seed001_wait_gather is the asyncio.wait / asyncio.gather part
// of seed 001: ten "downloads" of two
// seconds each run concurrently, so waiting for all of them takes two
// seconds, not twenty; gather does the same and also returns the results
// in argument order.
//
// The Python original (its wait part; gather is in a comment there):
//
//	async def get_html(url):
//	    print("start get url")
//	    await asyncio.sleep(2)
//	    print("end get url")
//
//	start_time = time.time()
//	loop = asyncio.get_event_loop()
//	tasks = [get_html("http://www.imooc.com") for i in range(10)]
//	loop.run_until_complete(asyncio.wait(tasks))
//	# loop.run_until_complete(asyncio.gather(*tasks))
//	print(time.time()-start_time)
//
// Since Python 3.11 asyncio.wait refuses coroutines, so the checked
// version (CPython 3.13.0) makes tasks first, as this program does, and
// returns the url so that gather has results to show:
//
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    start = loop.time()
//	    tasks = [asyncio.create_task(get_html("http://www.imooc.com")) for i in range(10)]
//	    done, pending = await asyncio.wait(tasks)
//	    print(f"wait: {len(done)} done, {len(pending)} pending after {loop.time()-start:.0f}s")
//	    start = loop.time()
//	    results = await asyncio.gather(*[get_html(f"url{i}") for i in range(3)])
//	    print(f"gather: {results} after {loop.time()-start:.0f}s")
//
// It prints the same as this program. The elapsed times are the loop's
// clock in whole seconds, as the Python prints them, not wall time.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func getHTML(t *aio.Task, w io.Writer, url string) (string, error) {
	fmt.Fprintln(w, "start get url")
	if err := aio.Sleep(t, 2*time.Second); err != nil {
		return "", err
	}
	fmt.Fprintln(w, "end get url")
	return url, nil
}

func run(w io.Writer, opts ...aio.Option) error {
	return aio.Run(func(t *aio.Task) error {
		l := t.Loop()
		start := l.Time()
		var tasks []*aio.Future[string]
		for range 10 {
			tasks = append(tasks, aio.Spawn(t, func(t *aio.Task) (string, error) {
				return getHTML(t, w, "http://www.imooc.com")
			}))
		}
		done, pending, err := aio.Wait(t, tasks, aio.AllCompleted, aio.NoTimeout)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "wait: %d done, %d pending after %s\n", len(done), len(pending), seconds(l.Time()-start))

		start = l.Time()
		var urls []*aio.Future[string]
		for i := range 3 {
			urls = append(urls, aio.Spawn(t, func(t *aio.Task) (string, error) {
				return getHTML(t, w, fmt.Sprintf("url%d", i))
			}))
		}
		results, err := aio.Gather(t, urls...)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "gather: %q after %s\n", results, seconds(l.Time()-start))
		return nil
	}, opts...)
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
