package aio

import (
	"fmt"
)

// Result is the outcome of one future in a settled gather: its value, or
// its error (an error matching [ErrCancelled] for a cancelled future).
type Result[T any] struct {
	Value T
	Err   error
}

// Gather waits for every future in futs and returns their values in
// argument order (asyncio.gather). The futures run concurrently: spawn
// the tasks first, then gather them.
//
// As soon as one future fails, Gather returns its error; the others are
// not cancelled and keep running (asyncio's default,
// return_exceptions=False). A future cancelled on its own counts as
// failed: Gather returns an error matching [ErrCancelled], and the others
// go on. Gather of no futures returns an empty slice at once.
//
// Cancellation: if t is cancelled while it waits, every future still
// running is cancelled, and Gather returns an error matching ErrCancelled
// once the first of them has ended cancelled (as asyncio does: the
// others may still be finishing). Use [GatherFuture] to cancel a gather as
// a group without cancelling the task that awaits it.
func Gather[T any](t *Task, futs ...*Future[T]) ([]T, error) {
	return Await(t, GatherFuture(t.fut.loop, futs...))
}

// GatherSettled waits for every future in futs and returns all their
// outcomes, values and errors, in argument order (asyncio.gather with
// return_exceptions=True). Its error is nil unless the gather itself was
// cancelled.
//
// Cancellation: if t is cancelled while it waits, every future still
// running is cancelled; GatherSettled waits until all of them are done
// and returns an error matching [ErrCancelled].
func GatherSettled[T any](t *Task, futs ...*Future[T]) ([]Result[T], error) {
	return Await(t, GatherSettledFuture(t.fut.loop, futs...))
}

// GatherAny is [Gather] for awaitables of mixed types: it returns their
// values as interfaces, in argument order. Any [Awaitable] that is not a
// *Future[T] contributes a nil value.
//
// Cancellation: as for Gather.
func GatherAny(t *Task, aws ...Awaitable) ([]any, error) {
	return Await(t, GatherAnyFuture(t.fut.loop, aws...))
}

// GatherAnySettled is [GatherSettled] for awaitables of mixed types.
//
// Cancellation: as for GatherSettled.
func GatherAnySettled(t *Task, aws ...Awaitable) ([]Result[any], error) {
	return Await(t, GatherAnySettledFuture(t.fut.loop, aws...))
}

// GatherFuture returns a future of the gather of futs, the object that
// asyncio.gather returns: await it later, add callbacks, or cancel it.
// Its results and errors are those of [Gather]. Cancelling it cancels every
// future in futs that is not done yet (and reports false if there was
// none); it then completes with an error matching [ErrCancelled] when the
// first of them ends cancelled. It is not itself "cancelled" in the
// sense of Cancelled(), as in asyncio: it completes with that error.
//
// The futures must belong to l. Call it from l's goroutine.
func GatherFuture[T any](l *Loop, futs ...*Future[T]) *Future[[]T] {
	outer := NewFuture[[]T](l)
	children := make([]*future, len(futs))
	for i, f := range futs {
		children[i] = &f.future
	}
	startGather(l, &outer.future, children, false, func() {
		vals := make([]T, len(futs))
		for i, f := range futs {
			vals[i] = f.val
		}
		outer.val = vals
	})
	return outer
}

// GatherSettledFuture is [GatherFuture] for [GatherSettled]: a future of all
// the outcomes. Cancelling it cancels the futures not done yet; it
// completes with an error matching [ErrCancelled] once all are done.
func GatherSettledFuture[T any](l *Loop, futs ...*Future[T]) *Future[[]Result[T]] {
	outer := NewFuture[[]Result[T]](l)
	children := make([]*future, len(futs))
	for i, f := range futs {
		children[i] = &f.future
	}
	startGather(l, &outer.future, children, true, func() {
		res := make([]Result[T], len(futs))
		for i, f := range futs {
			res[i] = Result[T]{Value: f.val, Err: f.outcomeErr()}
		}
		outer.val = res
	})
	return outer
}

// GatherAnyFuture is [GatherFuture] for awaitables of mixed types.
func GatherAnyFuture(l *Loop, aws ...Awaitable) *Future[[]any] {
	outer := NewFuture[[]any](l)
	children := make([]*future, len(aws))
	for i, a := range aws {
		children[i] = a.base()
	}
	startGather(l, &outer.future, children, false, func() {
		vals := make([]any, len(aws))
		for i, a := range aws {
			vals[i], _ = anyResult(a)
		}
		outer.val = vals
	})
	return outer
}

// GatherAnySettledFuture is [GatherSettledFuture] for awaitables of mixed
// types.
func GatherAnySettledFuture(l *Loop, aws ...Awaitable) *Future[[]Result[any]] {
	outer := NewFuture[[]Result[any]](l)
	children := make([]*future, len(aws))
	for i, a := range aws {
		children[i] = a.base()
	}
	startGather(l, &outer.future, children, true, func() {
		res := make([]Result[any], len(aws))
		for i, a := range aws {
			v, err := anyResult(a)
			res[i] = Result[any]{Value: v, Err: err}
		}
		outer.val = res
	})
	return outer
}

// anyResult reads a done awaitable's outcome as an interface.
func anyResult(a Awaitable) (any, error) {
	if r, ok := a.(interface{ ResultAny() (any, error) }); ok {
		return r.ResultAny()
	}
	return nil, a.base().outcomeErr()
}

// outcomeErr is the error of a done future for a settled gather, marking
// it retrieved.
func (f *future) outcomeErr() error {
	if f.state == stateCancelled {
		return f.err
	}
	f.markRetrieved()
	return f.err
}

// gatherer is the state of one gather (asyncio's _GatheringFuture).
type gatherer struct {
	outer     *future
	children  []*future
	finished  int
	settled   bool
	cancelReq bool
	cancelMsg string
	setResult func()
	notes     []gatherNote // one per child, so that registering allocates nothing per child
}

// gatherNote tells its gatherer that one child is done.
type gatherNote struct {
	g *gatherer
	c *future
}

func (n *gatherNote) run() { n.g.childDone(n.c) }

func startGather(l *Loop, outer *future, children []*future, settled bool, setResult func()) {
	if len(children) == 0 {
		setResult()
		outer.finish(stateDone, nil)
		return
	}
	for _, c := range children {
		if c.loop != l {
			outer.finish(stateDone, fmt.Errorf("aio: gather: a future belongs to another loop"))
			return
		}
	}
	g := &gatherer{outer: outer, children: children, settled: settled, setResult: setResult}
	outer.restOf().cancelHook = g.cancel
	g.notes = make([]gatherNote, len(children))
	var done []*future
	for i, c := range children {
		if c.state != statePending {
			done = append(done, c)
			continue
		}
		g.notes[i] = gatherNote{g: g, c: c}
		c.addDone(&g.notes[i])
	}
	// Children done already are counted at once, so a gather of done
	// futures is done when it is made, as in asyncio.
	for _, c := range done {
		g.childDone(c)
	}
}

func (g *gatherer) childDone(c *future) {
	g.finished++
	outer := g.outer
	if outer.state != statePending {
		if c.state != stateCancelled {
			c.markRetrieved()
		}
		return
	}
	if !g.settled {
		if c.state == stateCancelled {
			outer.finish(stateDone, c.err)
			return
		}
		if c.err != nil {
			c.markRetrieved()
			outer.finish(stateDone, c.err)
			return
		}
	}
	if g.finished < len(g.children) {
		return
	}
	if g.cancelReq {
		outer.finish(stateDone, cancelledErr(g.cancelMsg))
		return
	}
	g.setResult()
	outer.finish(stateDone, nil)
}

// cancel is the gathering future's Cancel: it cancels the children.
func (g *gatherer) cancel(msg string) bool {
	ret := false
	for _, c := range g.children {
		if c.CancelWith(msg) {
			ret = true
		}
	}
	if ret {
		g.cancelReq, g.cancelMsg = true, msg
	}
	return ret
}
