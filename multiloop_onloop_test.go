package aio

import (
	"context"
	"errors"
	"testing"
)

// TestMultiServerCloseFromItsLoop: Close and Shutdown called from a
// callback on one of the server's own loops would wait for that loop to
// stop; they return ErrOnLoop instead, and the server keeps serving
// until closed from a goroutine of its own.
func TestMultiServerCloseFromItsLoop(t *testing.T) {
	defer checkNoGoroutineLeak(t)()
	m, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp4", "127.0.0.1:0", Loops(2))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	errs := make(chan error, 2)
	m.Loops()[1].CallSoonThreadsafe(func() {
		errs <- m.Close()
		errs <- m.Shutdown(context.Background())
	})
	for range 2 {
		if err := <-errs; !errors.Is(err, ErrOnLoop) {
			t.Fatalf("from the loop: got %v, want ErrOnLoop", err)
		}
	}
	select {
	case <-m.Done():
		t.Fatal("the loops stopped")
	default:
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}
