//go:build linux

package aio

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A listener whose accept keeps failing backs off 10, 20, 40 ... ms,
// doubling up to 1 s, and stays out of the poller meanwhile. Under the
// virtual clock the count of failures in 5 s tells the schedule: at 0,
// 10, 30, 70, 150, 310, 630, 1270, 2270, 3270 and 4270 ms.
func TestAcceptBackOffDoubles(t *testing.T) {
	checkFDs(t)
	rec := &recorder{}
	l := newIOLoop(t, VirtualClock(), rec.handler())
	runTest(t, l, func(tk *Task) error {
		srv, err := CreateServer(tk, func() *recProto { return &recProto{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		// A shut-down listening socket reports a hang-up and accept
		// fails with EINVAL, for good.
		if err := unix.Shutdown(srv.Sockets()[0].Fd, unix.SHUT_RDWR); err != nil {
			return err
		}
		start := l.Time()
		if err := Sleep(tk, 5*time.Second); err != nil {
			return err
		}
		ln := srv.listeners[0]
		if ln.failures != 11 {
			return fmt.Errorf("%d accept failures in 5 s, want 11 (10 ms doubling to 1 s)", ln.failures)
		}
		if ln.backoff != maxAcceptBackoff {
			return fmt.Errorf("back-off %v, want %v", ln.backoff, maxAcceptBackoff)
		}
		if ln.pfd.registered {
			return fmt.Errorf("the listener is in the poller while backing off")
		}
		if got := l.Time() - start; got != 5*time.Second {
			return fmt.Errorf("slept %v of virtual time", got)
		}
		if n := strings.Count(rec.messages(), "accept failed"); n != 1 {
			return fmt.Errorf("%d accept failures reported, want the first only: %s", n, rec.messages())
		}
		return nil
	})
}
