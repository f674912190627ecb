package bench

import (
	"testing"

	"github.com/aio-go/aio"
)

// BenchmarkQueuePingPong: two tasks pass an item back and forth through
// two queues (ping -> pong -> ping); one op is one round trip, two queue
// transfers and two task switches. goroutine: two goroutines and two
// unbuffered channels. The Python version passes 1M items.
func BenchmarkQueuePingPong(b *testing.B) {
	b.Run("impl=aio", func(b *testing.B) {
		b.ReportAllocs()
		c3Run(b, func(t *aio.Task) error {
			ping, pong := aio.NewQueue[int](0), aio.NewQueue[int](0)
			partner := aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
				for {
					v, err := ping.Get(t)
					if err != nil {
						return struct{}{}, nil // shut down
					}
					pong.PutNowait(v + 1)
				}
			})
			b.ResetTimer()
			for i := range b.N {
				ping.PutNowait(i)
				v, err := pong.Get(t)
				if err != nil || v != i+1 {
					b.Fatalf("got %d %v", v, err)
				}
			}
			b.StopTimer()
			ping.Shutdown(false)
			_, err := aio.Await(t, partner)
			return err
		})
	})
	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v + 1
			}
			close(pong)
		}()
		b.ResetTimer()
		for i := range b.N {
			ping <- i
			if v := <-pong; v != i+1 {
				b.Fatal("wrong value")
			}
		}
		b.StopTimer()
		close(ping)
		<-pong
	})
}
