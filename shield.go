package aio

// Shield protects f from the cancellation of whoever awaits it
// (asyncio.shield). It returns a new future that follows f: it completes
// with f's value or error, and is cancelled if f is cancelled. Cancelling
// that outer future (directly, or by cancelling a task that awaits it)
// does not cancel f, which goes on running. If f is done already, Shield
// returns f itself.
//
//	res, err := aio.Await(t, aio.Shield(fut)) // t may be cancelled; fut is not
//
// Inside a cancelled cancel scope an [Await] of the shield returns at once
// and f goes on; to let cleanup code in a cancelled scope await until it
// is done, use [Shielded] instead.
//
// Keep a reference to f to get its result after the outer await was
// cancelled: if nobody reads it, a failure of f is reported as never
// retrieved when the loop closes, as in asyncio. Call Shield from f's
// loop goroutine.
func Shield[T any](f *Future[T]) *Future[T] {
	if f.Done() {
		return f
	}
	outer := NewFuture[T](f.loop)
	innerID := f.addCallback(func() {
		if outer.state == stateCancelled {
			if f.state != stateCancelled {
				f.markRetrieved()
			}
			return
		}
		if outer.state != statePending {
			return
		}
		switch {
		case f.state == stateCancelled:
			outer.cancelFuture("")
		case f.err != nil:
			f.markRetrieved()
			outer.finish(stateDone, f.err)
		default:
			outer.val = f.val
			outer.finish(stateDone, nil)
		}
	})
	outer.addCallback(func() {
		if f.state == statePending {
			f.removeCallback(innerID)
		}
	})
	return outer
}
