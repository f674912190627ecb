// Command seed002_threads_vs_coroutines compares 100 blocking jobs on a
// pool of 100 goroutines with 100 coroutines (tasks) on one loop, each
// waiting 50 ms for simulated IO, as seed 002 (a
// cnblogs post on coroutines) does with a ThreadPoolExecutor of 100
// threads against 100 asyncio coroutines ("前者是3.5S后者还是2.1左右").
//
// The seed's own code needs a Flask server and a blocking HTTP client; its
// shape is:
//
//	async def request():
//	    url = 'http://127.0.0.1:5000'
//	    print('Waiting for', url)
//	    result = await get(url)
//	    print('Get response from', url, 'Result:', result)
//
//	tasks = [asyncio.ensure_future(request()) for _ in range(4)]
//	loop = asyncio.get_event_loop()
//	loop.run_until_complete(asyncio.wait(tasks))
//	# p = ThreadPoolExecutor(max_workers=120)
//	# for _ in range(100):
//	#     p.submit(tes)
//	# p.shutdown(wait=True)
//	end = time.time()
//	print('Cost time:', end - start)
//
// The comparison was checked with this CPython 3.13.0 program, which
// prints one line per variant, the executor's a little slower
// (73 ms and 53 ms in one run):
//
//	def blocking_get(i):
//	    time.sleep(0.05)
//	    return i
//
//	async def get(i):
//	    await asyncio.sleep(0.05)
//	    return i
//
//	async def main():
//	    loop = asyncio.get_running_loop()
//	    with ThreadPoolExecutor(max_workers=100) as p:
//	        start = time.perf_counter()
//	        rs = await asyncio.gather(*[loop.run_in_executor(p, blocking_get, i) for i in range(100)])
//	        print(f"100 executor jobs: cost time {(time.perf_counter()-start)*1000:.1f}ms, {len(rs)} results: {rs == list(range(100))}")
//	    start = time.perf_counter()
//	    rs = await asyncio.gather(*[asyncio.create_task(get(i)) for i in range(100)])
//	    print(f"100 tasks:         cost time {(time.perf_counter()-start)*1000:.1f}ms, {len(rs)} results: {rs == list(range(100))}")
//
//	asyncio.run(main())
//
// Here the executor jobs run through aio.ToThread on a default executor
// of 100 goroutines (aio.ExecutorSize(100)), each blocked in time.Sleep;
// the tasks wait in aio.Sleep and cost no goroutine while they wait. Both
// take about 50 ms: in Go a blocked goroutine is cheap, so the executor is
// the right place for blocking calls, and tasks are for work that waits on
// the loop. The timings are wall-clock time and vary from run to run.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

const (
	jobs = 100
	io50 = 50 * time.Millisecond // the simulated IO wait
)

// blockingGet is the blocking client call: it holds its goroutine.
func blockingGet(i int) (int, error) {
	time.Sleep(io50)
	return i, nil
}

// get is the asynchronous call: it suspends its task and frees the loop.
func get(t *aio.Task, i int) (int, error) {
	if err := aio.Sleep(t, io50); err != nil {
		return 0, err
	}
	return i, nil
}

// spawnAll starts one task per job and collects the results in job order.
func spawnAll(t *aio.Task, job func(t *aio.Task, i int) (int, error)) ([]int, error) {
	futs := make([]*aio.Future[int], jobs)
	for i := range futs {
		futs[i] = aio.Spawn(t, func(t *aio.Task) (int, error) { return job(t, i) })
	}
	results := make([]int, 0, jobs)
	for _, f := range futs {
		v, err := aio.Await(t, f)
		if err != nil {
			return nil, err
		}
		results = append(results, v)
	}
	return results, nil
}

func report(w io.Writer, label string, start time.Time, results []int) {
	fmt.Fprintf(w, "%-19s cost time %s, %d results: %v\n",
		label+":", millis(time.Since(start)), len(results), results)
}

func run(w io.Writer, opts ...aio.Option) error {
	opts = append([]aio.Option{aio.ExecutorSize(jobs)}, opts...)
	return aio.Run(func(t *aio.Task) error {
		start := time.Now()
		results, err := spawnAll(t, func(t *aio.Task, i int) (int, error) {
			return aio.ToThread(t, func() (int, error) { return blockingGet(i) })
		})
		if err != nil {
			return err
		}
		report(w, "100 executor jobs", start, results)

		start = time.Now()
		results, err = spawnAll(t, get)
		if err != nil {
			return err
		}
		report(w, "100 tasks", start, results)
		return nil
	}, opts...)
}

// millis formats d in milliseconds with one decimal, as the Python's
// f"{d*1000:.1f}ms" does.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
