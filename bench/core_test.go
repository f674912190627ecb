package bench

// Core benchmarks (issue 2): the aio loop against the goroutine+channel
// equivalent of the same work, side by side. Each benchmark has one
// sub-benchmark per implementation, named impl=aio, impl=goroutine (and
// impl=<variant> for extra variants), so that
//
//	go test -run '^$' -bench '^BenchmarkCore' -benchmem -count 6 ./bench/ > core.txt
//	benchstat core.txt                # one row per benchmark/impl
//	benchstat -col /impl core.txt     # aio and goroutine as columns, with deltas
//
// compare them directly. bench/core.sh runs them with Python asyncio and
// uvloop and prints the table that goes into bench/RESULTS.md.
//
// Every loop a benchmark makes is closed before it returns.

import (
	"iter"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// coreSpawnBatch is how many tasks (or goroutines) are started before waiting
// for the last of them; the Python version uses the same batch.
const coreSpawnBatch = 10_000

// coreTimersPerOp is the size of the timer workload: one op of
// BenchmarkCoreCallLaterCancel1M schedules and cancels this many timers.
const coreTimersPerOp = 1_000_000

// coreCallSoonBatch bounds how many callbacks are queued before the loop runs
// them (1M, as in the issue).
const coreCallSoonBatch = 1 << 20

// newLoop makes a loop that the benchmark closes when it ends.
func coreNewLoop(b *testing.B) *aio.Loop {
	b.Helper()
	l, err := aio.NewLoop(aio.NoSignalHandlers())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := l.Close(); err != nil {
			b.Errorf("close loop: %v", err)
		}
	})
	return l
}

// runMain runs body as a task on a fresh loop until it returns.
func coreRunMain(b *testing.B, body func(t *aio.Task) (struct{}, error)) {
	b.Helper()
	l := coreNewLoop(b)
	fut := aio.CreateTask(l, body)
	if _, err := aio.RunUntilComplete(l, fut); err != nil {
		b.Fatal(err)
	}
}

func coreNop(*aio.Task) (struct{}, error) { return struct{}{}, nil }

// BenchmarkCoreSpawn: spawn + complete of a trivial task; one op is one task.
// A main task spawns coreSpawnBatch tasks, awaits the last (the loop runs them
// in FIFO order, so all are done), and repeats. Target: <= 150 ns and
// <= 1 alloc per task.
func BenchmarkCoreSpawn(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) { coreSpawnAio(b) })
	b.Run("impl=aio_eager", func(b *testing.B) { coreSpawnAio(b, aio.Eager()) })
	b.Run("impl=goroutine", func(b *testing.B) {
		// go f() + WaitGroup: the cheapest idiomatic "start and join".
		b.ReportAllocs()
		var wg sync.WaitGroup
		b.ResetTimer()
		for left := b.N; left > 0; left -= coreSpawnBatch {
			n := min(left, coreSpawnBatch)
			wg.Add(n)
			for range n {
				go wg.Done()
			}
			wg.Wait()
		}
	})
}

func coreSpawnAio(b *testing.B, opts ...aio.TaskOption) {
	b.ReportAllocs()
	b.ResetTimer()
	coreRunMain(b, func(t *aio.Task) (struct{}, error) {
		for left := b.N; left > 0; left -= coreSpawnBatch {
			var last *aio.Future[struct{}]
			for range min(left, coreSpawnBatch) {
				last = aio.Spawn(t, coreNop, opts...)
			}
			if _, err := aio.Await(t, last); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

// BenchmarkCoreAwaitDone: await of a future that is already done; one op is
// one await. The goroutine equivalent is a receive from a closed channel.
func BenchmarkCoreAwaitDone(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		l := coreNewLoop(b)
		done := aio.NewFuture[int](l)
		done.SetResult(1)
		b.ResetTimer()
		fut := aio.CreateTask(l, func(t *aio.Task) (int, error) {
			sum := 0
			for range b.N {
				v, err := aio.Await(t, done)
				if err != nil {
					return 0, err
				}
				sum += v
			}
			return sum, nil
		})
		if sum, err := aio.RunUntilComplete(l, fut); err != nil || sum != b.N {
			b.Fatalf("sum %d, err %v", sum, err)
		}
	})
	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		ch := make(chan int, 1)
		ch <- 1
		close(ch) // receives get 1 once, then the zero value, without blocking
		b.ResetTimer()
		sum := 0
		for range b.N {
			sum += <-ch
		}
		if sum != 1 {
			b.Fatal(sum)
		}
	})
}

// BenchmarkCoreSwitch: a suspend/resume round trip; one op is one round trip.
// aio: Sleep(t, 0) in a task (task -> loop -> task). goroutine: a ping-pong
// on unbuffered channels between two goroutines (g1 -> g2 -> g1).
// gosched: runtime.Gosched in a loop. Target: <= 100 ns.
func BenchmarkCoreSwitch(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		coreRunMain(b, func(t *aio.Task) (struct{}, error) {
			for range b.N {
				if err := aio.Sleep(t, 0); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	})
	b.Run("impl=goroutine", func(b *testing.B) { corePingPong(b, b.N) })
	b.Run("impl=gosched", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			runtime.Gosched()
		}
	})
	// The floor under aio's switch: a bare iter.Pull next+yield round
	// trip, which is what a task's Sleep(t, 0) costs at least.
	b.Run("impl=iter_pull", func(b *testing.B) {
		b.ReportAllocs()
		next, stop := iter.Pull(func(yield func(struct{}) bool) {
			for yield(struct{}{}) {
			}
		})
		defer stop()
		b.ResetTimer()
		for range b.N {
			next()
		}
	})
}

// BenchmarkCoreHandoff: two tasks alternate with Sleep(t, 0), so every
// Sleep is a real switch: the task suspends, the loop resumes the other.
// One op is one Sleep (one switch from a task to the other); the goroutine
// version is a channel ping-pong, one op per one-way send.
func BenchmarkCoreHandoff(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		sleeper := func(n int) func(t *aio.Task) (struct{}, error) {
			return func(t *aio.Task) (struct{}, error) {
				for range n {
					if err := aio.Sleep(t, 0); err != nil {
						return struct{}{}, err
					}
				}
				return struct{}{}, nil
			}
		}
		b.ResetTimer()
		coreRunMain(b, func(t *aio.Task) (struct{}, error) {
			x := aio.Spawn(t, sleeper(b.N/2))
			y := aio.Spawn(t, sleeper(b.N-b.N/2))
			if _, err := aio.Await(t, x); err != nil {
				return struct{}{}, err
			}
			_, err := aio.Await(t, y)
			return struct{}{}, err
		})
	})
	b.Run("impl=goroutine", func(b *testing.B) { corePingPong(b, b.N/2) })
}

// corePingPong is the goroutine version of a switch: rounds round trips
// between two goroutines over two unbuffered channels.
func corePingPong(b *testing.B, rounds int) {
	b.ReportAllocs()
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
		close(pong)
	}()
	b.ResetTimer()
	for range rounds {
		ping <- struct{}{}
		<-pong
	}
	b.StopTimer()
	close(ping)
	<-pong // the partner has exited
}

// BenchmarkCoreCallSoon: CallSoon of a callback and its run; one op is one
// callback. Up to 1M callbacks are queued, then one pass of the loop runs
// them all. The goroutine equivalent sends funcs over a buffered channel
// to a goroutine that calls them.
func BenchmarkCoreCallSoon(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		l := coreNewLoop(b)
		calls := 0
		fn := func() { calls++ }
		b.ResetTimer()
		for left := b.N; left > 0; left -= coreCallSoonBatch {
			for range min(left, coreCallSoonBatch) {
				l.CallSoon(fn)
			}
			l.Stop() // on a loop that is not running: the next RunForever runs one pass
			if err := l.RunForever(); err != nil {
				b.Fatal(err)
			}
		}
		if calls != b.N {
			b.Fatalf("%d callbacks ran, want %d", calls, b.N)
		}
	})
	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		ch := make(chan func(), 1024)
		done := make(chan struct{})
		calls := 0
		fn := func() { calls++ }
		go func() {
			for f := range ch {
				f()
			}
			close(done)
		}()
		b.ResetTimer()
		for range b.N {
			ch <- fn
		}
		close(ch)
		<-done
		if calls != b.N {
			b.Fatalf("%d callbacks ran, want %d", calls, b.N)
		}
	})
}

// BenchmarkCoreCallLaterCancel1M: schedule 1M timers an hour ahead, cancel
// them all, then let the loop run one pass (which discards the cancelled
// entries, as asyncio's next _run_once does). One op is the whole 1M, so
// ns/op is the total; ns/timer is per timer. Target: <= 0.3 s per op. The
// goroutine equivalent is time.AfterFunc + Stop.
func BenchmarkCoreCallLaterCancel1M(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		l := coreNewLoop(b)
		hs := make([]*aio.Handle, coreTimersPerOp)
		fn := func() { b.Error("a cancelled timer ran") }
		b.ResetTimer()
		for range b.N {
			for i := range hs {
				hs[i] = l.CallLater(time.Hour, fn)
			}
			for _, h := range hs {
				h.Cancel()
			}
			l.Stop()
			if err := l.RunForever(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		clear(hs)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/coreTimersPerOp, "ns/timer")
	})
	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		ts := make([]*time.Timer, coreTimersPerOp)
		fn := func() { b.Error("a stopped timer ran") }
		b.ResetTimer()
		for range b.N {
			for i := range ts {
				ts[i] = time.AfterFunc(time.Hour, fn)
			}
			for _, t := range ts {
				t.Stop()
			}
		}
		b.StopTimer()
		clear(ts)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/coreTimersPerOp, "ns/timer")
	})
}
