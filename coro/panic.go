package coro

import (
	"fmt"
	"runtime/debug"
)

// PanicError is the error a [Generator] or [Greenlet] reports when its body
// panics: the panic is recovered on the coroutine's own goroutine, the
// coroutine is finished, and the caller that resumed it gets a *PanicError
// instead of a crash.
//
// Value is the value passed to panic; Stack is the stack of the panicking
// coroutine as formatted by [runtime/debug.Stack] at the moment of recovery.
// If Value is an error, [errors.Is] and [errors.As] see it through Unwrap.
type PanicError struct {
	Value any
	Stack []byte
}

// Error returns the panic value followed by the stack of the coroutine that
// panicked.
func (e *PanicError) Error() string {
	return fmt.Sprintf("coro: panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns Value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// newPanicError builds a PanicError for a recovered value; call it from the
// deferred function that recovered, so that the stack is the panicking one.
func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}
