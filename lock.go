package aio

// Lock is a mutual-exclusion lock for the tasks of one loop
// (asyncio.Lock). Its zero value is an unlocked lock. It is not owned by a
// task: any task may release it. Waiters acquire it in FIFO order: a
// task that calls Acquire while others wait queues behind them, even if
// the lock happens to be free at that moment.
//
// Tasks on one loop never run in parallel, so a Lock is needed only to
// keep others out of a region that suspends (awaits) in the middle.
// It is used from its loop's goroutine; it is not a [sync.Mutex] for
// goroutines.
type Lock struct {
	locked  bool
	waiters waitQueue
}

// Acquire locks l, suspending t until it is free and every task that
// asked before t has had its turn (asyncio's Lock.acquire). A free lock
// with nobody waiting is taken without suspending.
//
//	if err := mu.Acquire(t); err != nil {
//		return err // cancelled while waiting: the lock is not held
//	}
//	defer mu.Release()
//
// Cancellation: if t is cancelled while it waits, Acquire returns an error
// matching [ErrCancelled] and t does not hold the lock. If the lock had
// just been handed to t, it passes on to the next waiter: a cancelled
// waiter never leaks the lock nor loses a wake-up.
func (l *Lock) Acquire(t *Task) error {
	if !l.locked && l.allCancelled() {
		l.locked = true
		return nil
	}
	_, err := l.waiters.wait(t)
	if err != nil {
		if !l.locked {
			l.wakeFirst()
		}
		return err
	}
	l.locked = true
	return nil
}

// TryAcquire locks l if Acquire would do so without suspending, and
// reports whether it did.
func (l *Lock) TryAcquire() bool {
	if !l.locked && l.allCancelled() {
		l.locked = true
		return true
	}
	return false
}

// Release unlocks l and lets the first waiter, if any, take it (asyncio's
// Lock.release). Releasing an unlocked lock is a bug: Release panics, as
// sync.Mutex.Unlock does.
func (l *Lock) Release() {
	if !l.locked {
		panic("aio: Release of an unlocked Lock")
	}
	l.locked = false
	l.wakeFirst()
}

// Locked reports whether the lock is held.
func (l *Lock) Locked() bool { return l.locked }

func (l *Lock) allCancelled() bool {
	for i := 0; i < l.waiters.len(); i++ {
		if l.waiters.at(i).state != stateCancelled {
			return false
		}
	}
	return true
}

// wakeFirst makes sure the first waiter will wake up.
func (l *Lock) wakeFirst() {
	if w := l.waiters.front(); w != nil && w.state == statePending {
		w.wake()
	}
}
