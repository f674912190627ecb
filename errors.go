package aio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// Sentinel errors. Test for them with [errors.Is]: the errors aio returns often
// wrap them with more detail.
var (
	// ErrCancelled is matched by every error that reports a cancellation: an
	// [Await] interrupted by [Task.Cancel], the result of a cancelled [Future], a
	// task that ended because it returned a cancellation. It is the Go form
	// of asyncio.CancelledError.
	ErrCancelled = errors.New("aio: cancelled")

	// ErrInvalidState reports a [Future] used in the wrong state: its result
	// read before it is done, or its result set twice (asyncio.InvalidStateError).
	ErrInvalidState = errors.New("aio: invalid state")

	// ErrLoopClosed is returned by calls that need a loop that is still open.
	ErrLoopClosed = errors.New("aio: event loop is closed")

	// ErrLoopRunning is returned when a loop is asked to run while it
	// already runs, or to close while it runs.
	ErrLoopRunning = errors.New("aio: event loop is already running")

	// ErrLoopStopped is returned by [RunUntilComplete] when the loop was
	// stopped before the future was done.
	ErrLoopStopped = errors.New("aio: event loop stopped before the future completed")

	// ErrInterrupted is returned by [Run] when SIGINT or SIGTERM cancelled the
	// main task (asyncio.run raises KeyboardInterrupt there). It also
	// matches [ErrCancelled].
	ErrInterrupted = errors.New("aio: interrupted by signal")

	// ErrNestedRun is returned by [Run], [Loop.RunForever] and
	// [RunUntilComplete] called on a goroutine that is running a loop: from
	// a task or a callback. The inner loop would block the
	// outer one until it ended (asyncio.run's "cannot be called from a
	// running event loop"). Run the work as a task of the running loop
	// instead, or run the other loop on its own goroutine.
	ErrNestedRun = errors.New("aio: Run cannot be called from a running event loop")

	// ErrOnLoop is returned by a call that blocks its goroutine
	// ([MultiServer.Close] and Shutdown) when it is made on a goroutine
	// running a loop: from a task or a callback. Blocking there would
	// stall that loop, and deadlock if it is one the call waits for.
	ErrOnLoop = errors.New("aio: blocking call made from a running event loop")

	// ErrTimeout is returned when a wait ran out of time. Errors that match
	// it also match [context.DeadlineExceeded]; they are a *[TimeoutError],
	// whose Cause is the cancellation the timeout replaced, if any.
	ErrTimeout = errors.New("aio: timeout")

	// ErrExecutorShutdown is returned when work is submitted to an
	// executor that was shut down.
	ErrExecutorShutdown = errors.New("aio: executor is shut down")
)

// Errors of transports and servers. Test for them with [errors.Is].
var (
	// ErrTransportClosed is returned by writes to a transport that is
	// closing or closed.
	ErrTransportClosed = errors.New("aio: transport is closing")

	// ErrWriteAfterEOF is returned by writes after WriteEOF.
	ErrWriteAfterEOF = errors.New("aio: write after WriteEOF")

	// ErrWriteBufferFull is matched by the error of a write that would
	// make a transport's write buffer exceed its hard limit (see
	// SocketTransport.SetWriteBufferMax). On a stream transport nothing
	// of that write is sent and the connection is aborted, so that the
	// byte stream can have no gap: ConnectionLost and every later write
	// report the same error. A datagram endpoint drops only that
	// datagram.
	ErrWriteBufferFull = errors.New("aio: write buffer is full")

	// ErrSendFileInProgress is returned by writes to a stream transport
	// while [SocketTransport.SendFile] sends a file on it, and by a second
	// SendFile (asyncio raises RuntimeError there too).
	ErrSendFileInProgress = errors.New("aio: sendfile is in progress")

	// ErrServerClosed is returned when a server is asked to serve after
	// Close.
	ErrServerClosed = errors.New("aio: server is closed")
)

// CancelledError is the error a cancellation carries when Cancel was given
// a message. It matches [ErrCancelled].
type CancelledError struct {
	Msg string
}

// Error returns "aio: cancelled", with the message after a colon if any.
func (e *CancelledError) Error() string {
	if e.Msg == "" {
		return ErrCancelled.Error()
	}
	return ErrCancelled.Error() + ": " + e.Msg
}

// Is makes errors.Is(err, [ErrCancelled]) true.
func (e *CancelledError) Is(target error) bool { return target == ErrCancelled }

// cancelledErr returns the error for a cancellation with msg, without an
// allocation for the common case of no message.
func cancelledErr(msg string) error {
	if msg == "" {
		return ErrCancelled
	}
	return &CancelledError{Msg: msg}
}

// TimeoutError is the error of a wait that ran out of time (asyncio's
// TimeoutError). It matches [ErrTimeout] and [context.DeadlineExceeded], and
// its Timeout method reports true, as [net.Error]'s does.
//
// Where the timeout cancelled work to end the wait (Timeout, [TimeoutAt],
// [WaitFor], and [CreateConnection]'s [ConnectTimeout]), Cause returns that
// cancellation, as asyncio raises
// `TimeoutError from CancelledError`. It is deliberately not what Unwrap
// returns: the error does not match [ErrCancelled], so code that tells a
// cancellation (which it must pass on) from a timeout (which it may
// handle) keeps working.
type TimeoutError struct {
	cause error
}

// Error returns "aio: timeout".
func (e *TimeoutError) Error() string { return ErrTimeout.Error() }

// Is makes errors.Is(err, [ErrTimeout]) and errors.Is(err,
// [context.DeadlineExceeded]) true.
func (e *TimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Timeout reports true (the [net.Error] convention).
func (e *TimeoutError) Timeout() bool { return true }

// Cause returns the cancellation the timeout replaced (it matches
// [ErrCancelled]), or nil when the wait ended without cancelling anything
// ([AsCompleted], [ConcurrentFuture.ResultTimeout]).
func (e *TimeoutError) Cause() error { return e.cause }

// PanicError is the error a task or executor function ends with when it
// panics: the panic value and the stack of the goroutine where it happened.
type PanicError struct {
	Value any
	Stack []byte
}

func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error describes the panic by its value; the stack is in Stack.
func (e *PanicError) Error() string { return fmt.Sprintf("aio: panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error, so [errors.Is] and
// [errors.As] see through a panic(err).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// interruptedError is what Run returns after a signal cancelled its main
// task: it matches both ErrInterrupted and ErrCancelled.
type interruptedError struct{ sig string }

func (e *interruptedError) Error() string { return ErrInterrupted.Error() + " (" + e.sig + ")" }
func (e *interruptedError) Is(target error) bool {
	return target == ErrInterrupted || target == ErrCancelled
}
