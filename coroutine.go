package aio

import "iter"

// A worker is a pooled coroutine that runs task bodies, one at a time. It
// is an iter.Pull coroutine, and the runtime switches goroutines directly,
// with no scheduler round trip. A finished body leaves the worker idle in
// the loop's pool, ready for the next task, so a task that completes
// without suspending costs one switch, not a coroutine creation.
//
// # Switching
//
// iter.Pull's next and yield are the same runtime operation: a switch
// through the coroutine's slot, which swaps the running goroutine with the
// one parked in the slot. Nothing ties a slot to its own goroutine but the
// alternation of next and yield, so the loop uses the slots symmetrically:
// every goroutine of the loop that is not running (the loop's own, which
// runs RunForever, and each worker's) is parked in exactly one slot, and
// switchTo(me, to) goes through the slot where to is parked, leaving me
// parked there. A task that suspends can thus hand control straight to
// the next task of the pass (one switch), instead of to the loop, which
// then resumes that task (two switches).
//
// Slots move around as goroutines switch, so each worker records where
// its goroutine is parked (at), and each slot whether its next switch
// must be a next or a yield (nextOp) and who is parked in it (occupant). A
// worker's goroutine ends by returning from its function, and the runtime
// then resumes whoever is parked in that worker's own slot: stopWorker
// arranges for that goroutine to give control straight back.
//
// Rule from the runtime: a coroutine is resumed only from the loop's
// goroutine or from a coroutine the loop is running.
type worker struct {
	l     *Loop
	next  func() (struct{}, bool)
	yield func(struct{}) bool
	task  *Task
	goid  uint64 // debug mode: the coroutine's goroutine

	// returnTo is the goroutine that stepped the task and waits for
	// control to come back: the loop's (l.home), or the task that started
	// this one eagerly (its worker). chain says the loop's own pass
	// stepped it: only then may this worker run the pass's next tasks
	// itself (fresh ones on its own coroutine, suspended ones by a
	// switch), since any other caller waits for control to come back
	// before the pass goes on.
	returnTo *worker
	chain    bool
	exit     bool // resumed to end: the worker's function returns

	// Where things are parked (see Switching).
	at       *worker // the slot this worker's goroutine is parked in; nil while it runs
	occupant *worker // the goroutine parked in this worker's slot
	nextOp   bool    // the last switch through this slot was a next: the next one is a yield

	// Task state that matters only while a task runs or is suspended
	// lives here, with its coroutine, rather than in every task frame.
	waitingOn waitable // what the suspended task waits for; cancelling the task cancels the wait
	liveIdx   int32    // 1 + the task's index in the loop's live set, 0 if not in it
}

// handback is what the goroutine that hands control back to a task's
// stepper (step) reports: the worker that stopped, and whether its body
// returned (the worker is idle then) or its task suspended.
type handback struct {
	w    *worker
	done bool
}

// maxIdleWorkers bounds the pool; extra workers are stopped.
const maxIdleWorkers = 1024

func (l *Loop) newWorker() *worker {
	w := &worker{l: l}
	w.next, _ = iter.Pull(w.loop)
	w.at, w.occupant = w, w // not started: its goroutine waits in its own slot
	return w
}

// loop is the worker's function: it runs the task it is given, then idles
// until it is given another or told to end.
func (w *worker) loop(yield func(struct{}) bool) {
	w.yield = yield
	l := w.l
	for !w.exit {
		w.task.runBody()
		w.runFreshTasks()
		w.task.worker = nil
		w.task = nil
		var next *Task
		if w.chain && len(l.workers) < maxIdleWorkers {
			next = l.nextToResume()
		}
		switch {
		case next != nil && next.worker == nil: // fresh: run it here
			next.started, next.worker, w.task = true, w, next
			l.current = next
		case next != nil:
			w.chain = false
			l.workers = append(l.workers, w) // idle from the switch on
			l.resume(w, next)
		default:
			l.handback = handback{w: w, done: true}
			l.switchTo(w, w.returnTo)
		}
	}
}

// runFreshTasks runs, when the loop's pass resumed this worker, the fresh
// tasks queued next in the pass itself, in the order the loop would have:
// a task that finishes without suspending then costs no switch at all.
func (w *worker) runFreshTasks() {
	l := w.l
	for w.chain && l.passLeft > 0 && l.ready.len() > 0 {
		nt, _ := l.ready.peek().(*Task)
		if nt == nil || nt.started || nt.fut.state != statePending {
			return
		}
		l.ready.pop()
		l.passLeft--
		w.task.worker = nil
		nt.started, nt.worker, w.task = true, w, nt
		l.current = nt
		nt.runBody()
	}
}

// switchTo hands control from the running goroutine me to the goroutine
// of to, parked in a slot, and returns when some goroutine switches back
// to me.
func (l *Loop) switchTo(me, to *worker) {
	for {
		s := to.at
		// Done before the switch, for to (a fresh worker starts at the top
		// of its function, not here). After it, me is running again
		// because some goroutine switched to it and did the same.
		me.at, to.at, s.occupant, l.g = s, nil, me, to
		if s.nextOp {
			s.nextOp = false
			s.yield(struct{}{})
		} else {
			s.nextOp = true
			s.next()
		}
		if l.bounced != me {
			return
		}
		// A stopped worker's goroutine ended and the runtime resumed me,
		// parked in its slot: give control back to whoever stopped it.
		l.bounced = nil
		to = l.stopper
	}
}

// stopWorker ends an idle worker's goroutine. Call from the loop's goroutine.
func (l *Loop) stopWorker(w *worker) {
	me := l.g
	w.exit = true
	if w.at != w {
		l.bounced, l.stopper = w.occupant, me // see switchTo
	}
	l.switchTo(me, w)
	// Resumed by w's end rather than by a switch (when w was parked in
	// its own slot): nobody marked me running.
	me.at, l.g = nil, me
}

func (l *Loop) getWorker() *worker {
	if n := len(l.workers); n > 0 {
		w := l.workers[n-1]
		l.workers[n-1] = nil
		l.workers = l.workers[:n-1]
		return w
	}
	return l.newWorker()
}

func (l *Loop) putWorker(w *worker) {
	if len(l.workers) >= maxIdleWorkers || l.closed.Load() {
		l.stopWorker(w)
		return
	}
	l.workers = append(l.workers, w)
}
