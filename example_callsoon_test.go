package aio_test

import (
	"fmt"

	"github.com/aio-go/aio"
)

// Callbacks that are never cancelled, scheduled without a Handle: they
// run in order with CallSoon's, and cost no allocation.
func ExampleLoop_CallSoonNoHandle() {
	l, _ := aio.NewLoop(aio.VirtualClock())
	defer l.Close()
	for i := range 3 {
		l.CallSoonNoHandle(func() { fmt.Println("callback", i) })
	}
	l.CallSoon(func() { fmt.Println("with a handle"); l.Stop() })
	l.RunForever()
	// Output:
	// callback 0
	// callback 1
	// callback 2
	// with a handle
}
