package aio_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// A timeout keeps the cancellation it replaced as its Cause, and is not
// itself a cancellation.
func ExampleTimeoutError() {
	aio.Run(func(t *aio.Task) error {
		err := aio.Timeout(t, time.Second, func(t *aio.Task) error {
			return aio.Sleep(t, time.Hour)
		})
		var te *aio.TimeoutError
		if errors.As(err, &te) {
			fmt.Println("timed out at", t.Loop().Time(), "replacing:", te.Cause())
		}
		fmt.Println("a cancellation:", errors.Is(err, aio.ErrCancelled))
		return nil
	}, exOpts...)
	// Output:
	// timed out at 1s replacing: aio: cancelled
	// a cancellation: false
}

// A timeout of 0 times out at once, NoTimeout never.
func ExampleNoTimeout() {
	aio.Run(func(t *aio.Task) error {
		slow := aio.Spawn(t, func(t *aio.Task) (int, error) { return 1, aio.Sleep(t, time.Minute) })
		done, pending, _ := aio.Wait(t, []*aio.Future[int]{slow}, aio.AllCompleted, 0)
		fmt.Println("timeout 0:", len(done), "done,", len(pending), "pending at", t.Loop().Time())
		done, pending, _ = aio.Wait(t, []*aio.Future[int]{slow}, aio.AllCompleted, aio.NoTimeout)
		fmt.Println("NoTimeout:", len(done), "done,", len(pending), "pending at", t.Loop().Time())
		return nil
	}, exOpts...)
	// Output:
	// timeout 0: 0 done, 1 pending at 0s
	// NoTimeout: 1 done, 0 pending at 1m0s
}
