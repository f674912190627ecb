package aio

// Event is a flag that tasks can wait for (asyncio.Event). Its zero value
// is an event that is not set. Set wakes every task waiting; tasks that
// call Wait while the event is set do not suspend. It is used from its
// loop's goroutine.
type Event struct {
	set     bool
	waiters waitQueue
}

// Wait suspends t until the event is set; it returns at once if it is set
// already (asyncio's Event.wait).
//
// Cancellation: if t is cancelled while it waits, Wait returns an error
// matching [ErrCancelled]. If Set had already woken t, the event stays set
// for everyone else: nothing is lost.
func (e *Event) Wait(t *Task) error {
	if e.set {
		return nil
	}
	_, err := e.waiters.wait(t)
	return err
}

// Set sets the event and wakes every task waiting for it, in the order
// they started waiting.
func (e *Event) Set() {
	if e.set {
		return
	}
	e.set = true
	for i := 0; i < e.waiters.len(); i++ {
		if w := e.waiters.at(i); w.state == statePending {
			w.wake()
		}
	}
}

// Clear resets the event: tasks that call Wait from now on suspend until
// the next Set.
func (e *Event) Clear() { e.set = false }

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool { return e.set }
