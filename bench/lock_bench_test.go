package bench

import (
	"runtime"
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// lockTasks is how many tasks contend for the lock.
const lockTasks = 1_000

// BenchmarkLockContention: 1,000 tasks take turns at one lock, each
// holding it across a yield (asyncio's `async with lock: await
// asyncio.sleep(0)`), so every acquire finds it taken and queues; one op
// is one acquire + yield + release. mutex: 1,000 goroutines with
// sync.Mutex and runtime.Gosched inside; chan: the same with a channel of
// capacity 1 as the lock.
func BenchmarkLockContention(b *testing.B) {
	per := func(b *testing.B) int { return max(1, b.N/lockTasks) }
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		n := per(b)
		c3Run(b, func(t *aio.Task) error {
			var mu aio.Lock
			counter := 0
			b.ResetTimer()
			return aio.Group(t, func(t *aio.Task, g *aio.TaskGroup) error {
				for range lockTasks {
					g.Go(func(t *aio.Task) error {
						for range n {
							if err := mu.Acquire(t); err != nil {
								return err
							}
							counter++
							err := aio.Sleep(t, 0)
							mu.Release()
							if err != nil {
								return err
							}
						}
						return nil
					})
				}
				return nil
			})
		})
	})
	b.Run("impl=mutex", func(b *testing.B) {
		b.ReportAllocs()
		n := per(b)
		var mu sync.Mutex
		var wg sync.WaitGroup
		counter := 0
		b.ResetTimer()
		wg.Add(lockTasks)
		for range lockTasks {
			go func() {
				defer wg.Done()
				for range n {
					mu.Lock()
					counter++
					runtime.Gosched()
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	})
	b.Run("impl=chan", func(b *testing.B) {
		b.ReportAllocs()
		n := per(b)
		sem := make(chan struct{}, 1)
		var wg sync.WaitGroup
		counter := 0
		b.ResetTimer()
		wg.Add(lockTasks)
		for range lockTasks {
			go func() {
				defer wg.Done()
				for range n {
					sem <- struct{}{}
					counter++
					runtime.Gosched()
					<-sem
				}
			}()
		}
		wg.Wait()
	})
}
