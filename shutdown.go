package aio

import "time"

// IdleCloser is implemented by a [Protocol] that can end its connection
// gracefully, such as an HTTP server's: when its server shuts down
// ([Server.Shutdown], [MultiServer.Shutdown]), CloseWhenIdle is called
// instead of closing the transport. The protocol closes its transport at
// once if it is idle, and otherwise when the work in flight is done (the
// response to the request being handled is written), taking no new work
// meanwhile. A connection still open when the shutdown's deadline passes
// is aborted.
//
// CloseWhenIdle is called on the loop's goroutine, at most once per
// connection. A panic in it aborts the connection and is reported to the
// loop's exception handler.
type IdleCloser interface {
	CloseWhenIdle()
}

// unwindLimit bounds how long Close and Shutdown let cancelled tasks
// unwind, on the loop's clock, before they stop the loops anyway.
const unwindLimit = 5 * time.Second

// Shutdown stops accepting, as Close does, ends every connection
// gracefully, and waits for them to be gone, as WaitClosed does
// (aiohttp's graceful shutdown on top of asyncio's Server). A protocol
// that implements [IdleCloser] is asked to close when idle; every other
// connection is closed after its buffered data is sent (CloseClients),
// and its ConnectionLost tells it to stop its work. Bound it with
// [Timeout], then AbortClients ends what is left. Called again, it only
// waits.
//
// Call it on the loop's goroutine.
//
// Cancellation: Shutdown returns an error matching [ErrCancelled] at once;
// the server stays closed and the connections not yet gone go on.
func (s *Server) Shutdown(t *Task) error {
	t.checkRunning("Shutdown")
	s.Close()
	if !s.shutdown {
		s.shutdown = true
		for c := s.conns; c != nil; {
			next := c.next // c may be detached by what follows
			if ic, ok := c.proto.(IdleCloser); ok {
				c.closeWhenIdle(ic)
			} else {
				c.Close()
			}
			c = next
		}
	}
	return s.WaitClosed(t)
}

// closeWhenIdle calls the protocol's CloseWhenIdle, aborting the
// connection if it panics.
func (t *SocketTransport) closeWhenIdle(ic IdleCloser) {
	defer t.recoverPanic()
	ic.CloseWhenIdle()
}

// abortAndUnwind ends what runs on the loop of s for good, from task t:
// it closes s, aborts its connections (their ConnectionLost may cancel
// tasks), cancels every other task of the loop that is not being
// cancelled already, and waits for them all to finish unwinding (their
// awaits after the cancellation included), for at most unwindLimit.
// Tasks still not done are left to Loop.Close, which destroys them.
func abortAndUnwind(t *Task, s *Server) {
	l := t.fut.loop
	deadline := l.Time() + unwindLimit
	s.Close()
	s.AbortClients()
	for {
		var others []*Task
		for _, o := range AllTasks(l) {
			if o == t {
				continue
			}
			if o.Cancelling() == 0 {
				// A second cancel before the task runs would be one
				// anyway (as in asyncio), but one after it caught the
				// first would interrupt its unwinding.
				o.Cancel()
			}
			others = append(others, o)
		}
		if len(others) == 0 {
			return
		}
		// Tasks may start others while they unwind: look again.
		if TimeoutAt(t, deadline, func(t *Task) error { return awaitTasks(t, others) }) != nil {
			return
		}
	}
}

// awaitTasks suspends t until every task of ts is done.
func awaitTasks(t *Task, ts []*Task) error {
	all := NewFuture[struct{}](t.fut.loop)
	left := len(ts)
	for _, o := range ts {
		o.AddDoneCallback(func(*Task) {
			if left--; left == 0 {
				all.SetResult(struct{}{})
			}
		})
	}
	return AwaitDone(t, all)
}
