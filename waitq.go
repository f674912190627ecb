package aio

// waitQueue is a FIFO of waiter futures for the synchronisation
// primitives and queues. Waiters that give up remove themselves, so it
// supports removal from anywhere; finished waiter futures are recycled to
// keep waits allocation-free.
type waitQueue struct {
	ring[*future]
	free []*future
}

// popFront removes and returns the first waiter, or nil.
func (q *waitQueue) popFront() *future {
	if q.size == 0 {
		return nil
	}
	return q.pop()
}

// front returns the first waiter, or nil.
func (q *waitQueue) front() *future {
	if q.size == 0 {
		return nil
	}
	return q.peek()
}

// remove takes f out of the queue, wherever it is, and reports whether it
// was there.
func (q *waitQueue) remove(f *future) bool {
	for i := 0; i < q.size; i++ {
		if q.at(i) == f {
			q.removeAt(i)
			return true
		}
	}
	return false
}

// newWaiter returns a pending waiter future on l, recycled if possible.
func (q *waitQueue) newWaiter(l *Loop) *future {
	if n := len(q.free); n > 0 {
		f := q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
		f.loop = l
		return f
	}
	return &future{loop: l}
}

// recycle returns a waiter future that nobody references any more: it
// was removed from the queue and its task has resumed.
func (q *waitQueue) recycle(f *future) {
	if len(q.free) >= 16 || f.hasWaiters() {
		return
	}
	*f = future{}
	q.free = append(q.free, f)
}

// wake completes a waiter future so that its task resumes.
func (f *future) wake() { f.finish(stateDone, nil) }

// awaitWaiter suspends t on the waiter future f (which the caller has put
// in a waitQueue) and returns the cancellation error if t was cancelled.
func awaitWaiter(t *Task, f *future) error { return t.await(f) }

// wait queues a waiter for t, suspends t until the waiter is woken or t is
// cancelled, and takes the waiter out again. woken reports whether the
// waiter had been woken, even if t was cancelled at the same time: a
// primitive that handed something over with the wake-up then passes it on.
func (q *waitQueue) wait(t *Task) (woken bool, err error) {
	w := q.newWaiter(t.fut.loop)
	q.push(w)
	err = awaitWaiter(t, w)
	q.remove(w)
	woken = w.state == stateDone
	q.recycle(w)
	return woken, err
}
