package coro

import (
	"errors"
	"iter"
	"reflect"
	"sync/atomic"
)

// Errors reported by [Generator] and [Yielder].
var (
	// ErrStopIteration is returned by Send, Next (and Throw) when the
	// generator's body returns without an error, and by every Send or Next
	// after the body has finished. It is Python's StopIteration; the body's
	// return value is available from [Generator.Result].
	ErrStopIteration = errors.New("coro: stop iteration")

	// ErrGeneratorExit is what [Yielder.Yield] returns inside the body when
	// the caller [Generator.Close]s the generator: Python's GeneratorExit.
	// The body should clean up and return (returning this error is fine).
	ErrGeneratorExit = errors.New("coro: generator exit")

	// ErrGeneratorIgnoredExit is returned by Close when the body called Yield
	// again after Yield had returned ErrGeneratorExit: Python's RuntimeError
	// "generator ignored GeneratorExit". The generator is finished anyway.
	ErrGeneratorIgnoredExit = errors.New("coro: generator ignored GeneratorExit")

	// ErrGeneratorRunning is returned when a generator is resumed (Send,
	// Next, Throw, Close) while its body is executing, for example from
	// inside its own body: Python's ValueError "generator already executing".
	// The call has no effect.
	ErrGeneratorRunning = errors.New("coro: generator already executing")

	// ErrNotStarted is returned by Send when the generator has not started
	// yet and the value sent is not the zero value: the body has no pending
	// Yield to receive it (Python's TypeError "can't send non-None value to a
	// just-started generator"). The generator stays unstarted; start it with
	// Next or Send of the zero value.
	ErrNotStarted = errors.New("coro: can't send a non-zero value to a just-started generator")

	// ErrNotFinished is returned by [Generator.Result] before the body has
	// finished.
	ErrNotFinished = errors.New("coro: generator has not finished")

	// ErrYieldOutsideBody is returned by [Yielder.Yield] when it is called
	// while its generator's body is not the code executing: after the body
	// returned, or from another goroutine while the generator is suspended.
	ErrYieldOutsideBody = errors.New("coro: Yield called outside its generator's running body")

	// ErrNilThrow is returned by [Generator.Throw] when given a nil error;
	// the generator is not resumed.
	ErrNilThrow = errors.New("coro: Throw with a nil error")
)

// GeneratorState is the life-cycle state of a [Generator], as reported by
// [Generator.State]. The names follow Python's inspect.getgeneratorstate.
type GeneratorState int32

const (
	// GenCreated: made by NewGenerator, the body has not started.
	GenCreated GeneratorState = iota
	// GenRunning: the body is executing (a Send, Throw or Close is in progress).
	GenRunning
	// GenSuspended: the body is paused in Yield, waiting for Send, Throw or Close.
	GenSuspended
	// GenClosed: the body has returned (or was closed or never ran and was
	// closed); nothing will run again.
	GenClosed
)

// String returns Python's name for the state: "GEN_CREATED" and so on.
func (s GeneratorState) String() string {
	switch s {
	case GenCreated:
		return "GEN_CREATED"
	case GenRunning:
		return "GEN_RUNNING"
	case GenSuspended:
		return "GEN_SUSPENDED"
	case GenClosed:
		return "GEN_CLOSED"
	}
	return "GeneratorState(?)"
}

// Internal states; stClosing (Close is unwinding the body) reads as GenRunning.
const (
	stCreated int32 = iota
	stRunning
	stSuspended
	stFinished
	stClosing
)

// Yielder is the body's side of a [Generator]: the body receives a *Yielder
// and calls Yield to hand a value to its caller and wait for the next Send.
//
// A Yielder is valid only while its body runs, and only on the body's own
// goroutine (the goroutine that runs the body, including any function the
// body calls directly). Do not copy it, keep it after the body returns, or
// pass it to another goroutine.
type Yielder[Y, S any] struct {
	state   atomic.Int32
	yield   func(struct{}) bool // iter.Pull's yield for the body's coroutine
	out     Y                   // value handed to the caller by Yield
	in      S                   // value sent by the caller
	thrown  error               // error thrown by the caller
	exiting bool                // Yield already returned ErrGeneratorExit
	ignored bool                // the body yielded after GeneratorExit
}

// Yield suspends the body and hands v to the caller of Send/Next/Throw,
// whose call returns (v, nil). When the caller resumes the generator, Yield
// returns:
//   - (s, nil) when the caller called Send(s) (the zero S for Next);
//   - (zero, err) when the caller called Throw(err): handle it and go on, or
//     return it to end the body with that error;
//   - (zero, ErrGeneratorExit) when the caller called Close: clean up and
//     return. Any later Yield returns ErrGeneratorExit at once without
//     suspending, and makes Close report ErrGeneratorIgnoredExit.
//
// Yield must be called by the body of y's generator, on the body's
// goroutine, while the body runs; otherwise it returns ErrYieldOutsideBody
// (when that can be detected) and does nothing.
func (y *Yielder[Y, S]) Yield(v Y) (S, error) {
	var zero S
	switch y.state.Load() {
	case stRunning:
	case stClosing:
		if y.exiting {
			y.ignored = true
			return zero, ErrGeneratorExit
		}
	default:
		return zero, ErrYieldOutsideBody
	}
	y.out = v
	if !y.yield(struct{}{}) {
		// Close called iter.Pull's stop: unwind the body.
		var zy Y
		y.out = zy
		y.exiting = true
		return zero, ErrGeneratorExit
	}
	s, err := y.in, y.thrown
	y.in, y.thrown = zero, nil
	return s, err
}

// Generator is a Python-style generator: a body function that runs as a
// coroutine and suspends at each [Yielder.Yield], handing a Y to its caller
// and receiving an S back (send), or an error (throw), or a request to stop
// (close). When the body returns, its R and error are kept for [Generator.Result].
//
// A Generator is not safe for concurrent use: its methods must be called by
// one goroutine at a time (normally always the same one, with the same
// runtime.LockOSThread state, as iter.Pull requires). A call that overlaps a
// running body, from inside the body or from elsewhere, returns
// ErrGeneratorRunning rather than corrupting it.
//
// A generator that is started and not run to its end holds a suspended
// goroutine until it is closed: defer g.Close() where a generator may be
// abandoned early.
//
// A runtime.Goexit in the body (such as testing's t.FailNow) is not
// recovered: as with iter.Pull, it ends the goroutine that resumed the body
// too, and the generator stays GenRunning for good.
type Generator[Y, S, R any] struct {
	y    Yielder[Y, S]
	body func(*Yielder[Y, S]) (R, error)
	next func() (struct{}, bool)
	stop func()
	ret  R
	err  error
}

// NewGenerator returns a generator that will run body, which must not be
// nil. Nothing runs and no goroutine exists until the first Next or Send,
// which runs body up to its first Yield (or to its end).
//
// Inside body, y.Yield(v) suspends and hands v to the caller; see
// [Yielder.Yield] for what it returns. Return (result, nil) to finish
// normally (the caller's Send then returns ErrStopIteration and Result
// returns result), or an error to make the caller's Send return that error.
// A panic in body is recovered and reported as a *[PanicError].
func NewGenerator[Y, S, R any](body func(y *Yielder[Y, S]) (R, error)) *Generator[Y, S, R] {
	if body == nil {
		panic("coro: NewGenerator with a nil body")
	}
	return &Generator[Y, S, R]{body: body}
}

// start creates the coroutine that runs the body. It is called once, by the
// first resume.
func (g *Generator[Y, S, R]) start() {
	g.next, g.stop = iter.Pull(func(yield func(struct{}) bool) {
		g.y.yield = yield
		defer func() {
			if p := recover(); p != nil {
				g.err = newPanicError(p)
			}
			g.y.yield = nil
			g.body = nil
		}()
		g.ret, g.err = g.body(&g.y)
	})
}

// State reports the generator's life-cycle state. It may be called from the
// body itself (it then reports GenRunning).
func (g *Generator[Y, S, R]) State() GeneratorState {
	switch g.y.state.Load() {
	case stCreated:
		return GenCreated
	case stSuspended:
		return GenSuspended
	case stFinished:
		return GenClosed
	}
	return GenRunning
}

// Next resumes the generator as Send of the zero S: Python's next(g) and
// g.send(None). It returns the next yielded value, or an error as Send does.
func (g *Generator[Y, S, R]) Next() (Y, error) {
	var zero S
	return g.resume(zero, nil)
}

// Send resumes the body, making its pending Yield return (s, nil), and
// runs it to its next Yield, whose value it returns. It is Python's
// g.send(s).
//
// The first resume starts the body, which has no Yield to receive a value:
// it must be Next or Send of the zero S; Send of any other value returns
// ErrNotStarted and leaves the generator unstarted.
//
// When the body returns (r, nil), Send returns the zero Y and
// ErrStopIteration and r is available from Result; when it returns an
// error, or panics, Send returns that error (a *PanicError for a panic).
// Either way the generator is finished, and later Sends return
// ErrStopIteration. A Send while the body runs (for example from inside the
// body) returns ErrGeneratorRunning.
//
// Call Send from the goroutine that owns the generator (see [Generator]),
// never from the body of the generator itself.
func (g *Generator[Y, S, R]) Send(s S) (Y, error) {
	return g.resume(s, nil)
}

// Throw resumes the body making its pending Yield return (zero, err):
// Python's g.throw(err). If the body handles it and yields again, Throw
// returns that value; if the body returns, Throw returns what Send would.
//
// On a generator that has not started, the body never runs: the generator
// is finished and Throw returns err (Result then reports err too). On a
// finished generator Throw returns err. Throw(nil) returns ErrNilThrow and
// does nothing. A Throw while the body runs returns ErrGeneratorRunning.
func (g *Generator[Y, S, R]) Throw(err error) (Y, error) {
	if err == nil {
		var zero Y
		return zero, ErrNilThrow
	}
	var zero S
	return g.resume(zero, err)
}

func (g *Generator[Y, S, R]) resume(s S, thrown error) (Y, error) {
	var zero Y
	for {
		switch st := g.y.state.Load(); st {
		case stCreated:
			if thrown != nil {
				if !g.y.state.CompareAndSwap(stCreated, stFinished) {
					continue
				}
				g.body = nil
				g.err = thrown
				return zero, thrown
			}
			if !isZero(s) {
				return zero, ErrNotStarted
			}
			if !g.y.state.CompareAndSwap(stCreated, stRunning) {
				continue
			}
			g.start()
		case stSuspended:
			if !g.y.state.CompareAndSwap(stSuspended, stRunning) {
				continue
			}
			g.y.in, g.y.thrown = s, thrown
		case stFinished:
			if thrown != nil {
				return zero, thrown
			}
			return zero, ErrStopIteration
		default: // stRunning, stClosing
			return zero, ErrGeneratorRunning
		}
		break
	}
	if _, ok := g.next(); ok {
		v := g.y.out
		g.y.out = zero
		g.y.state.Store(stSuspended)
		return v, nil
	}
	g.next, g.stop = nil, nil
	g.y.state.Store(stFinished)
	if g.err != nil {
		return zero, g.err
	}
	return zero, ErrStopIteration
}

// isZero reports whether s is the zero value of its type. It is a separate
// function so that only the first resume pays for reflection.
//
//go:noinline
func isZero[S any](s S) bool {
	return reflect.ValueOf(&s).Elem().IsZero()
}

// Close stops the generator: Python's g.close(). If the body is suspended,
// its pending Yield returns ErrGeneratorExit, the body runs on (on the
// caller's behalf, synchronously) to its end, and its goroutine is gone when
// Close returns. Close returns:
//   - nil if the body returned nil, ErrGeneratorExit or ErrStopIteration;
//   - the body's error if it returned another one, or a *PanicError;
//   - ErrGeneratorIgnoredExit if the body called Yield again (those Yields
//     return ErrGeneratorExit without suspending; a body that yields forever
//     after ErrGeneratorExit never lets Close return).
//
// Closing a generator that never started finishes it without running the
// body (Result then reports ErrGeneratorExit); closing a finished generator
// does nothing and returns nil. Close while the body runs returns
// ErrGeneratorRunning.
func (g *Generator[Y, S, R]) Close() error {
	for {
		switch g.y.state.Load() {
		case stCreated:
			if !g.y.state.CompareAndSwap(stCreated, stFinished) {
				continue
			}
			g.body = nil
			g.err = ErrGeneratorExit
			return nil
		case stFinished:
			return nil
		case stSuspended:
			if !g.y.state.CompareAndSwap(stSuspended, stClosing) {
				continue
			}
		default:
			return ErrGeneratorRunning
		}
		break
	}
	g.stop()
	g.next, g.stop = nil, nil
	g.y.state.Store(stFinished)
	switch {
	case g.y.ignored:
		return ErrGeneratorIgnoredExit
	case g.err == nil, errors.Is(g.err, ErrGeneratorExit), errors.Is(g.err, ErrStopIteration):
		return nil
	}
	return g.err
}

// Result returns what the body returned, once it has finished: its R and its
// error (nil for a normal return, a *PanicError for a panic, ErrGeneratorExit
// or the thrown error for a generator closed or thrown into before it
// started). Before that it returns the zero R and ErrNotFinished.
// It is the value of Python's StopIteration.
func (g *Generator[Y, S, R]) Result() (R, error) {
	if g.y.state.Load() != stFinished {
		var zero R
		return zero, ErrNotFinished
	}
	return g.ret, g.err
}

// All returns an iterator over the values the generator yields, for
// `for v := range g.All()`: Python's `for v in g`. Each step is a Next.
// The loop ends when Next returns an error: ErrStopIteration at the end, or
// the body's error, which Result reports afterwards. Breaking out of the
// loop leaves the generator suspended where it was, as in Python; Close it
// (or go on with Next) when it is not run to the end.
func (g *Generator[Y, S, R]) All() iter.Seq[Y] {
	return func(yield func(Y) bool) {
		for {
			v, err := g.Next()
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// YieldFrom runs the generator inner to its end as part of the body that
// owns y, passing its yields out and the caller's sends, throws and close
// in: Python's `r = yield from inner`. It returns inner's result when inner
// returns normally, or its error.
//
// When the caller closes the outer generator, YieldFrom closes inner and
// returns ErrGeneratorExit (or inner's Close error). An error thrown into
// the outer generator is thrown into inner.
//
// Call it only from the body that owns y, like Yield.
func YieldFrom[Y, S, R any](y *Yielder[Y, S], inner *Generator[Y, S, R]) (R, error) {
	var zero R
	v, err := inner.Next()
	for {
		if err != nil {
			if err == ErrStopIteration && inner.State() == GenClosed {
				return inner.Result()
			}
			return zero, err
		}
		s, yerr := y.Yield(v)
		switch {
		case yerr == nil:
			v, err = inner.Send(s)
		case errors.Is(yerr, ErrGeneratorExit):
			if cerr := inner.Close(); cerr != nil {
				return zero, cerr
			}
			return zero, yerr
		case yerr == ErrYieldOutsideBody:
			return zero, yerr
		default:
			v, err = inner.Throw(yerr)
		}
	}
}
