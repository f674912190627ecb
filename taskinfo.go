package aio

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// TaskState is where a task is in its life.
type TaskState uint8

// The states of a task.
const (
	TaskPending   TaskState = iota // made, its body not started yet
	TaskRunning                    // its body is executing now
	TaskDone                       // finished with a value or an error
	TaskCancelled                  // finished cancelled
	TaskSuspended                  // started, and paused: in an await, or woken and waiting for its turn
)

var stateNames = [...]string{"pending", "running", "finished", "cancelled", "suspended"}

// String returns the state's name: asyncio's names ("pending", "running",
// "finished", "cancelled"), and "suspended".
func (s TaskState) String() string {
	if int(s) >= len(stateNames) {
		return fmt.Sprintf("TaskState(%d)", s)
	}
	return stateNames[s]
}

// State returns the task's state.
func (t *Task) State() TaskState {
	switch {
	case t.fut.state == stateCancelled:
		return TaskCancelled
	case t.fut.state == stateDone:
		return TaskDone
	case t.fut.loop.current == t:
		return TaskRunning
	case t.started:
		return TaskSuspended
	}
	return TaskPending
}

// TaskInfo is a snapshot of a task, for monitors and debugging: see
// [Task.Info].
type TaskInfo struct {
	ID    uint64 // the task's number on its loop, from 1 in order of creation
	Name  string
	State TaskState

	// Age is the loop time since the task was made ([Loop.Time]'s clock).
	// It is recorded only with [TrackTasks] (or [Debug]); zero otherwise.
	Age time.Duration

	// Awaiting describes what a suspended task waits for: "awaiting
	// <Task pending name="fetch">", "awaiting <Future pending>",
	// "sleeping until 1.5s" (loop time), or "ready to run" after a yield
	// (Sleep(t, 0)). A task woken but not yet resumed still names what it
	// awaited ("awaiting <Future finished>"). It is empty in the other
	// states.
	Awaiting string

	// Site is the file:line of the await a suspended task is in: the
	// first caller outside package aio, so a [Queue.Get] or a [Lock.Acquire]
	// is reported where the program calls it. Stack is that frame and its
	// callers up to the task's body. Both are recorded only with
	// [TrackTasks] (or [Debug]); empty otherwise.
	Site  string
	Stack []runtime.Frame
}

// Info returns a snapshot of the task: its state, name, age, what it
// awaits and where. Call it from the loop's goroutine (a monitor runs as
// a task or a callback on the loop, or asks through
// [RunCoroutineThreadsafe] or CallSoonThreadsafe).
//
// Info costs nothing until it is called, except what [TrackTasks] records:
// the age and the await site. Combine it with [AllTasks] for a listing.
func (t *Task) Info() TaskInfo {
	info := TaskInfo{ID: t.id, Name: t.Name(), State: t.State()}
	tr := t.trace()
	if tr != nil {
		info.Age = t.fut.loop.Time() - tr.born
	}
	if info.State != TaskSuspended {
		return info
	}
	info.Awaiting = "ready to run"
	if w := t.waitingOn(); w != nil {
		info.Awaiting = w.describe()
	}
	info.Stack = tr.stack()
	info.Site = siteOf(info.Stack)
	return info
}

// Where describes what a suspended task waits for (Info's Awaiting)
// and, with [TrackTasks] or [Debug], the file and line where it waits ("
// at file:line"). It is empty for a task that has not started, runs or
// is done.
func (t *Task) Where() string {
	info := t.Info()
	if info.Site != "" {
		return info.Awaiting + " at " + info.Site
	}
	return info.Awaiting
}

// TrackTasks makes the loop record, for each task, when it was made and
// where it suspends, so that [Task.Info] reports its age and await site.
// It costs a clock reading and an allocation per task and a stack
// capture (not its symbolization) per suspension, so it is off by
// default; debug mode turns it on.
func TrackTasks() Option { return func(c *config) { c.track = true } }

// taskTrace is what TrackTasks records of a task.
type taskTrace struct {
	born time.Duration // loop time at creation
	n    int           // pcs in use
	pcs  [32]uintptr   // the stack where the task last suspended, from the suspending call up
}

// startTrace gives a new task its trace. It is kept out of line: CreateTask
// is the hot path of every spawn, and this is the rare case.
//
//go:noinline
func (t *Task) startTrace() {
	t.label().trace = &taskTrace{born: t.fut.loop.clock.read()}
}

// trace returns the task's trace, nil without TrackTasks.
func (t *Task) trace() *taskTrace {
	if t.extra == nil {
		return nil
	}
	return t.extra.trace
}

// capture records the stack of the suspending task, from the caller of
// Task.suspend up. Symbolizing is left to stack, which only Info needs.
// Kept out of line, off the suspension's hot path.
//
//go:noinline
func (tr *taskTrace) capture() {
	tr.n = runtime.Callers(3, tr.pcs[:])
}

// stack returns the recorded stack from the first frame outside package
// aio (the program's await) up to the task's body, or nil.
func (tr *taskTrace) stack() []runtime.Frame {
	if tr == nil || tr.n == 0 {
		return nil
	}
	var out []runtime.Frame
	frames := runtime.CallersFrames(tr.pcs[:tr.n])
	for more := true; more; {
		var f runtime.Frame
		f, more = frames.Next()
		if len(out) > 0 || !inAio(f) {
			out = append(out, f)
		}
	}
	// Drop what runs the body: the task frame, the worker, iter.Pull.
	for len(out) > 0 && (inAio(out[len(out)-1]) || strings.HasPrefix(out[len(out)-1].Function, "iter.") ||
		strings.HasPrefix(out[len(out)-1].Function, "runtime.")) {
		out = out[:len(out)-1]
	}
	return out
}

// site returns the file:line of the recorded await, or "".
func (tr *taskTrace) site() string { return siteOf(tr.stack()) }

// siteOf returns the file:line of a stack's first frame, or "".
func siteOf(stack []runtime.Frame) string {
	if len(stack) == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d", stack[0].File, stack[0].Line)
}

// inAio reports whether f is package aio's own code; its tests count as
// the program.
func inAio(f runtime.Frame) bool {
	return strings.HasPrefix(f.Function, "github.com/aio-go/aio.") && !strings.HasSuffix(f.File, "_test.go")
}
