package aio

// Condition is a condition variable for the tasks of one loop
// (asyncio.Condition): tasks wait, with its lock held, until another task
// notifies them. Its zero value uses a lock of its own; [NewCondition] can
// share an existing Lock. It is used from its loop's goroutine.
type Condition struct {
	l       *Lock
	waiters waitQueue
}

// NewCondition makes a condition variable over lock; a nil lock means a
// new one.
func NewCondition(lock *Lock) *Condition {
	if lock == nil {
		lock = &Lock{}
	}
	return &Condition{l: lock}
}

func (c *Condition) lock() *Lock {
	if c.l == nil {
		c.l = &Lock{}
	}
	return c.l
}

// Lock returns the condition's lock.
func (c *Condition) Lock() *Lock { return c.lock() }

// Acquire acquires the condition's lock (see [Lock.Acquire]).
//
// Cancellation: as for Lock.Acquire.
func (c *Condition) Acquire(t *Task) error { return c.lock().Acquire(t) }

// Release releases the condition's lock (see [Lock.Release]).
func (c *Condition) Release() { c.lock().Release() }

// Locked reports whether the condition's lock is held.
func (c *Condition) Locked() bool { return c.lock().Locked() }

// Wait releases the lock, suspends t until another task calls Notify or
// NotifyAll, then acquires the lock again before it returns (asyncio's
// Condition.wait). The caller must hold the lock; Wait panics otherwise.
// A wake-up can be spurious: re-check the state you wait for, or use
// WaitFor.
//
// Cancellation: if t is cancelled while it waits, Wait still re-acquires
// the lock (even inside a cancelled scope; a further [Task.Cancel] during
// that does not stop it) and returns an error matching [ErrCancelled] with
// the lock held. A notification t had received is passed on to another
// waiter, so none is lost.
func (c *Condition) Wait(t *Task) error {
	lk := c.lock()
	if !lk.locked {
		panic("aio: Condition.Wait without holding its lock")
	}
	lk.Release()
	defer func() {
		if t.killed && !lk.locked {
			// The loop is closing and unwinds t: leave the lock held, as
			// the caller's deferred Release expects.
			lk.locked = true
		}
	}()
	_, err := c.waiters.wait(t)
	if aerr := c.reacquire(t); aerr != nil {
		err = aerr
	}
	if err != nil {
		c.notify(1)
		return err
	}
	return nil
}

// reacquire takes the lock again after a wait, whatever happens.
func (c *Condition) reacquire(t *Task) error {
	lk := c.lock()
	if lk.TryAcquire() {
		return nil
	}
	sh := shieldScope(t)
	defer sh.leave(t)
	var last error
	for {
		err := lk.Acquire(t)
		if err == nil {
			return last
		}
		last = err
	}
}

// WaitFor waits until pred returns true, calling Wait as long as it does
// not (asyncio's Condition.wait_for). The caller must hold the lock.
//
// Cancellation: as for Wait; pred is not called again after a
// cancellation.
func (c *Condition) WaitFor(t *Task, pred func() bool) error {
	for !pred() {
		if err := c.Wait(t); err != nil {
			return err
		}
	}
	return nil
}

// Notify wakes up to n tasks waiting on the condition, in the order they
// started waiting (asyncio's Condition.notify). A woken task returns from
// Wait only once it has the lock again, so release it after notifying.
// The caller must hold the lock; Notify panics otherwise.
func (c *Condition) Notify(n int) {
	if !c.lock().locked {
		panic("aio: Condition.Notify without holding its lock")
	}
	c.notify(n)
}

// NotifyAll wakes every task waiting on the condition (asyncio's
// notify_all). The caller must hold the lock.
func (c *Condition) NotifyAll() { c.Notify(c.waiters.len()) }

func (c *Condition) notify(n int) {
	for i := 0; i < c.waiters.len() && n > 0; i++ {
		if w := c.waiters.at(i); w.state == statePending {
			w.wake()
			n--
		}
	}
}
