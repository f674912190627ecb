package aio

import "time"

// Scheduling: how a task's step runs, suspends and hands off.
//
// The loop's pass (runReady) resumes a task with step, which switches to
// the task's worker coroutine and returns when control comes back. A task
// waits by registering a wake-up (a future callback, a timer) that queues
// its step and calling suspend. When it suspends, or its body ends, a task
// that the loop's own pass stepped does not switch back to the loop if the
// ready queue's front is another task step (nextToResume): it resumes that
// task itself, one switch instead of two, so the loop's order is kept but
// its goroutine is skipped. Anything else at the front (a callback, an
// empty queue) sends control back to whoever stepped it (handback). A
// task that yields with nothing else ready (Sleep(t, 0)) runs the head of
// the next pass itself (passInline, passHead) and goes on, no switch. The
// switch itself, and the bookkeeping of parked goroutines, is in
// coroutine.go ("Switching"); docs/design.md has the measurements.

// run is the task's turn in the ready queue.
func (t *Task) run() { t.fut.loop.step(t, true) }

// step resumes t until it suspends or finishes. fromLoop says the loop's
// own pass resumes it (runReady), not an eager start or a kill: only then
// may its worker go on to run the pass's next fresh tasks itself, since
// otherwise a caller (the callback or task that started it eagerly) waits
// for control to come back.
func (l *Loop) step(t *Task, fromLoop bool) {
	if t.fut.state != statePending || (t.started && !t.parked) {
		return
	}
	t.started, t.parked = true, false
	w := t.worker
	if w == nil {
		w = l.getWorker()
		w.task, t.worker = t, w
	}
	prev := l.current
	if prev != nil {
		l.live.add(prev) // interrupted by an eager task: no longer l.current
	}
	me := l.g
	w.returnTo, w.chain = me, fromLoop
	l.current = t
	var start time.Time
	if l.debug != nil {
		start = time.Now()
	}
	l.switchTo(me, w)
	// Control is back: t, or the last task it handed control to (see
	// coroutine.go), suspended or finished.
	l.current = prev
	if l.debug != nil {
		l.debug.checkSlow(l, start, t)
	}
	hb := l.handback
	l.handback = handback{}
	if hb.done {
		l.putWorker(hb.w)
	}
}

// suspend parks the task until the loop resumes it.
func (t *Task) suspend() {
	if t.killed {
		panic(taskKilled{})
	}
	l := t.fut.loop
	if l.cfg.track {
		t.extra.trace.capture()
	}
	t.parked = true
	l.live.add(t)
	w := t.worker
	if next := w.nextIfChained(); next == t {
		t.parked = false // its own turn came first: no switch
		l.current = t
	} else if next != nil {
		l.resume(w, next) // straight to the pass's next task
	} else {
		l.handback = handback{w: w}
		l.switchTo(w, w.returnTo)
	}
	if t.killed {
		panic(taskKilled{})
	}
}

// nextToResume pops the ready queue's front while it is a step of a task,
// returning that task, or nil when the front is anything else (a
// callback, or nothing is ready). At the end of a pass it begins the next
// one (passHead), so that tasks that keep waking each other hand control
// around without the loop's goroutine. Steps that would do nothing (the
// task is done or already running) are dropped on the way, as runReady
// would. Debug mode, which times each step, never hands off.
func (l *Loop) nextToResume() *Task {
	for l.debug == nil && l.ready.len() > 0 {
		if l.passLeft == 0 && !l.passHead() {
			return nil
		}
		var t *Task
		switch it := l.ready.peek().(type) {
		case *Task:
			t = it
		case *Handle:
			if it.task == nil && !it.Cancelled() {
				return nil // a callback: the loop runs it
			}
			it.run() // dropped if cancelled; a sleeping task's timer queues its step
		default:
			return nil
		}
		l.ready.pop()
		l.passLeft--
		if t != nil && t.fut.state == statePending && (!t.started || t.parked) {
			return t
		}
	}
	return nil
}

// nextIfChained is nextToResume for a worker whose task suspends: only a
// worker the loop's pass resumed may go on to the pass's next task.
func (w *worker) nextIfChained() *Task {
	if !w.chain {
		return nil
	}
	return w.l.nextToResume()
}

// resume hands control from the goroutine me to task t (fresh or
// suspended) as the loop's pass would resume it: t may go on to the next
// task itself.
func (l *Loop) resume(me *worker, t *Task) {
	t.started, t.parked = true, false
	w := t.worker
	if w == nil {
		w = l.getWorker()
		w.task, t.worker = t, w
	}
	w.returnTo, w.chain = l.home, true
	l.current = t
	l.switchTo(me, w)
}

// passInline runs the loop's next pass on the coroutine of t, which yields
// with nothing else to run, so that t goes on without a coroutine switch.
// It reports whether it did; if not, t must suspend as usual.
//
// A switch would hand control to the loop and back for nothing: t would
// be the first callback of the next pass, and everything else in it comes
// from that pass's inbox, poll and timers. So the pass does exactly that
// here: it drains the inbox, polls IO without blocking (handlers run now,
// as they would before t), moves due timers to the ready queue, and lets
// t go on first, leaving the rest of the pass to run when t next suspends.
// It applies only when the loop's pass resumed t directly (an eagerly
// started task's caller waits for control to come back), nothing else is
// ready, the loop is not stopping, and debug mode (which times each step)
// is off.
//
// Sleep calls it only when nothing is ready (passLeft and the ready queue
// are empty), which it checks inline first.
func (l *Loop) passInline(t *Task) bool {
	if !t.worker.chain {
		return false
	}
	l.live.add(t) // not current while the pass's IO handlers run, yet not done
	return l.passHead()
}

// passHead begins the loop's next pass on the goroutine running now, a
// task's that yields or suspends at the end of a pass, as runOnce would
// when callbacks are ready: it drains the threadsafe inbox, polls IO
// without blocking (handlers run now, with no current task), and moves due
// timers to the ready queue. It reports false, doing nothing, when the
// loop must see the pass end itself: it is stopping (RunForever returns
// after the pass), or in debug mode (which times each step).
func (l *Loop) passHead() bool {
	if l.debug != nil || l.stopping {
		return false
	}
	if l.nfds > 0 || l.inboxPending.Load() || l.timers.len() > 0 { // spare the calls when there is nothing to look at
		cur := l.current
		l.current = nil
		l.drainInbox()
		l.poll(0)
		l.fireTimers()
		l.current = cur
	}
	l.passLeft = l.ready.len()
	return true
}
