package aio

import (
	"errors"
	"testing"
	"time"
)

// recycle must refuse a waiter future that something still waits on:
// reusing it would wipe that waiter (which then never resumes) and hand
// the same future to a second wait.
func TestWaitQueueRecycleKeepsAwaitedWaiter(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(tk *Task) (int, error) {
		var q waitQueue
		w := q.newWaiter(l)
		other := Spawn(tk, func(t *Task) (int, error) { return 1, t.await(w) })
		if err := Sleep(tk, 0); err != nil { // other now waits on w
			return 0, err
		}
		if !w.hasWaiters() {
			return 0, errors.New("the other task does not wait on the waiter")
		}
		q.recycle(w)
		if next := q.newWaiter(l); next == w {
			t.Error("recycle took a waiter future that a task still awaits")
		}
		w.wake()
		// Virtual time: the hour passes at once if other never resumes.
		_, pending, err := Wait(tk, []*Future[int]{other}, AllCompleted, time.Hour)
		if err != nil {
			return 0, err
		}
		if len(pending) > 0 {
			t.Error("the task awaiting the recycled waiter never resumed")
			other.Cancel() // the loop's Close unwinds it
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recycle keeps at most 16 spare waiters, however many waited at once.
func TestWaitQueueRecycleBound(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(tk *Task) (int, error) {
		var ev Event
		var waiters []*Future[int]
		for range 100 {
			waiters = append(waiters, Spawn(tk, func(t *Task) (int, error) { return 0, ev.Wait(t) }))
		}
		if err := Sleep(tk, 0); err != nil {
			return 0, err
		}
		ev.Set()
		if _, err := Gather(tk, waiters...); err != nil {
			return 0, err
		}
		if n := len(ev.waiters.free); n == 0 || n > 16 {
			t.Errorf("%d spare waiters kept, want 1 to 16", n)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
