package coro

import (
	"errors"
	"iter"
)

// Errors reported by [World] and [Greenlet].
var (
	// ErrGreenletExit is Python's greenlet.GreenletExit: the error that
	// [Greenlet.Throw] delivers by default (Throw(nil)) and that
	// [World.Close] throws into every unfinished greenlet. A greenlet whose
	// run returns it (possibly wrapped) ends normally: its parent's pending
	// Switch returns the run's value and a nil error.
	ErrGreenletExit = errors.New("coro: greenlet exit")

	// ErrGreenletIgnoredExit is reported by [World.Close] for a greenlet that
	// did not finish when thrown ErrGreenletExit (it switched away instead).
	// Close then stops it by force: every Switch it makes from then on
	// returns (nil, ErrGreenletExit) at once, until its run returns.
	ErrGreenletIgnoredExit = errors.New("coro: greenlet ignored GreenletExit")

	// ErrWrongWorld is returned by [Greenlet.SetParent] when the new parent
	// belongs to another World (Python's ValueError "parent cannot be on a
	// different thread").
	ErrWrongWorld = errors.New("coro: parent belongs to a different World")

	// ErrWorldClosed is returned by Switch and Throw after [World.Close].
	ErrWorldClosed = errors.New("coro: World is closed")

	// ErrNotMain is returned by [World.Close] when called from a greenlet
	// other than the main one.
	ErrNotMain = errors.New("coro: World.Close called from a greenlet other than the main greenlet")

	// ErrCyclicParent is returned by [Greenlet.SetParent] when the new
	// parent chain would contain the greenlet itself.
	ErrCyclicParent = errors.New("coro: cyclic parent chain")

	// ErrMainParent is returned by [Greenlet.SetParent] on a main greenlet,
	// which has no parent, or with a nil parent.
	ErrMainParent = errors.New("coro: cannot set the parent of a main greenlet, or set a nil parent")
)

// World is the set of greenlets that can switch to one another, with its
// main greenlet: what the Python greenlet module keeps per thread. A World
// replaces greenlet's thread-local getcurrent(): Go has no goroutine-local
// state, so the current greenlet is asked of the World, [World.Current].
//
// The main greenlet is not an object of its own making: it is whatever code
// calls into the World while none of the World's greenlets runs, normally
// the goroutine that made the World. That code may itself be a greenlet of
// another World or the body of a [Generator]: the World is then nested in
// it, and its greenlets run (and return to "main") inside that greenlet's
// or body's turn.
//
// Every non-main greenlet is an iter.Pull coroutine. Switching is symmetric
// for the user (any greenlet may switch to any other) and is implemented as
// a trampoline: the main greenlet's Switch call runs a loop that resumes
// whichever greenlet was switched to, and a greenlet that switches
// suspends itself back to that loop with the name of the next one. So all
// coroutines are resumed from the main greenlet's goroutine, never nested.
//
// Goroutines: a World and its greenlets are not safe for concurrent use.
// Every method must be called by the World's current greenlet: by the main
// greenlet's code when none of the World's greenlets runs, or by the run
// function of the greenlet that runs now, on that greenlet's goroutine (not
// from a goroutine it starts, nor from the body of a [Generator] it resumes,
// which run on other goroutines; such a call would be taken for one made by
// the current greenlet and cannot be detected). The main greenlet's calls
// must not overlap, and must all be made with one runtime.LockOSThread state.
//
// A greenlet that has started and not finished holds a suspended goroutine:
// call Close (defer w.Close()) when done with the World. A panic in a
// greenlet is recovered (see [World.NewGreenlet]); a runtime.Goexit is not:
// it ends the main greenlet's goroutine too, and the World is unusable.
type World struct {
	main    *Greenlet
	current *Greenlet
	live    []*Greenlet // started and not finished

	// The transfer in progress: the greenlet to run next and what it gets.
	to   *Greenlet
	args []any
	err  error

	closed bool
}

type greenletState uint8

const (
	glUnstarted greenletState = iota
	glActive
	glDead
)

// Greenlet is a coroutine that can switch to any other greenlet of its
// [World], passing values both ways: Python's greenlet.greenlet. Make one
// with [World.NewGreenlet]; start it, and later resume it, with Switch.
// See [World] for which goroutine may call its methods.
type Greenlet struct {
	w      *World
	run    func(args ...any) (any, error)
	parent *Greenlet
	state  greenletState

	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	liveIdx   int   // index in w.live while started and not dead
	killTried bool  // Close has thrown ErrGreenletExit into it
	forced    bool  // Close is stopping it by force
	forcedErr error // run's error when stopped by force
}

// NewWorld returns a World whose main greenlet is the caller.
func NewWorld() *World {
	w := &World{}
	w.main = &Greenlet{w: w, state: glActive}
	w.current = w.main
	return w
}

// Main returns the World's main greenlet. Switching to it from a greenlet
// returns control (and the values) to the main greenlet's pending Switch.
// It is never dead and has no parent.
func (w *World) Main() *Greenlet { return w.main }

// Current returns the greenlet that runs now: Python's greenlet.getcurrent().
// Called by the main greenlet's code it returns Main(); called from a run
// function it returns that greenlet.
func (w *World) Current() *Greenlet { return w.current }

// NewGreenlet returns a greenlet that will call run, which must not be nil,
// at the first Switch to it: Python's greenlet(run). Its parent is the
// greenlet current now (the main greenlet, or the greenlet whose run calls
// NewGreenlet). Nothing runs and no goroutine exists until the first switch.
//
// run receives the values of the first Switch. Its return value goes to its
// parent: the parent's pending Switch returns ([]any{value}, nil), or
// (nil, err) if run returned an error err (other than ErrGreenletExit) or
// panicked (a *[PanicError]). Either way the greenlet is dead afterwards.
func (w *World) NewGreenlet(run func(args ...any) (any, error)) *Greenlet {
	if run == nil {
		panic("coro: NewGreenlet with a nil run")
	}
	return &Greenlet{w: w, run: run, parent: w.current}
}

// World returns the World g belongs to.
func (g *Greenlet) World() *World { return g.w }

// Parent returns g's parent, which receives control and g's result when g's
// run returns. It is nil for a main greenlet.
func (g *Greenlet) Parent() *Greenlet { return g.parent }

// SetParent makes p the parent of g: Python's `g.parent = p`. It returns
// ErrWrongWorld if p belongs to another World, ErrCyclicParent if g is p or
// one of p's ancestors, and ErrMainParent if g is a main greenlet or p is nil.
func (g *Greenlet) SetParent(p *Greenlet) error {
	if p == nil || g == g.w.main {
		return ErrMainParent
	}
	if p.w != g.w {
		return ErrWrongWorld
	}
	for q := p; q != nil; q = q.parent {
		if q == g {
			return ErrCyclicParent
		}
	}
	g.parent = p
	return nil
}

// Dead reports whether g has finished: its run returned (or panicked), or it
// was thrown an error before it started. Python's g.dead. A main greenlet is
// never dead; a greenlet that has not started is not dead.
func (g *Greenlet) Dead() bool { return g.state == glDead }

// Active reports whether g has started and is not dead: Python's bool(g).
// A main greenlet is always active.
func (g *Greenlet) Active() bool { return g.state == glActive }

// Switch suspends the current greenlet and runs g: Python's g.switch(*args).
//
//   - If g has not started, its run is called with args.
//   - If g is suspended in a Switch of its own, that Switch returns (args, nil).
//   - If g is dead, the switch goes to g's parent instead (or the parent's
//     parent, and so on up to the main greenlet, which never dies), whose
//     pending Switch returns (args, nil).
//   - If g is the current greenlet, Switch returns (args, nil) at once.
//
// Switch returns when some greenlet switches back to the caller: it returns
// the values that greenlet passed, or ([]any{v}, nil) when a child of the
// caller returned v, or (nil, err) when a child failed with err or the
// caller was thrown err (see Throw). It returns ErrWorldClosed without
// switching when g's World is closed.
//
// See [World] for the goroutine rule: only the current greenlet may call it.
func (g *Greenlet) Switch(args ...any) ([]any, error) {
	return g.w.transfer(g, args, nil)
}

// Throw switches to g and makes its pending Switch return (nil, err):
// Python's g.throw(err). Throw(nil) throws ErrGreenletExit, which kills g:
// a run that returns that error ends normally (its parent's Switch gets
// the run's value and a nil error).
//
// If g has not started, it dies without running and err goes to its
// parent, whose pending Switch returns (nil, err), except that
// ErrGreenletExit is turned into (nil, nil). If g is dead, err goes to its
// parent the same way. If g is the current greenlet, Throw returns
// (nil, err) at once. Throw returns what Switch returns.
func (g *Greenlet) Throw(err error) ([]any, error) {
	if err == nil {
		err = ErrGreenletExit
	}
	return g.w.transfer(g, nil, err)
}

// resolve finds which greenlet a transfer to t really reaches: a dead
// greenlet passes it to its parent, and an unstarted greenlet that is thrown
// an error dies without running and passes the error to its parent. A
// GreenletExit passed on that way becomes a plain (nil, nil) value, as in
// Python, where it is the thrown greenlet's (normal) result.
func (w *World) resolve(t *Greenlet, args []any, err error) (*Greenlet, []any, error) {
	for {
		switch {
		case t.state == glDead:
		case t.state == glUnstarted && err != nil:
			t.state = glDead
			t.run = nil
		default:
			return t, args, err
		}
		if errors.Is(err, ErrGreenletExit) {
			args, err = nil, nil
		}
		t = t.parent // the main greenlet ends every chain and is never dead
	}
}

// transfer switches from the current greenlet to t, handing it (args, err),
// and returns what the current greenlet is handed when it next runs.
func (w *World) transfer(t *Greenlet, args []any, err error) ([]any, error) {
	c := w.current
	if c.forced {
		return nil, ErrGreenletExit
	}
	if w.closed {
		return nil, ErrWorldClosed
	}
	t, args, err = w.resolve(t, args, err)
	if t == c {
		return args, err
	}
	w.to, w.args, w.err = t, args, err
	if c == w.main {
		return w.trampoline()
	}
	if !c.yield(struct{}{}) {
		// World.Close is stopping c by force.
		w.to, w.args, w.err = nil, nil, nil
		return nil, ErrGreenletExit
	}
	args, err = w.args, w.err
	w.args, w.err = nil, nil
	return args, err
}

// trampoline runs in the main greenlet: it resumes the greenlet named in
// w.to until a transfer names the main greenlet, and returns what that
// transfer carries.
func (w *World) trampoline() ([]any, error) {
	for {
		t := w.to
		if t == w.main {
			w.to, w.current = nil, w.main
			args, err := w.args, w.err
			w.args, w.err = nil, nil
			return args, err
		}
		w.current = t
		if t.state == glUnstarted {
			w.start(t)
		}
		if _, ok := t.next(); !ok {
			t.next, t.stop = nil, nil
		}
	}
}

// start creates g's coroutine. Its run gets the pending transfer's args;
// when run returns, the coroutine sets up the transfer to g's parent.
func (w *World) start(g *Greenlet) {
	g.state = glActive
	g.liveIdx = len(w.live)
	w.live = append(w.live, g)
	g.next, g.stop = iter.Pull(func(yield func(struct{}) bool) {
		g.yield = yield
		args := w.args
		w.args, w.err = nil, nil
		ret, err := g.call(args)
		g.state = glDead
		g.yield, g.run = nil, nil
		w.removeLive(g)
		if g.forced {
			g.forcedErr = err
			return
		}
		var out []any
		if errors.Is(err, ErrGreenletExit) {
			err = nil
		}
		if err == nil {
			out = []any{ret}
		}
		w.to, w.args, w.err = w.resolve(g.parent, out, err)
	})
}

// call runs g's run function, turning a panic into a *PanicError.
func (g *Greenlet) call(args []any) (ret any, err error) {
	defer func() {
		if p := recover(); p != nil {
			ret, err = nil, newPanicError(p)
		}
	}()
	return g.run(args...)
}

func (w *World) removeLive(g *Greenlet) {
	i, last := g.liveIdx, len(w.live)-1
	w.live[i] = w.live[last]
	w.live[i].liveIdx = i
	w.live[last] = nil
	w.live = w.live[:last]
}

// Close ends every greenlet of the World that has started and not finished,
// so that no goroutine is left behind, and closes the World: Switch and
// Throw return ErrWorldClosed afterwards. It is what Python does to the
// greenlets of a thread that ends.
//
// Each unfinished greenlet (the most recently started first) gets the main
// greenlet as its parent and is thrown ErrGreenletExit; its run should
// clean up and return. A greenlet that switches away instead is stopped by
// force (see ErrGreenletIgnoredExit); a run that then switches forever
// without returning never lets Close return. Close returns the errors the
// greenlets ended with, other than ErrGreenletExit, joined with
// [errors.Join], or nil. Greenlets that never started are left as they are.
//
// Close must be called by the main greenlet (else it returns ErrNotMain);
// a second Close returns nil.
func (w *World) Close() error {
	if w.current != w.main {
		return ErrNotMain
	}
	if w.closed {
		return nil
	}
	var errs []error
	for len(w.live) > 0 {
		g := w.live[len(w.live)-1]
		if !g.killTried {
			g.killTried = true
			g.parent = w.main
			if _, err := w.transfer(g, nil, ErrGreenletExit); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		// g switched away instead of finishing: stop it by force. Its
		// pending Switch returns ErrGreenletExit, and so does any later one.
		g.forced = true
		w.current = g
		g.stop()
		w.current = w.main
		g.next, g.stop = nil, nil
		errs = append(errs, ErrGreenletIgnoredExit)
		if err := g.forcedErr; err != nil && !errors.Is(err, ErrGreenletExit) {
			errs = append(errs, err)
		}
	}
	w.closed = true
	return errors.Join(errs...)
}
