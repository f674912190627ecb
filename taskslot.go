package aio

// A TaskSlot starts tasks one after another in one reusable task frame:
// a server that runs a handler task per request (package web) uses one
// per connection, so a request whose handler never suspends costs no
// allocation for its task. The zero TaskSlot is ready. A TaskSlot is used
// from its loop's goroutine.
type TaskSlot struct {
	fr   *slotFrame
	live *slotFrame // the frame whose task runs inside Start, for Again
}

// slotFrame is a task frame with a body that returns only an error (no
// value to store, no wrapper closure).
type slotFrame struct {
	Future[struct{}]
	task Task
	fn   func(t *Task) error
}

func (f *slotFrame) run(t *Task) error { return f.fn(t) }

// Start runs fn as a new task on l, at once when l is running (as [Spawn]
// with [Eager]: Start returns when the task first suspends or ends) and
// in the next pass otherwise, and returns the task. Call it from l's
// goroutine; it panics on a closed loop.
//
// When the task started before from s ended inside its own Start call
// (it never suspended, so nothing of the loop can still refer to it) and
// returned nil, its frame is reused: the returned *Task is then the same
// pointer as that earlier one. So a *Task from a TaskSlot must not be
// used, nor its [Task.AddDoneCallback] callbacks rely on it, once its
// body has returned. A task that suspended, failed or was cancelled
// keeps its frame, and the next Start allocates a new one.
func (s *TaskSlot) Start(l *Loop, fn func(t *Task) error) *Task {
	l.checkOpen("TaskSlot.Start")
	fr := s.fr
	s.fr = nil
	if fr == nil {
		fr = new(slotFrame)
	} else {
		*fr = slotFrame{}
	}
	fr.fn = fn
	t := &fr.task
	l.initTask(t, &fr.future, fr)
	if !l.running {
		l.ready.push(t)
		return t
	}
	s.live = fr
	l.step(t, false)
	s.live = nil
	if fr.future.state == stateDone && fr.future.err == nil {
		fr.fn = nil
		s.fr = fr
	}
	return t
}

// Again reports whether t, the task that s's last Start is running, may
// go on to do the work of another Start itself, as a fresh task would:
// t has not suspended since Start began it, and nothing of it outlives
// the work so far (it has no name, no context, no cancel request, no
// cancel scope open and no waiter or done callback). A server whose
// handler task has served one request and finds the next one at hand
// calls it from the task's body instead of returning: when true, the
// body goes on in place, which spares a task start and two coroutine
// switches; when false, the body returns and the caller uses Start.
// Call it from t's body, from the loop's goroutine.
func (s *TaskSlot) Again(t *Task) bool {
	fr := s.live
	return fr != nil && t == &fr.task && t.extra == nil && t.numCancels == 0 &&
		!t.mustCancel && t.scope == nil && fr.future.first.empty() && fr.future.rest == nil
}
