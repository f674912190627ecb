package aio

import (
	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// Retrying non-blocking syscalls: every IO call of the package goes
// through ignoringEINTR, and the Sock* functions through sockRetry.

// ignoringEINTR makes call again as long as a signal interrupts it
// (EINTR) and returns its first other outcome, as Go's internal/poll
// does. call reports its results through the variables it captures.
func ignoringEINTR(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}

// sockRetry makes call, a non-blocking IO call on fd, until it is done:
// again at once after EINTR, and after suspending t until fd is ready
// for mode after EAGAIN. Its other errors are returned as they are.
//
// Cancellation: it returns the error of the wait, matching ErrCancelled;
// call was not completed.
func sockRetry(t *Task, fd int, mode poll.Event, call func() error) error {
	for {
		err := ignoringEINTR(call)
		if err != unix.EAGAIN {
			return err
		}
		if err := waitFD(t, fd, mode); err != nil {
			return err
		}
	}
}

// isTemporaryAccept reports accept errors that mean "nothing to accept
// now, try again".
func isTemporaryAccept(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR || err == unix.ECONNABORTED || err == unix.EPROTO
}
