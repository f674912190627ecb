package aio

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestJoinSetCompletionOrder(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		set := NewJoinSet[int](t)
		defer set.Shutdown(t)
		set.Spawn(sleepy(3*time.Second, 3, nil))
		set.Spawn(sleepy(1*time.Second, 1, nil))
		set.Spawn(sleepy(2*time.Second, 0, boom))
		var got []string
		for set.Len() > 0 {
			f, err := set.JoinNext(t)
			if err != nil {
				return 0, err
			}
			v, err := f.Result()
			got = append(got, fmt.Sprintf("%v:%d:%v", l.Time(), v, err))
		}
		if want := []string{"1s:1:<nil>", "2s:0:boom", "3s:3:<nil>"}; !slices.Equal(got, want) {
			return 0, fmt.Errorf("got %v", got)
		}
		if _, err := set.JoinNext(t); err != ErrJoinSetEmpty {
			return 0, fmt.Errorf("empty: %v", err)
		}
		if _, ok := set.TryJoinNext(); ok {
			return 0, errors.New("TryJoinNext on an empty set")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestJoinSetAbortAllAndShutdown(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		set := NewJoinSet[int](t)
		a := set.Spawn(sleepy(time.Hour, 1, nil))
		b := set.Spawn(func(t *Task) (int, error) {
			err := Sleep(t, time.Hour) // swallows the abort...
			Sleep(t, time.Hour)        // ...and the level-triggered cancellation stops this one too
			return 2, err
		})
		Sleep(t, time.Second)
		set.AbortAll()
		f, err := set.JoinNext(t)
		if err != nil || f != a || !a.Cancelled() {
			return 0, fmt.Errorf("first joined %v %v", f, err)
		}
		if f, err = set.JoinNext(t); err != nil || f != b || !b.Cancelled() || l.Time() != time.Second {
			return 0, fmt.Errorf("second joined %v %v at %v", f, err, l.Time())
		}
		// The set is usable after AbortAll.
		c := set.Spawn(sleepy(time.Second, 3, nil))
		if f, err = set.JoinNext(t); f != c || err != nil {
			return 0, fmt.Errorf("after AbortAll: %v %v", f, err)
		}
		// Shutdown cancels and waits; results stay for TryJoinNext.
		cleaned := false
		set.Spawn(func(t *Task) (int, error) {
			err := Sleep(t, time.Hour)
			Shielded(t, func(t *Task) error { Sleep(t, time.Second); cleaned = true; return nil })
			return 0, err
		})
		Sleep(t, 0)
		if err := set.Shutdown(t); err != nil || !cleaned {
			return 0, fmt.Errorf("Shutdown: %v, cleaned %v", err, cleaned)
		}
		if f, ok := set.TryJoinNext(); !ok || !f.Cancelled() {
			return 0, errors.New("result not kept after Shutdown")
		}
		ran := false
		late := set.Spawn(func(t *Task) (int, error) { ran = true; return 0, nil })
		Sleep(t, 0)
		if ran || !late.Cancelled() {
			return 0, errors.New("a task spawned after Shutdown ran")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestJoinSetOwnerCancelled: cancelling the task waiting in JoinNext
// cancels every task of the set and waits for them before it returns.
func TestJoinSetOwnerCancelled(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var fs []*Future[int]
		w := Spawn(t, func(t *Task) (int, error) {
			set := NewJoinSet[int](t)
			fs = append(fs, set.Spawn(sleepy(time.Hour, 1, nil)))
			fs = append(fs, set.Spawn(func(t *Task) (int, error) {
				err := Sleep(t, time.Hour)
				Shielded(t, func(t *Task) error { return Sleep(t, 2*time.Second) })
				return 0, err
			}))
			_, err := set.JoinNext(t)
			return 0, err
		})
		Sleep(t, time.Second)
		w.Cancel()
		Await(t, w)
		if !w.Cancelled() || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("w cancelled %v at %v", w.Cancelled(), l.Time())
		}
		for i, f := range fs {
			if !f.Cancelled() {
				return 0, fmt.Errorf("task %d not cancelled", i)
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestJoinSetOwnerFinishes: tasks left in the set when its owner ends are
// cancelled.
func TestJoinSetOwnerFinishes(t *testing.T) {
	l := newTestLoop(t)
	var left *Future[int]
	_, err := runMain(t, l, func(t *Task) (int, error) {
		owner := Spawn(t, func(t *Task) (int, error) {
			set := NewJoinSet[int](t)
			left = set.Spawn(sleepy(time.Hour, 1, nil))
			return 0, Sleep(t, time.Second)
		})
		Await(t, owner)
		_, err := Await(t, left)
		if !left.Cancelled() || l.Time() != time.Second {
			return 0, fmt.Errorf("left: %v at %v", err, l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestJoinSetInsideTimeout: a timeout that fires while the owner waits in
// JoinNext drains the set, and the Timeout returns its timeout error.
func TestJoinSetInsideTimeout(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var f *Future[int]
		err := Timeout(t, time.Second, func(t *Task) error {
			set := NewJoinSet[int](t)
			f = set.Spawn(sleepy(time.Hour, 1, nil))
			_, err := set.JoinNext(t)
			return err
		})
		if !errors.Is(err, ErrTimeout) || !f.Cancelled() {
			return 0, fmt.Errorf("err %v, task cancelled %v", err, f.Cancelled())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
