//go:build linux

package aio

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

// TestConnectTimeoutRule: ConnectTimeout follows every timeout's rule.
// 0 times out at once, NoTimeout (the default) never; the error is a
// *net.OpError naming the address, whose Err is a *TimeoutError keeping
// the cancellation it replaced and not matching ErrCancelled.
func TestConnectTimeoutRule(t *testing.T) {
	addr := blackhole(t)
	checkFDs(t)
	l := newIOLoop(t, VirtualClock())
	runTest(t, l, func(tk *Task) error {
		start := l.Time()
		_, _, err := CreateConnection(tk, func() *recProto { return &recProto{} }, "tcp", addr, ConnectTimeout(0))
		var op *net.OpError
		var te *TimeoutError
		switch {
		case !errors.As(err, &op) || op.Addr.String() != addr:
			return fmt.Errorf("got %v, want a *net.OpError naming %s", err, addr)
		case !errors.As(err, &te) || !errors.Is(te.Cause(), ErrCancelled):
			return fmt.Errorf("got %v, want a *TimeoutError caused by a cancellation", err)
		case errors.Is(err, ErrCancelled):
			return fmt.Errorf("a connect timeout matches ErrCancelled: %v", err)
		case l.Time() != start:
			return fmt.Errorf("ConnectTimeout(0) waited %v of loop time", l.Time()-start)
		}
		// NoTimeout: still connecting after an hour of loop time, when
		// the task's own scope ends it.
		err = Timeout(tk, time.Hour, func(tk *Task) error {
			_, _, err := CreateConnection(tk, func() *recProto { return &recProto{} }, "tcp", addr, ConnectTimeout(NoTimeout))
			return err
		})
		if !errors.Is(err, ErrTimeout) || l.Time()-start != time.Hour {
			return fmt.Errorf("NoTimeout: got %v after %v, want the outer hour's timeout", err, l.Time()-start)
		}
		return nil
	})
}
