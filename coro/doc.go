/*
Package coro provides Python-style coroutines for Go: generators with send,
throw and close, and greenlets that switch symmetrically between one another.
Both are built on [iter.Pull], which switches goroutines directly in the
runtime without the scheduler: a Send/Yield round trip or a greenlet switch
costs on the order of 100 ns and no allocation, less than a channel
ping-pong between two goroutines.

These are the building blocks under package aio (whose tasks are coroutines
of the same kind, driven by an event loop); use coro directly when you want
the control flow of Python's generator-based coroutines or of the greenlet
module without an event loop.

# Generators

A [Generator] runs a body function as a coroutine. The body gets a
[Yielder]; each y.Yield(v) suspends the body and hands v to the caller,
and returns what the caller sends next:

	consumer := coro.NewGenerator(func(y *coro.Yielder[string, int]) (struct{}, error) {
		r := ""
		for {
			n, err := y.Yield(r) // hand r out, wait for the next n
			if err != nil || n == 0 {
				return struct{}{}, err
			}
			r = fmt.Sprintf("consumed %d", n)
		}
	})
	consumer.Next()            // start it: runs to the first Yield
	r, err := consumer.Send(1) // r == "consumed 1"
	err = consumer.Close()     // Yield returns ErrGeneratorExit; body returns

The type parameters are Y, the type of the values yielded; S, the type of the
values sent in; and R, the type of the body's return value. The rules are
Python's:

  - Nothing runs until the first Next (or Send of the zero S), which runs
    the body to its first Yield. Send of another value to a generator that
    has not started returns [ErrNotStarted].
  - Send(s) makes the pending Yield return s and runs the body to its next
    Yield, whose value Send returns. Next is Send of the zero S.
  - Throw(err) makes the pending Yield return err instead.
  - Close makes the pending Yield return [ErrGeneratorExit]; the body
    cleans up and returns, and its goroutine is gone when Close returns.
  - When the body returns (r, nil), the resume that ran it returns
    [ErrStopIteration] and [Generator.Result] returns r; when it returns an
    error or panics, that resume returns the error (a *[PanicError] for a
    panic). Later resumes return ErrStopIteration.
  - Resuming a generator whose body is running, for example from inside
    the body itself, returns [ErrGeneratorRunning].

[Generator.All] gives the yielded values to a range loop, like Python's
`for v in gen`, and [YieldFrom] delegates to an inner generator, like
`yield from`.

# Greenlets

A [Greenlet] is a coroutine that can switch to any other greenlet of its
[World], not only back to its caller, passing values both ways, like the
greenlet module that gevent is built on:

	w := coro.NewWorld()
	defer w.Close()
	var ping, pong *coro.Greenlet
	ping = w.NewGreenlet(func(args ...any) (any, error) {
		for i := 0; i < 3; i++ {
			args, _ = pong.Switch(i) // run pong, wait for it to switch back
		}
		return "done", nil
	})
	pong = w.NewGreenlet(func(args ...any) (any, error) {
		for {
			var err error
			if args, err = ping.Switch(args...); err != nil { // echo back to ping
				return nil, err // ErrGreenletExit from w.Close
			}
		}
	})
	res, err := ping.Switch() // res == []any{"done"}: ping returned to its parent

A World stands for what greenlet keeps per thread: its main greenlet (the
code that calls in from outside every greenlet) and the current greenlet,
[World.Current] (Python's getcurrent()). A new greenlet's parent is the
greenlet current when it is made; when its run function returns, control and
the return value go to the parent, and an error goes there as an error.
Switching to a dead greenlet goes to its parent instead. [Greenlet.Throw]
raises an error at a greenlet's pending Switch; Throw(nil) throws
[ErrGreenletExit], which ends it quietly. [World.Close] throws
ErrGreenletExit into every unfinished greenlet, so no goroutine is left
behind.

Greenlets switch symmetrically, but [iter.Pull] coroutines are asymmetric
(a coroutine can only yield back to whoever resumed it). A World therefore
runs a trampoline in its main greenlet: a Switch made by a greenlet
suspends it back to the trampoline with the name of the next greenlet, and
the trampoline resumes that one. Every coroutine is resumed from the main
greenlet's goroutine, and none is nested in another.

# Which goroutine

Neither generators nor greenlets are safe for concurrent use. A generator
is resumed by one goroutine at a time (an overlapping resume returns
ErrGeneratorRunning); its Yielder is used only by its body. A World and its
greenlets are used only by the World's current greenlet (see [World]).
Coroutines must be resumed with the same runtime.LockOSThread state they
were created with.

# Python names

	generator.send(v)            Generator.Send(v)
	next(generator)              Generator.Next()
	generator.throw(e)           Generator.Throw(e)
	generator.close()            Generator.Close()
	for v in generator           for v := range g.All()
	yield from g                 YieldFrom(y, g)
	StopIteration(value)         ErrStopIteration, Generator.Result()
	GeneratorExit                ErrGeneratorExit
	inspect.getgeneratorstate    Generator.State()
	greenlet.greenlet(run)       World.NewGreenlet(run)
	greenlet.switch(*args)       Greenlet.Switch(args...)
	greenlet.throw(e)            Greenlet.Throw(e)
	greenlet.parent              Greenlet.Parent(), Greenlet.SetParent(p)
	greenlet.dead, bool(g)       Greenlet.Dead(), Greenlet.Active()
	greenlet.getcurrent()        World.Current()
	greenlet.GreenletExit        ErrGreenletExit
*/
package coro
