package aio

import "iter"

// A worker is a pooled coroutine that runs task bodies, one at a time. It
// is an iter.Pull coroutine: the loop resumes it with next, the body
// suspends it with yield, and the runtime switches goroutines directly,
// with no scheduler round trip. A finished body leaves the worker parked
// in yield(sigDone), ready for the next task, so a task that completes
// without suspending costs one switch, not a coroutine creation.
//
// Rule from the runtime: a coroutine is resumed only from the loop's
// goroutine or from a coroutine the loop is running.
type worker struct {
	next  func() (yieldSignal, bool)
	stop  func()
	yield func(yieldSignal) bool
	task  *Task
	chain bool   // resumed by the loop itself: may run the next fresh tasks of the pass
	goid  uint64 // debug mode: the coroutine's goroutine

	// Task state that matters only while a task runs or is suspended
	// lives here, with its coroutine, rather than in every task frame.
	waitingOn waitable // what the suspended task waits for; cancelling the task cancels the wait
	liveIdx   int32    // 1 + the task's index in the loop's live set, 0 if not in it
}

type yieldSignal uint8

const (
	sigSuspend yieldSignal = iota // the task awaits something
	sigDone                       // the task's body returned
)

// maxIdleWorkers bounds the pool; extra workers are stopped.
const maxIdleWorkers = 1024

func newWorker() *worker {
	w := &worker{}
	w.next, w.stop = iter.Pull(w.loop)
	return w
}

func (w *worker) loop(yield func(yieldSignal) bool) {
	w.yield = yield
	for {
		w.task.runBody()
		// A worker the loop resumed runs the fresh tasks queued next in
		// this pass itself, in the order the loop would have: a task that
		// finishes without suspending then costs no switch at all.
		for w.chain {
			l := w.task.fut.loop
			if l.passLeft == 0 || l.ready.len() == 0 {
				break
			}
			nt, _ := l.ready.peek().(*Task)
			if nt == nil || nt.started || nt.fut.state != statePending {
				break
			}
			l.ready.pop()
			l.passLeft--
			w.task.worker = nil
			nt.started, nt.worker, w.task = true, w, nt
			l.current = nt
			nt.runBody()
		}
		w.task.worker = nil
		w.task = nil
		if !yield(sigDone) {
			return
		}
	}
}

func (l *Loop) getWorker() *worker {
	if n := len(l.workers); n > 0 {
		w := l.workers[n-1]
		l.workers[n-1] = nil
		l.workers = l.workers[:n-1]
		return w
	}
	return newWorker()
}

func (l *Loop) putWorker(w *worker) {
	if len(l.workers) >= maxIdleWorkers || l.closed.Load() {
		w.stop()
		return
	}
	l.workers = append(l.workers, w)
}
