package aio

import (
	"sync/atomic"
	"time"
)

// Handle is a callback scheduled on a loop by CallSoon, CallLater, CallAt
// or CallSoonThreadsafe (asyncio.Handle and asyncio.TimerHandle in one).
// Cancel may be called from any goroutine; a cancelled callback that has
// not started never runs.
type Handle struct {
	fn    func()
	task  *Task // a sleeping task to resume instead of fn
	when  time.Duration
	seq   uint64
	state atomic.Uint32 // handleCancelled | handleInHeap
	loop  *Loop
}

const (
	handleCancelled uint32 = 1 << iota
	handleInHeap
)

// Cancel stops the callback from running if it has not run yet. Cancelling
// twice, or after the callback ran, does nothing.
func (h *Handle) Cancel() { h.cancel() }

// cancel cancels h and reports whether this call was the one that did.
func (h *Handle) cancel() bool {
	old := h.state.Or(handleCancelled)
	if old&handleCancelled != 0 {
		return false
	}
	if old&handleInHeap != 0 {
		h.loop.timers.cancelled.Add(1)
	}
	return true
}

// run is the handle's turn in the ready queue: a cancelled handle is
// skipped, a sleeping task woken, a callback called.
func (h *Handle) run() {
	switch {
	case h.Cancelled():
	case h.task != nil:
		h.wakeTask()
	default:
		h.loop.runCallback(h.fn, h)
	}
}

// wakeTask is a sleeping task's timer firing. As asyncio's sleep future,
// whose result wakes its task through a done callback, it queues the
// task's step at the back of the ready queue, so the task resumes in the
// next pass, after every callback due with the timer. From now on the
// task waits on nothing: a cancellation that comes before it resumes is
// delivered when it does (its Sleep returns the cancellation, as asyncio
// throws it into the task), and so a task that sleeps until the very
// deadline of a timeout around it is cancelled by that timeout.
func (h *Handle) wakeTask() {
	t := h.task
	t.worker.waitingOn = nil
	h.loop.ready.push(t)
}

// Cancelled reports whether Cancel was called.
func (h *Handle) Cancelled() bool { return h.state.Load()&handleCancelled != 0 }

// When returns the loop time (see [Loop.Time]) at which a timer handle is due.
// It is zero for handles from CallSoon.
func (h *Handle) When() time.Duration { return h.when }

// timerHeap is a binary min-heap of timer handles ordered by (when, seq), so
// timers due at the same time run in the order they were scheduled.
// Cancelled entries are deleted lazily: popped when they reach the top, or
// swept all at once when they make up more than half the heap.
type timerHeap struct {
	h         []*Handle
	seq       uint64
	cancelled atomic.Int64 // cancelled entries still in h
}

func (t *timerHeap) less(i, j int) bool {
	a, b := t.h[i], t.h[j]
	return a.when < b.when || (a.when == b.when && a.seq < b.seq)
}

func (t *timerHeap) push(h *Handle) {
	t.seq++
	h.seq = t.seq
	h.state.Or(handleInHeap)
	t.h = append(t.h, h)
	t.up(len(t.h) - 1)
	if n := t.cancelled.Load(); n > 64 && int(n)*2 > len(t.h) {
		t.sweep()
	}
}

func (t *timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.less(i, p) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *timerHeap) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && t.less(r, l) {
			m = r
		}
		if !t.less(m, i) {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

func (t *timerHeap) pop() *Handle {
	h := t.h[0]
	last := len(t.h) - 1
	t.h[0] = t.h[last]
	t.h[last] = nil
	t.h = t.h[:last]
	if last > 0 {
		t.down(0)
	}
	t.forget(h)
	return h
}

// forget marks h as out of the heap, keeping the cancelled count exact even
// when another goroutine cancels h at the same moment.
func (t *timerHeap) forget(h *Handle) {
	if h.state.And(^handleInHeap)&handleCancelled != 0 {
		t.cancelled.Add(-1)
	}
}

// top returns the earliest live timer, dropping cancelled ones on the way.
func (t *timerHeap) top() *Handle {
	if n := t.cancelled.Load(); n > 64 && int(n)*2 > len(t.h) {
		t.sweep()
	}
	for len(t.h) > 0 {
		h := t.h[0]
		if !h.Cancelled() {
			return h
		}
		t.pop()
	}
	return nil
}

// sweep drops every cancelled entry and rebuilds the heap in O(n).
func (t *timerHeap) sweep() {
	live := t.h[:0]
	for _, h := range t.h {
		if h.Cancelled() {
			t.forget(h)
		} else {
			live = append(live, h)
		}
	}
	clear(t.h[len(live):])
	t.h = live
	for i := len(t.h)/2 - 1; i >= 0; i-- {
		t.down(i)
	}
}

func (t *timerHeap) len() int { return len(t.h) }
