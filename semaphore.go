package aio

import "errors"

// ErrSemaphoreReleased is returned by [BoundedSemaphore.Release] when it
// would raise the counter above its initial value (asyncio raises
// ValueError).
var ErrSemaphoreReleased = errors.New("aio: BoundedSemaphore released too many times")

// Semaphore is a counter of permits for the tasks of one loop
// (asyncio.Semaphore): Acquire takes one, suspending while there is none,
// Release gives one back. Waiters get permits in FIFO order: a task that
// calls Acquire while others wait queues behind them. It is used from its
// loop's goroutine. Its zero value has no permits; [NewSemaphore] gives it
// some.
type Semaphore struct {
	value   int
	waiters waitQueue
}

// NewSemaphore makes a semaphore with n permits; it panics if n < 0.
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("aio: NewSemaphore with a negative count")
	}
	return &Semaphore{value: n}
}

// Acquire takes a permit, suspending t until one is free and every task
// that asked before t has had its turn (asyncio's Semaphore.acquire).
//
// Cancellation: if t is cancelled while it waits, Acquire returns an error
// matching [ErrCancelled] and holds no permit. If a permit had just been
// handed to t, it goes back and to the next waiter: a cancelled waiter
// never leaks a permit nor loses a wake-up.
func (s *Semaphore) Acquire(t *Task) error {
	if !s.Locked() {
		s.value--
		return nil
	}
	woken, err := s.waiters.wait(t)
	if err != nil && woken {
		s.value++ // handed a permit, but not taking it
	}
	// Tasks that came while others waited queued for FIFO's sake: wake
	// as many as there are permits.
	for s.value > 0 && s.wakeNext() {
	}
	return err
}

// TryAcquire takes a permit if Acquire would do so without suspending,
// and reports whether it did.
func (s *Semaphore) TryAcquire() bool {
	if s.Locked() {
		return false
	}
	s.value--
	return true
}

// Release gives a permit back and hands it to the first waiter, if any
// (asyncio's Semaphore.release). Releasing more often than acquiring
// raises the count; use [BoundedSemaphore] to catch that.
func (s *Semaphore) Release() {
	s.value++
	s.wakeNext()
}

// Locked reports whether Acquire would suspend: no permit is free, or
// tasks are waiting for one.
func (s *Semaphore) Locked() bool {
	if s.value == 0 {
		return true
	}
	for i := 0; i < s.waiters.len(); i++ {
		if s.waiters.at(i).state != stateCancelled {
			return true
		}
	}
	return false
}

// Value returns the number of free permits.
func (s *Semaphore) Value() int { return s.value }

// wakeNext hands a permit to the first waiter not woken yet.
func (s *Semaphore) wakeNext() bool {
	for i := 0; i < s.waiters.len(); i++ {
		if w := s.waiters.at(i); w.state == statePending {
			s.value--
			w.wake()
			return true
		}
	}
	return false
}

// BoundedSemaphore is a [Semaphore] whose Release fails when it would give
// back more permits than it started with (asyncio.BoundedSemaphore): a
// release without an acquire is caught instead of silently raising the
// limit. It is used from its loop's goroutine.
type BoundedSemaphore struct {
	sem   Semaphore
	bound int
}

// NewBoundedSemaphore makes a bounded semaphore with n permits; it panics
// if n < 0.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 0 {
		panic("aio: NewBoundedSemaphore with a negative count")
	}
	return &BoundedSemaphore{sem: Semaphore{value: n}, bound: n}
}

// Acquire takes a permit (see [Semaphore.Acquire]).
//
// Cancellation: as for Semaphore.Acquire.
func (s *BoundedSemaphore) Acquire(t *Task) error { return s.sem.Acquire(t) }

// TryAcquire takes a permit if one is free without waiting.
func (s *BoundedSemaphore) TryAcquire() bool { return s.sem.TryAcquire() }

// Release gives a permit back. It returns [ErrSemaphoreReleased], and
// changes nothing, if all permits are back already.
func (s *BoundedSemaphore) Release() error {
	if s.sem.value >= s.bound {
		return ErrSemaphoreReleased
	}
	s.sem.Release()
	return nil
}

// Locked reports whether Acquire would suspend.
func (s *BoundedSemaphore) Locked() bool { return s.sem.Locked() }

// Value returns the number of free permits.
func (s *BoundedSemaphore) Value() int { return s.sem.value }
