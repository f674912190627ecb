package aio

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/internal/poll"
)

// Loop is an event loop: it runs callbacks, timers, IO readiness handlers
// and task steps one at a time on one goroutine (asyncio's event loop).
//
// A Loop belongs to the goroutine that runs it. Its methods may be called
// only from that goroutine (which includes the bodies of its tasks and its
// callbacks), except those whose names end in Threadsafe, Time and the
// read-only IsRunning and IsClosed. Several loops may run at once, each on
// its own goroutine; they share nothing.
//
// Within one pass of the loop the order is: threadsafe submissions, IO
// readiness, due timers, then every callback that was ready when the pass
// began, in FIFO order. A callback scheduled during a pass runs in the
// next pass.
type Loop struct {
	cfg    config
	clock  clock
	poller *poll.Poller
	events []poll.Ready
	fds    []fdHandler // indexed by fd (pollfd.go)
	nfds   int         // fds tracked by IO handlers
	io     ioState     // read buffer, writev scratch, servers (fdtable.go)

	ready  ring[runnable]
	timers timerHeap

	running  bool
	stopping bool
	closed   atomic.Bool
	runningG atomic.Bool

	current  *Task
	passLeft int // ready items left in this pass (runReady; workers chain fresh tasks)
	taskSeq  uint64
	live     taskSet   // tasks not done that have suspended (task.go)
	workers  []*worker // idle ones (coroutine.go)

	// Coroutine switching (coroutine.go): home stands for the goroutine
	// that runs the loop, g for the goroutine running now, handback for
	// what the last task to run reports to its stepper; bounced and
	// stopper steer the goroutine an ending worker wakes.
	home, g          *worker
	handback         handback
	bounced, stopper *worker

	inboxMu      sync.Mutex
	inbox        []*Handle
	inboxPending atomic.Bool
	external     atomic.Int64 // work in flight elsewhere whose result will come back (executor jobs)

	handler     ExceptionHandler
	unretrieved map[*future]struct{}
	executor    *Executor
	signals     *signalState
	debug       *debugState
}

// NewLoop makes a loop that is not running (asyncio.new_event_loop). Close
// it when done to release its poller and goroutines.
func NewLoop(opts ...Option) (*Loop, error) {
	p, err := poll.New()
	if err != nil {
		return nil, fmt.Errorf("aio: new loop: %w", err)
	}
	l := &Loop{cfg: newConfig(opts), poller: p, events: make([]poll.Ready, 128)}
	l.io.loop = l
	l.home = &worker{l: l}
	l.g = l.home
	l.clock = clock{virtual: l.cfg.virtual, start: time.Now(), autojump: l.cfg.autojump}
	l.handler = l.cfg.handler
	if l.cfg.debug {
		l.debug = newDebugState()
	}
	return l, nil
}

// Time returns the loop's clock: a monotonic reading since the loop was
// made, or the virtual time under VirtualClock (asyncio's loop.time()).
// CallAt takes times on this clock.
func (l *Loop) Time() time.Duration { return l.clock.read() }

// IsRunning reports whether the loop is running (asyncio's is_running).
func (l *Loop) IsRunning() bool { return l.runningG.Load() }

// IsClosed reports whether Close was called (asyncio's is_closed).
func (l *Loop) IsClosed() bool { return l.closed.Load() }

// Stop makes RunForever return after the current pass: callbacks already
// scheduled when Stop is called still run (asyncio's loop.stop). Called
// while the loop is not running, it makes the next RunForever run one pass.
func (l *Loop) Stop() {
	l.checkGoroutine("Stop")
	l.stopping = true
}

// RunForever runs the loop until Stop is called (asyncio's run_forever).
// It returns [ErrLoopRunning] if the loop already runs, [ErrLoopClosed] if
// it is closed, and [ErrNestedRun] if called from a task or callback of
// any loop (the inner loop would block the outer one).
func (l *Loop) RunForever() error {
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if l.running {
		return ErrLoopRunning
	}
	if insideLoop() {
		return ErrNestedRun
	}
	l.running = true
	l.runningG.Store(true)
	if l.debug != nil {
		l.debug.enter()
	}
	defer func() {
		l.running = false
		l.runningG.Store(false)
		l.stopping = false
		if l.debug != nil {
			l.debug.leave()
		}
	}()
	for {
		l.runOnce()
		if l.stopping {
			return nil
		}
	}
}

// RunUntilComplete runs the loop until f is done and returns its result
// (asyncio's run_until_complete). If the loop is stopped first it returns
// ErrLoopStopped, and f goes on when the loop runs again.
func RunUntilComplete[T any](l *Loop, f *Future[T]) (T, error) {
	var zero T
	if f.loop != l {
		return zero, fmt.Errorf("aio: RunUntilComplete: the future belongs to another loop")
	}
	id := f.future.addCallback(l.Stop)
	err := l.RunForever()
	f.future.removeCallback(id)
	if err != nil {
		return zero, err
	}
	if !f.Done() {
		return zero, ErrLoopStopped
	}
	return f.Result()
}

// Close closes the loop (asyncio's loop.close): it drops callbacks that
// have not run, unwinds every task still suspended (their deferred calls
// run; each is reported to the exception handler as destroyed while
// pending), reports failed futures whose error was never retrieved, shuts
// the default executor down without waiting, and releases the poller.
// Closing twice does nothing; closing a running loop returns
// ErrLoopRunning.
func (l *Loop) Close() error {
	if l.running {
		return ErrLoopRunning
	}
	if l.closed.Load() {
		return nil
	}
	l.closeIO() // servers, transports, watched fds (fdtable.go)
	l.destroyPending()
	l.closed.Store(true)
	l.reportUnretrieved()
	l.ready.clear()
	l.timers = timerHeap{}
	for _, w := range l.workers {
		l.stopWorker(w)
	}
	l.workers = nil
	if l.signals != nil {
		l.signals.stopAll()
	}
	if l.executor != nil {
		l.executor.Shutdown(false)
	}
	l.inboxMu.Lock()
	l.inbox = nil
	l.inboxMu.Unlock()
	return l.poller.Close()
}

// runOnce is one pass of the loop (asyncio's _run_once).
func (l *Loop) runOnce() {
	l.drainInbox()
	timeout := l.pollTimeout()
	l.poll(timeout)
	l.fireTimers()
	l.runReady()
}

// pollTimeout says how long the poll may block: not at all when callbacks
// are ready or the loop is stopping, until the next timer, or forever.
func (l *Loop) pollTimeout() time.Duration {
	if l.ready.len() > 0 || l.stopping || l.inboxPending.Load() {
		return 0
	}
	if h := l.timers.top(); h != nil {
		d := h.when - l.clock.read()
		if d < 0 {
			d = 0
		}
		return d
	}
	return -1
}

// poll waits for IO readiness up to timeout and dispatches it. Under the
// virtual clock it never waits for a timer: it looks at IO (without
// blocking, or for the autojump delay), and if nothing came, it jumps to
// the next timer.
func (l *Loop) poll(timeout time.Duration) {
	if len(l.io.corked) > 0 {
		l.io.uncork() // writes held since the last dispatch (holdWrites)
	}
	if timeout == 0 && l.nfds == 0 {
		return // nothing to poll: spare the syscall on the hot path
	}
	if l.clock.virtual && timeout != 0 {
		if l.external.Load() > 0 {
			l.wait(-1) // an executor result is bound to arrive
			return
		}
		if h := l.timers.top(); h != nil {
			if l.wait(l.clock.autojump) == 0 && !l.inboxPending.Load() {
				l.clock.advanceTo(h.when)
			}
			return
		}
	}
	if l.external.Load() > 0 {
		l.poller.HoldBriefly() // an executor job may need this loop's P to finish
	}
	l.wait(timeout) // the poller decides how to sleep (internal/poll)
}

// wait polls once and dispatches the events; it returns how many came.
func (l *Loop) wait(timeout time.Duration) int {
	n, err := l.poller.Wait(l.events, timeout)
	if err != nil {
		l.CallExceptionHandler(ExceptionContext{Message: "poll failed", Err: err})
		return 0
	}
	return l.dispatch(n)
}

// dispatch hands the first n polled events to their fd handlers.
func (l *Loop) dispatch(n int) int {
	l.io.dispatching = true
	for _, ev := range l.events[:n] {
		if ev.Fd < len(l.fds) {
			if h := l.fds[ev.Fd]; h != nil {
				l.guard(func() { h.ready(ev.Events) })
			}
		}
	}
	l.io.dispatching = false
	if len(l.io.corked) > 0 {
		l.io.uncork()
	}
	if n == len(l.events) {
		l.events = make([]poll.Ready, 2*n)
	}
	return n
}

// fireTimers moves every due timer to the ready queue, earliest first.
func (l *Loop) fireTimers() {
	if l.timers.len() == 0 {
		return
	}
	now := l.clock.read()
	for {
		h := l.timers.top()
		if h == nil || h.when > now {
			return
		}
		l.timers.pop()
		l.ready.push(h)
	}
}

// runReady runs the callbacks that were ready when the pass began.
func (l *Loop) runReady() {
	for l.passLeft = l.ready.len(); l.passLeft > 0; {
		l.passLeft--
		switch it := l.ready.pop().(type) {
		case *Task:
			l.step(it, true)
		case *Handle:
			it.run()
		default:
			l.runCallback(it.run, nil)
		}
	}
	if len(l.io.corked) > 0 {
		l.io.uncork() // writes held by the pass's tasks (holdWrites)
	}
}

func (l *Loop) runCallback(fn func(), h *Handle) {
	if l.debug != nil {
		start := time.Now()
		defer l.debug.checkSlow(l, start, nil)
	}
	defer func() {
		if r := recover(); r != nil {
			l.CallExceptionHandler(ExceptionContext{
				Message: "panic in callback", Err: newPanicError(r), Handle: h,
			})
		}
	}()
	fn()
}

// guard runs fn, sending a panic to the exception handler.
func (l *Loop) guard(fn func()) { l.runCallback(fn, nil) }

// CallSoon schedules fn to run on the loop in the next pass, after the
// callbacks already scheduled (asyncio's call_soon). Call it from the
// loop's goroutine; it panics on a closed loop, as a send on a closed
// channel does. Use CallSoonThreadsafe from other goroutines.
func (l *Loop) CallSoon(fn func()) *Handle {
	l.checkOpen("CallSoon")
	h := &Handle{fn: fn, loop: l}
	l.ready.push(h)
	return h
}

// CallSoonNoHandle schedules fn exactly as CallSoon does, but returns no
// Handle, so it costs no allocation: the ready queue holds fn itself. Use
// it for a callback that is never cancelled. The rules of CallSoon about
// goroutines and closed loops apply; a panic in fn goes to the exception
// handler, with no Handle in its context.
func (l *Loop) CallSoonNoHandle(fn func()) {
	l.checkOpen("CallSoonNoHandle")
	l.ready.push(funcCallback(fn))
}

// CallLater schedules fn to run after d of loop time (asyncio's
// call_later). Callbacks due at the same time run in the order they were
// scheduled. The rules of CallSoon about goroutines apply.
func (l *Loop) CallLater(d time.Duration, fn func()) *Handle {
	return l.CallAt(l.clock.read()+d, fn)
}

// CallAt schedules fn to run when the loop's clock (Time) reaches when
// (asyncio's call_at). The rules of CallSoon about goroutines apply.
func (l *Loop) CallAt(when time.Duration, fn func()) *Handle {
	l.checkOpen("CallAt")
	h := &Handle{fn: fn, when: when, loop: l}
	l.timers.push(h)
	return h
}

// wakeTaskAt resumes t when the loop's clock reaches when; it is how Sleep
// waits without a callback closure.
func (l *Loop) wakeTaskAt(when time.Duration, t *Task) *Handle {
	h := &Handle{task: t, when: when, loop: l}
	l.timers.push(h)
	return h
}

// CallSoonThreadsafe schedules fn to run on the loop from any goroutine
// (asyncio's call_soon_threadsafe) and wakes the loop if it is waiting.
// Bursts of submissions cost one wake-up. It returns ErrLoopClosed if the
// loop is closed.
func (l *Loop) CallSoonThreadsafe(fn func()) (*Handle, error) {
	h := &Handle{fn: fn, loop: l}
	l.inboxMu.Lock()
	if l.closed.Load() {
		l.inboxMu.Unlock()
		return nil, ErrLoopClosed
	}
	l.inbox = append(l.inbox, h)
	l.inboxMu.Unlock()
	if !l.inboxPending.Swap(true) {
		l.poller.Wake()
	}
	return h, nil
}

// drainInbox moves threadsafe submissions to the ready queue.
func (l *Loop) drainInbox() {
	if !l.inboxPending.Load() {
		return
	}
	l.inboxMu.Lock()
	l.inboxPending.Store(false)
	in := l.inbox
	l.inbox = nil
	l.inboxMu.Unlock()
	for _, h := range in {
		l.ready.push(h)
	}
}

func (l *Loop) checkOpen(what string) {
	if l.closed.Load() {
		panic("aio: " + what + " on a closed loop")
	}
	l.checkGoroutine(what)
}
