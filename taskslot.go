package aio

// A TaskSlot starts tasks one after another in one reusable task frame:
// a server that runs a handler task per request (package web) uses one
// per connection, so a request whose handler never suspends costs no
// allocation for its task. The zero TaskSlot is ready. A TaskSlot is used
// from its loop's goroutine.
type TaskSlot struct {
	fr *slotFrame
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
	l.step(t, false)
	if fr.future.state == stateDone && fr.future.err == nil {
		fr.fn = nil
		s.fr = fr
	}
	return t
}
