// Command seed003_gevent is the gevent example of seed 003, with aio tasks
// in place of gevent's greenlets:
//
//	import gevent
//
//	g1 = gevent.spawn(func, 2, 3, x=4, y=5)
//	g2 = gevent.spawn(func2)
//
//	g1.join()  # 等待g1结束
//	g2.join()  # 等待g2结束
//	# 或者上述两步合作一步:gevent.joinall([g1,g2])
//
//	print(g1.value)  # 拿到func1的返回值
//
// and the part the seed describes after it, gevent's own IO
// (gevent.sleep, gevent.socket) and monkey.patch_all: greenlets that fetch
// pages concurrently and are joined.
//
// The mapping: gevent.spawn(f, args...) is aio.Spawn with a closure that
// passes the arguments (Go has no keyword arguments: x and y are plain
// parameters); g.join() is aio.Await, gevent.joinall is aio.GatherAny
// (which also cancels the rest if one fails, where joinall leaves them);
// g.value is the future's Result. gevent.sleep is aio.Sleep; a socket
// that gevent's hub switches on is an aio stream, whose reads suspend the
// task. monkey.patch_all has no counterpart, on purpose: Go cannot patch
// the standard library, and code that makes blocking calls keeps its
// goroutines (docs/asyncio.md, gevent, says what takes its place); here
// the pages are fetched over streams directly
// (examples/internal/streamhttp), http:// only.
//
// func2 only yields (gevent.sleep(0)) while func sleeps, so func2's line
// comes first, in any run.
//
// The seed leaves func and func2 out; here func sleeps, says what it got
// and returns a*b + x*y, func2 yields and says so.
//
// Usage:
//
//	seed003_gevent [http://url ...]   # fetches the URLs after the join
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/examples/internal/streamhttp"
)

// fn is the seed's func(2, 3, x=4, y=5).
func fn(t *aio.Task, out io.Writer, a, b, x, y int) (int, error) {
	if err := aio.Sleep(t, 20*time.Millisecond); err != nil { // gevent.sleep
		return 0, err
	}
	fmt.Fprintf(out, "func(%d, %d, x=%d, y=%d)\n", a, b, x, y)
	return a*b + x*y, nil
}

// fn2 is the seed's func2().
func fn2(t *aio.Task, out io.Writer) (struct{}, error) {
	if err := aio.Sleep(t, 0); err != nil { // gevent.sleep(0): let the others run
		return struct{}{}, err
	}
	fmt.Fprintln(out, "func2()")
	return struct{}{}, nil
}

// fetch is a greenlet of the second part: it gets one page and returns
// its size.
func fetch(t *aio.Task, url string) (int, error) {
	resp, err := streamhttp.Get(t, url, "")
	if err != nil {
		return 0, err
	}
	if resp.Status != 200 {
		return 0, fmt.Errorf("%s: status %d", url, resp.Status)
	}
	return len(resp.Body), nil
}

// run spawns func and func2, joins both and prints g1.value; then it
// fetches urls concurrently, joins them all and prints each size.
func run(out io.Writer, urls []string) error {
	return aio.Run(func(t *aio.Task) error {
		g1 := aio.Spawn(t, func(t *aio.Task) (int, error) { return fn(t, out, 2, 3, 4, 5) })
		g2 := aio.Spawn(t, func(t *aio.Task) (struct{}, error) { return fn2(t, out) })
		if _, err := aio.GatherAny(t, g1, g2); err != nil { // gevent.joinall([g1, g2])
			return err
		}
		value, _ := g1.Result() // g1.value
		fmt.Fprintln(out, value)

		jobs := make([]*aio.Future[int], len(urls))
		for i, url := range urls {
			jobs[i] = aio.Spawn(t, func(t *aio.Task) (int, error) { return fetch(t, url) })
		}
		// joinall, then each job's value or exception, as gevent keeps
		// them: one failed fetch does not hide the others.
		results, err := aio.GatherSettled(t, jobs...)
		if err != nil {
			return err
		}
		var errs []error
		for i, r := range results {
			if r.Err != nil {
				errs = append(errs, r.Err)
				fmt.Fprintf(out, "%s: %v\n", urls[i], r.Err)
				continue
			}
			fmt.Fprintf(out, "%s: %d bytes\n", urls[i], r.Value)
		}
		return errors.Join(errs...)
	})
}

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
