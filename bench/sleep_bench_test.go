package bench

import (
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// sleepWakeTasks is how many tasks sleep side by side in
// BenchmarkSleepWake's many-task variant.
const sleepWakeTasks = 1000

// BenchmarkSleepWake: a task sleeping on a timer and woken when it fires
// (asyncio.sleep with a delay > 0), under the virtual clock so that no
// real time passes; one op is one Sleep. impl=aio: one task sleeps in a
// loop. impl=aio_many: sleepWakeTasks tasks sleep 1 ms each in turn, so
// every pass fires a batch of timers (ns/sleep is per Sleep there). No
// goroutine variant: time.Sleep would measure the OS timer.
func BenchmarkSleepWake(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		sleepRun(b, func(t *aio.Task) error {
			b.ResetTimer()
			for range b.N {
				if err := aio.Sleep(t, time.Millisecond); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("impl=aio_many", func(b *testing.B) {
		b.ReportAllocs()
		sleepRun(b, func(t *aio.Task) error {
			per := b.N/sleepWakeTasks + 1
			futs := make([]*aio.Future[struct{}], sleepWakeTasks)
			b.ResetTimer()
			for i := range futs {
				futs[i] = aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
					for range per {
						if err := aio.Sleep(t, time.Millisecond); err != nil {
							return struct{}{}, err
						}
					}
					return struct{}{}, nil
				})
			}
			_, err := aio.Gather(t, futs...)
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(per*sleepWakeTasks), "ns/sleep")
			return err
		})
	})
}

// sleepRun runs main as a task on a fresh loop with the virtual clock.
func sleepRun(b *testing.B, main func(t *aio.Task) error) {
	b.Helper()
	l, err := aio.NewLoop(aio.NoSignalHandlers(), aio.VirtualClock())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	fut := aio.CreateTask(l, func(t *aio.Task) (struct{}, error) { return struct{}{}, main(t) })
	if _, err := aio.RunUntilComplete(l, fut); err != nil {
		b.Fatal(err)
	}
}
