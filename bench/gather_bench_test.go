package bench

// Issue 3 benchmarks: combinators, sync primitives and queues, each with
// one sub-benchmark per implementation (impl=aio, impl=goroutine, ...) as
// in core_test.go. bench/py/combinators.py runs the same workloads on
// Python asyncio and uvloop; bench/combinators.sh runs both, each pinned to
// one CPU with GOMAXPROCS=1, and prints the table of bench/RESULTS.md:
//
//	go test -run '^$' -bench '^Benchmark(Gather10k|QueuePingPong|LockContention)$' -benchmem -cpu 1 ./bench/
//	python3 bench/py/combinators.py [--loop uvloop]
//	bench/combinators.sh

import (
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// gatherSize is how many tasks one gather waits for.
const gatherSize = 10_000

// c3Run runs body as a task on a fresh loop until it returns, and closes
// the loop.
func c3Run(b *testing.B, body func(t *aio.Task) error) {
	b.Helper()
	l, err := aio.NewLoop(aio.NoSignalHandlers())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	_, err = aio.RunUntilComplete(l, aio.CreateTask(l, func(t *aio.Task) (struct{}, error) {
		return struct{}{}, body(t)
	}))
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGather10k: spawn 10,000 trivial tasks and gather their
// results; one op is one task (spawn, run, result collected). goroutine:
// 10,000 goroutines writing their result into a slice, joined with a
// WaitGroup.
func BenchmarkGather10k(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		fs := make([]*aio.Future[int], gatherSize)
		c3Run(b, func(t *aio.Task) error {
			b.ResetTimer()
			for left := b.N; left > 0; left -= gatherSize {
				n := min(left, gatherSize)
				for i := range n {
					fs[i] = aio.Spawn(t, func(*aio.Task) (int, error) { return i, nil })
				}
				res, err := aio.Gather(t, fs[:n]...)
				if err != nil {
					return err
				}
				if res[n-1] != n-1 {
					b.Fatal("wrong result")
				}
			}
			return nil
		})
	})
	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		var wg sync.WaitGroup
		b.ResetTimer()
		for left := b.N; left > 0; left -= gatherSize {
			n := min(left, gatherSize)
			res := make([]int, n)
			wg.Add(n)
			for i := range n {
				go func() {
					res[i] = i
					wg.Done()
				}()
			}
			wg.Wait()
			if res[n-1] != n-1 {
				b.Fatal("wrong result")
			}
		}
	})
}
