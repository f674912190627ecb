package aio

import "errors"

// ErrBrokenBarrier is returned by [Barrier.Wait] when the barrier is
// aborted or reset while the task waits, or is broken when it arrives
// (asyncio.BrokenBarrierError).
var ErrBrokenBarrier = errors.New("aio: barrier is broken")

type barrierState uint8

const (
	barrierFilling barrierState = iota
	barrierDraining
	barrierResetting
	barrierBroken
)

// Barrier makes a fixed number of tasks wait for each other
// (asyncio.Barrier): each calls Wait, and when the last of them arrives
// all are released together. Then the barrier can be used again. It is
// used from its loop's goroutine.
type Barrier struct {
	parties int
	state   barrierState
	count   int
	waiters waitQueue
}

// NewBarrier makes a barrier for parties tasks; it panics if parties < 1.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("aio: NewBarrier with parties < 1")
	}
	return &Barrier{parties: parties}
}

// Wait suspends t until parties tasks are waiting at the barrier, then
// releases them all (asyncio's Barrier.wait). It returns a different
// index in [0, parties) to each of them, in the order they arrived: the
// last to arrive gets parties-1 and does not suspend. A task that arrives
// while the previous round is still leaving waits for the next round.
//
// Wait returns [ErrBrokenBarrier] if the barrier is broken (Abort) when t
// arrives, or if it is aborted or reset while t waits.
//
// Cancellation: if t is cancelled while it waits, Wait returns an error
// matching [ErrCancelled] and t no longer counts as waiting: the barrier
// then needs another task to fill the round.
func (b *Barrier) Wait(t *Task) (int, error) {
	for b.state == barrierDraining || b.state == barrierResetting {
		if err := b.wait(t); err != nil {
			return 0, err
		}
	}
	if b.state == barrierBroken {
		return 0, ErrBrokenBarrier
	}
	index := b.count
	b.count++
	var err error
	if index+1 == b.parties {
		b.state = barrierDraining
		b.notifyAll()
	} else {
		for b.state == barrierFilling {
			if err = b.wait(t); err != nil {
				break
			}
		}
		if err == nil && (b.state == barrierBroken || b.state == barrierResetting) {
			err = ErrBrokenBarrier
		}
	}
	b.count--
	if b.count == 0 {
		if b.state == barrierResetting || b.state == barrierDraining {
			b.state = barrierFilling
		}
		b.notifyAll()
	}
	if err != nil {
		return 0, err
	}
	return index, nil
}

// Reset returns the barrier to its initial state (asyncio's
// Barrier.reset): tasks waiting at it get [ErrBrokenBarrier], and it can be
// used again once they have left. Unlike asyncio's, it does not suspend.
func (b *Barrier) Reset() {
	if b.count > 0 {
		b.state = barrierResetting
	} else {
		b.state = barrierFilling
	}
	b.notifyAll()
}

// Abort breaks the barrier (asyncio's Barrier.abort): tasks waiting at it
// and every later Wait get [ErrBrokenBarrier], until Reset. Unlike
// asyncio's, it does not suspend.
func (b *Barrier) Abort() {
	b.state = barrierBroken
	b.notifyAll()
}

// Parties returns the number of tasks the barrier waits for.
func (b *Barrier) Parties() int { return b.parties }

// Waiting returns the number of tasks waiting for the current round
// (asyncio's n_waiting).
func (b *Barrier) Waiting() int {
	if b.state == barrierFilling {
		return b.count
	}
	return 0
}

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool { return b.state == barrierBroken }

func (b *Barrier) wait(t *Task) error {
	_, err := b.waiters.wait(t)
	return err
}

func (b *Barrier) notifyAll() {
	for i := 0; i < b.waiters.len(); i++ {
		if w := b.waiters.at(i); w.state == statePending {
			w.wake()
		}
	}
}
