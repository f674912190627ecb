package aio

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Task runs a function as a coroutine on a loop (asyncio.Task). Its body
// has the form func(t *Task) (T, error): the *Task is the body's handle on
// the loop, passed to every call that may suspend ([Await], [Sleep], ...), as a
// [context.Context] marks cancellable work. Its result is the *Future[T] that
// [Spawn] and [CreateTask] return.
//
// A *Task is used from its loop's goroutine. Await and Sleep may be called
// only by the body of the task itself while it runs.
type Task struct {
	fut    *future
	body   runner
	id     uint64
	extra  *taskExtra // name, cancel message, context: made only when one is set
	worker *worker    // while the task runs or is suspended: its coroutine, and what it waits for
	// The flags and the cancel count share one word: the task frame is
	// allocated per spawn, and every word of it is GC work.
	numCancels int32
	mustCancel bool
	started    bool
	parked     bool
	killed     bool

	scope *CancelScope // innermost cancel scope the task is in (scope.go), nil for most tasks
}

// runner is the typed half of a task: it runs the body and stores the value.
type runner interface {
	run(t *Task) error
}

// taskFrame holds a task, its result future and its body in one
// allocation.
type taskFrame[T any] struct {
	Future[T]
	task Task
	fn   func(*Task) (T, error)
}

func (f *taskFrame[T]) run(t *Task) error {
	v, err := f.fn(t)
	f.fn = nil
	f.val = v
	return err
}

// waitable is what a suspended task waits for; cancelling the task cancels
// the wait.
type waitable interface {
	cancelWait(t *Task, msg string) bool
	describe() string
}

// TaskOption configures a task made by [Spawn] or [CreateTask]. The zero
// TaskOption does nothing.
//
// An option is a plain value, not a function, so that passing options
// allocates nothing: the options slice of a Spawn call stays on the
// caller's stack.
type TaskOption struct {
	name  string
	eager bool
	hook  func(*Task) // run on the new task before it is scheduled (task groups, WithContext)
}

// Name names the task (asyncio's create_task(name=...)). Unnamed tasks
// are called "Task-N".
func Name(name string) TaskOption { return TaskOption{name: name} }

// Eager starts the task at once, inside the [Spawn] call, instead of in the
// next pass of the loop (CPython 3.12's eager tasks). A task that finishes
// before its first suspension never touches the scheduler. On a loop that
// is not running the option does nothing.
func Eager() TaskOption { return TaskOption{eager: true} }

// Spawn starts fn as a new task on t's loop and returns its result future
// (asyncio.create_task). The new task runs concurrently with t: it starts
// in the next pass of the loop, or at once with the [Eager] option. Spawn
// does not suspend t, so it needs no cancellation rule: cancelling t later
// does not cancel the new task (use a [TaskGroup] or [JoinSet] for that).
func Spawn[T any](t *Task, fn func(t *Task) (T, error), opts ...TaskOption) *Future[T] {
	return CreateTask(t.fut.loop, fn, opts...)
}

// CreateTask is [Spawn] for code outside any task: a callback, or setup
// before the loop runs (asyncio's loop.create_task). Call it from the
// loop's goroutine; it panics on a closed loop.
func CreateTask[T any](l *Loop, fn func(t *Task) (T, error), opts ...TaskOption) *Future[T] {
	l.checkOpen("CreateTask")
	fr := &taskFrame[T]{fn: fn}
	t := &fr.task
	l.initTask(t, &fr.future, fr)
	eager := false
	for _, o := range opts {
		if o.name != "" {
			t.label().name = o.name
		}
		eager = eager || o.eager
	}
	for _, o := range opts {
		if o.hook != nil {
			o.hook(t)
		}
	}
	if eager && l.running {
		l.step(t, false)
	} else {
		l.ready.push(t)
	}
	return &fr.Future
}

// initTask readies t, whose frame holds its result future and body, as a
// new task of l (CreateTask, TaskSlot.Start).
func (l *Loop) initTask(t *Task, fut *future, body runner) {
	fut.loop, fut.task = l, t
	t.fut, t.body = fut, body
	l.taskSeq++
	t.id = l.taskSeq
	if l.cfg.track {
		t.startTrace()
	}
}

// taskKilled unwinds a task whose loop is closing.
type taskKilled struct{}

// runBody runs the body inside the worker coroutine and completes the task.
func (t *Task) runBody() {
	if t.fut.loop.debug != nil {
		t.worker.goid = t.fut.loop.debug.own()
	}
	var err error
	ok := false
	defer func() {
		if !ok {
			r := recover()
			if _, killed := r.(taskKilled); killed {
				err = cancelledErr("event loop closed")
			} else {
				err = newPanicError(r)
			}
		}
		t.complete(err)
	}()
	if t.mustCancel {
		t.mustCancel = false
		err = cancelledErr(t.cancelMessage()) // cancelled before it started: the body never runs
	} else {
		err = t.body.run(t)
	}
	ok = true
}

// complete records how the body ended.
func (t *Task) complete(err error) {
	t.fut.loop.live.remove(t)
	if t.worker != nil && t.worker.waitingOn != nil {
		t.worker.waitingOn = nil
	}
	if c := t.context(); c != nil {
		c.finish()
	}
	switch {
	case err == nil && !t.mustCancel:
		t.fut.finish(stateDone, nil)
	case err == nil:
		t.fut.finish(stateCancelled, cancelledErr(t.cancelMessage())) // cancelled right before it returned
	case errors.Is(err, ErrCancelled):
		t.fut.finish(stateCancelled, err)
	default:
		t.fut.finish(stateDone, err)
	}
	t.mustCancel = false
}

// checkRunning panics unless t is the task running now: Await and Sleep
// may only be called by the task's own body.
//
// The common case (t runs, no debug mode) is small enough to inline;
// everything else is in misuse.
func (t *Task) checkRunning(what string) {
	if l := t.fut.loop; l.current != t || l.debug != nil {
		t.misuse(what)
	}
}

// misuse panics unless t is the running task and, in debug mode, called
// from its own goroutine.
func (t *Task) misuse(what string) {
	if t.fut.loop.current == t {
		if goid() != t.worker.goid {
			panic(fmt.Sprintf("aio: %s on %s from a goroutine that is not the task's: "+
				"only the task's own body may suspend it", what, t))
		}
		return
	}
	if t.fut.state != statePending {
		panic(fmt.Sprintf("aio: %s on %s, which has finished: a *Task must not be used after its body returns", what, t))
	}
	panic(fmt.Sprintf("aio: %s on %s, which is not the running task: "+
		"it was called from another goroutine, or with another task's *Task", what, t))
}

// Await suspends t until f is done and returns f's result (Python's
// await). If f is done already it returns at once without suspending.
//
// Cancellation: if t is cancelled while it waits, f is cancelled too (a
// task's future: that task is cancelled, and may refuse) and Await returns
// an error matching [ErrCancelled] once f is done; if f's task refused and
// returned a value, Await returns that value instead, as in asyncio.
// Returning the error ends t as cancelled; going on refuses the
// cancellation.
//
// Await panics if t is not the task running now (see [Task]).
func Await[T any](t *Task, f *Future[T]) (T, error) {
	if err := t.await(&f.future); err != nil {
		var zero T
		return zero, err
	}
	return f.val, nil
}

// AwaitDone waits until aw, an [Awaitable] of any type, is done and
// returns its error (nil on success): [Await] without the value, for when
// the type does not matter or the value is read from the future
// afterwards.
//
// Cancellation: as for Await.
func AwaitDone(t *Task, aw Awaitable) error { return t.await(aw.base()) }

func (t *Task) await(f *future) error {
	t.checkRunning("Await")
	if f.loop != t.fut.loop {
		return fmt.Errorf("aio: Await: the future belongs to another loop")
	}
	if f == t.fut {
		return fmt.Errorf("aio: Await: %s cannot await itself", t)
	}
	if f.state == statePending {
		f.addWaiter(t)
		t.worker.waitingOn = f
		if t.mustCancel && f.CancelWith(t.cancelMessage()) {
			t.mustCancel = false
		} else if t.scope != nil && t.scope.effectivelyCancelled && !f.CancelWith(t.scope.cause.reason) {
			// Level-triggered cancel scope (scope.go): the awaited future
			// is cancelled as for a pending Cancel; one that refuses is
			// not waited for.
			f.removeWaiter(t)
			t.worker.waitingOn = nil
			return t.scope.err()
		}
		t.suspend()
		t.worker.waitingOn = nil
		if t.mustCancel {
			t.mustCancel = false
			return cancelledErr(t.cancelMessage())
		}
	}
	return f.Err()
}

func (f *future) cancelWait(_ *Task, msg string) bool { return f.CancelWith(msg) }

func (f *future) describe() string { return "awaiting " + f.String() }

// Sleep suspends t for d of loop time (asyncio.sleep). Sleep(t, 0) yields
// once: every other ready callback and task runs before t goes on. With
// d > 0, t resumes in the loop pass after the one its timer fires in,
// after every callback due with it, as in asyncio.
//
// Cancellation: a cancel during the sleep wakes t at once and Sleep returns
// an error matching [ErrCancelled].
//
// Sleep panics if t is not the task running now (see [Task]).
func Sleep(t *Task, d time.Duration) error {
	t.checkRunning("Sleep")
	l := t.fut.loop
	if d <= 0 || t.mustCancel || (t.scope != nil && t.scope.effectivelyCancelled) {
		if l.passLeft > 0 || l.ready.len() > 0 || !l.passInline(t) {
			l.ready.push(t)
			t.suspend()
		}
	} else {
		h := l.wakeTaskAt(l.clock.read()+d, t)
		t.worker.waitingOn = h
		t.suspend()
		t.worker.waitingOn = nil
	}
	if t.mustCancel {
		t.mustCancel = false
		return cancelledErr(t.cancelMessage())
	}
	if t.scope != nil && t.scope.effectivelyCancelled {
		return t.scope.err() // level-triggered cancel scope (scope.go)
	}
	return nil
}

func (h *Handle) cancelWait(t *Task, msg string) bool {
	if !h.cancel() {
		return false
	}
	t.setCancel(msg)
	h.loop.ready.push(t)
	return true
}

func (h *Handle) describe() string {
	return "sleeping until " + h.when.String()
}

// Cancel asks the task to stop (asyncio's Task.cancel): the await it is
// suspended in, or its next one, returns an error matching [ErrCancelled].
// A task not yet started never runs. The body may return that error (the
// task ends cancelled) or go on, which refuses the cancellation. Cancel
// returns false if the task is done already.
func (t *Task) Cancel() bool { return t.CancelWith("") }

// CancelWith is Cancel with a message carried by the cancellation error.
func (t *Task) CancelWith(msg string) bool {
	if t.fut.state != statePending {
		return false
	}
	t.numCancels++
	if c := t.context(); c != nil {
		c.cancelled(msg)
	}
	if w := t.waitingOn(); w != nil && w.cancelWait(t, msg) {
		return true
	}
	t.setCancel(msg)
	return true
}

// Cancelling returns the number of cancel requests not yet withdrawn by
// Uncancel (asyncio's Task.cancelling).
func (t *Task) Cancelling() int { return int(t.numCancels) }

// Uncancel withdraws one cancel request and returns how many are left
// (asyncio's Task.uncancel, with CPython 3.13's rule: at zero, a pending
// cancellation that has not been delivered yet is dropped).
func (t *Task) Uncancel() int {
	if t.numCancels > 0 {
		t.numCancels--
		if t.numCancels == 0 {
			t.mustCancel = false
		}
	}
	return int(t.numCancels)
}

// Name returns the task's name.
func (t *Task) Name() string {
	if t.extra == nil || t.extra.name == "" {
		return "Task-" + strconv.FormatUint(t.id, 10)
	}
	return t.extra.name
}

// SetName renames the task.
func (t *Task) SetName(name string) { t.label().name = name }

// taskExtra holds what a task rarely has, out of the task frame that
// every spawn allocates.
type taskExtra struct {
	name      string
	cancelMsg string
	ctx       *taskContext // made on first use of Context (context.go)
	trace     *taskTrace   // with TrackTasks (taskinfo.go)
}

func (t *Task) label() *taskExtra {
	if t.extra == nil {
		t.extra = &taskExtra{}
	}
	return t.extra
}

// context returns the task's context state, nil until Context is first
// called.
func (t *Task) context() *taskContext {
	if t.extra == nil {
		return nil
	}
	return t.extra.ctx
}

// waitingOn returns what the suspended task waits for, or nil.
func (t *Task) waitingOn() waitable {
	if t.worker == nil {
		return nil
	}
	return t.worker.waitingOn
}

// setCancel records a cancel request to deliver at the next await.
func (t *Task) setCancel(msg string) {
	t.mustCancel = true
	if msg != "" || t.extra != nil {
		t.label().cancelMsg = msg
	}
}

// cancelMessage is the message of the last cancel request.
func (t *Task) cancelMessage() string {
	if t.extra == nil {
		return ""
	}
	return t.extra.cancelMsg
}

// Loop returns the loop the task runs on.
func (t *Task) Loop() *Loop { return t.fut.loop }

// Done reports whether the task has finished.
func (t *Task) Done() bool { return t.fut.Done() }

// Cancelled reports whether the task ended cancelled.
func (t *Task) Cancelled() bool { return t.fut.Cancelled() }

// Err returns how the task ended: nil for a value, its error, or an error
// matching [ErrCancelled]; [ErrInvalidState] while it runs.
func (t *Task) Err() error { return t.fut.Err() }

// AddDoneCallback schedules fn on the loop once the task is done.
func (t *Task) AddDoneCallback(fn func(*Task)) CallbackID {
	return t.fut.addCallback(func() { fn(t) })
}

// RemoveDoneCallback removes a callback added with AddDoneCallback.
func (t *Task) RemoveDoneCallback(id CallbackID) bool { return t.fut.removeCallback(id) }

// String describes the task as asyncio's repr does: "<Task pending
// name="Task-1">" (a suspended task is pending there too).
func (t *Task) String() string {
	st := t.State()
	if st == TaskSuspended {
		st = TaskPending
	}
	return fmt.Sprintf("<Task %s name=%q>", st, t.Name())
}

// CurrentTask returns the task running on l now, or nil when l runs a
// plain callback or is idle (asyncio.current_task).
func CurrentTask(l *Loop) *Task { return l.current }

// AllTasks returns the tasks of l that are not done, oldest first
// (asyncio.all_tasks).
func AllTasks(l *Loop) []*Task {
	out := slices.Clone(l.live.tasks)
	for i := range l.ready.len() {
		if t, ok := l.ready.at(i).(*Task); ok && !t.started && t.fut.state == statePending {
			out = append(out, t) // fresh: never ran, so never in the live set
		}
	}
	if t := l.current; t != nil && t.worker.liveIdx == 0 && t.fut.state == statePending {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Task) int { return cmp.Compare(a.id, b.id) })
	return out
}

// taskSet holds the tasks that have suspended, or were interrupted by an
// eager task, and are not done: with the fresh tasks of the ready queue
// and the running one, every task not done. A task that runs to its end
// without suspending, the common case of a spawned task, never enters
// it, so it costs no bookkeeping (and no GC write barriers). A task in
// the set has a worker, which holds its index.
type taskSet struct{ tasks []*Task }

// add adds t, which runs or is suspended, if it is not in the set yet.
func (s *taskSet) add(t *Task) {
	if t.worker.liveIdx == 0 {
		s.tasks = append(s.tasks, t)
		t.worker.liveIdx = int32(len(s.tasks))
	}
}

func (s *taskSet) remove(t *Task) {
	if t.worker == nil || t.worker.liveIdx == 0 {
		return
	}
	i := int(t.worker.liveIdx) - 1
	last := s.tasks[len(s.tasks)-1]
	s.tasks[i], last.worker.liveIdx = last, int32(i+1)
	s.tasks[len(s.tasks)-1] = nil
	s.tasks = s.tasks[:len(s.tasks)-1]
	t.worker.liveIdx = 0
}
