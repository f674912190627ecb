package aio

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGroupWaitsForAll(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var a, b *Future[int]
		err := Group(t, func(t *Task, g *TaskGroup) error {
			a = must(SpawnIn(g, sleepy(time.Second, 1, nil)))
			b = must(SpawnIn(g, sleepy(3*time.Second, 2, nil)))
			g.Go(func(t *Task) error { return Sleep(t, 2*time.Second) })
			if g.Len() != 3 {
				return fmt.Errorf("Len %d", g.Len())
			}
			return nil
		})
		if err != nil || !a.Done() || !b.Done() || l.Time() != 3*time.Second {
			return 0, fmt.Errorf("err %v a %v b %v at %v", err, a.Done(), b.Done(), l.Time())
		}
		va, _ := a.Result()
		vb, _ := b.Result()
		return va + vb, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupFirstFailureCancelsRest: the first failure cancels the other
// tasks and the body; the failures come back joined, and the group's own
// cancellation of the body does not leak out of Group.
func TestGroupFirstFailureCancelsRest(t *testing.T) {
	l := newTestLoop(t)
	tr := &evTrace{l: l}
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		err := Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error {
				err := Sleep(t, 10*time.Second)
				tr.add("long: %v", err)
				return err
			})
			g.Go(func(t *Task) error { Sleep(t, time.Second); return boom })
			err := Sleep(t, 10*time.Second)
			tr.add("body: %v", err)
			return err
		})
		tr.add("group: %v", err)
		if !errors.Is(err, boom) || errors.Is(err, ErrCancelled) {
			return 0, fmt.Errorf("group error %v", err)
		}
		if err := Sleep(t, time.Second); err != nil {
			return 0, fmt.Errorf("the group's abort leaked: %v", err)
		}
		tr.add("after")
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.check(t,
		"1s long: aio: cancelled: task group aborted",
		"1s body: aio: cancelled: task group aborted",
		"1s group: boom",
		"2s after")
}

func TestGroupJoinsAllErrors(t *testing.T) {
	l := newTestLoop(t)
	e1, e2, e3 := errors.New("e1"), errors.New("e2"), errors.New("body")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		err := Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error { Sleep(t, time.Second); return e1 })
			g.Go(func(t *Task) error {
				Sleep(t, time.Hour)
				return e2 // fails while being cancelled (an error that wraps the cancellation would end it cancelled)
			})
			Sleep(t, time.Hour)
			return e3
		})
		if !errors.Is(err, e1) || !errors.Is(err, e2) || !errors.Is(err, e3) {
			return 0, fmt.Errorf("err %v", err)
		}
		if got := strings.Split(err.Error(), "\n"); len(got) != 3 || got[0] != "e1" || got[2] != "body" {
			return 0, fmt.Errorf("order: %q", got)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupChildSwallowsCancel: a task that swallows the group's
// cancellation and awaits again does not keep the group waiting
// (cpython#86296's class of bug): its further awaits fail at once.
func TestGroupChildSwallowsCancel(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var swallowed []error
		err := Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error {
				for range 5 {
					swallowed = append(swallowed, Sleep(t, time.Hour))
				}
				return nil // returns normally: not a failure
			})
			g.Go(func(t *Task) error { Sleep(t, time.Second); return boom })
			return nil
		})
		if !errors.Is(err, boom) || l.Time() != time.Second || len(swallowed) != 5 {
			return 0, fmt.Errorf("err %v at %v, %d swallowed", err, l.Time(), len(swallowed))
		}
		for _, e := range swallowed {
			if !errors.Is(e, ErrCancelled) {
				return 0, fmt.Errorf("swallowed %v", e)
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupFailureDuringCleanup: a task fails while another is in a
// cleanup that awaits. Unshielded, the cleanup's await fails at once;
// shielded, it runs to the end and the group waits for it.
func TestGroupFailureDuringCleanup(t *testing.T) {
	for _, shielded := range []bool{false, true} {
		t.Run(fmt.Sprintf("shielded=%v", shielded), func(t *testing.T) {
			l := newTestLoop(t)
			boom := errors.New("boom")
			var cleanupErr error
			cleanedAt := time.Duration(-1)
			_, err := runMain(t, l, func(t *Task) (int, error) {
				err := Group(t, func(t *Task, g *TaskGroup) error {
					g.Go(func(t *Task) (err error) {
						defer func() { // a finally-style cleanup that awaits
							cleanup := func(t *Task) error { return Sleep(t, 2*time.Second) }
							if shielded {
								cleanupErr = Shielded(t, cleanup)
							} else {
								cleanupErr = cleanup(t)
							}
							cleanedAt = l.Time()
						}()
						return Sleep(t, time.Hour)
					})
					g.Go(func(t *Task) error { Sleep(t, time.Second); return boom })
					return nil
				})
				if !errors.Is(err, boom) {
					return 0, fmt.Errorf("group: %v", err)
				}
				return 0, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wantAt, wantEnd := time.Second, time.Second
			if shielded {
				wantAt, wantEnd = 3*time.Second, 3*time.Second
			}
			if (cleanupErr == nil) != shielded || cleanedAt != wantAt || l.Time() != wantEnd {
				t.Fatalf("cleanup %v done at %v, group ended at %v", cleanupErr, cleanedAt, l.Time())
			}
		})
	}
}

func TestGroupParentCancelled(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var children []*Future[int]
		var groupErr error
		w := Spawn(t, func(t *Task) (int, error) {
			groupErr = Group(t, func(t *Task, g *TaskGroup) error {
				for range 3 {
					children = append(children, must(SpawnIn(g, sleepy(time.Hour, 0, nil))))
				}
				return nil // the parent waits in the group's exit
			})
			return 0, groupErr
		})
		Sleep(t, time.Second)
		w.Cancel()
		Await(t, w)
		if !errors.Is(groupErr, ErrCancelled) || !w.Cancelled() || l.Time() != time.Second {
			return 0, fmt.Errorf("group %v, w cancelled %v at %v", groupErr, w.Cancelled(), l.Time())
		}
		for i, c := range children {
			if !c.Cancelled() {
				return 0, fmt.Errorf("child %d not cancelled", i)
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupParentCancelledAndChildFails mirrors CPython 3.13: the
// failures win, and the parent's cancellation is delivered again at its
// next await instead of being lost.
func TestGroupParentCancelledAndChildFails(t *testing.T) {
	l := newTestLoop(t)
	tr := &evTrace{l: l}
	_, err := runMain(t, l, func(t *Task) (int, error) {
		w := Spawn(t, func(t *Task) (int, error) {
			err := Group(t, func(t *Task, g *TaskGroup) error {
				g.Go(func(t *Task) error {
					if err := Sleep(t, 10*time.Second); err != nil {
						Shielded(t, func(t *Task) error { return Sleep(t, time.Second) })
						return errors.New("in cleanup")
					}
					return nil
				})
				return Sleep(t, 10*time.Second)
			})
			tr.add("group: %v, cancelling %d", err, t.Cancelling())
			if err := Sleep(t, time.Second); err != nil {
				tr.add("after group: cancelled")
				return 0, err
			}
			tr.add("after group: not cancelled")
			return 0, nil
		})
		Sleep(t, time.Second)
		w.Cancel()
		Await(t, w)
		tr.add("w cancelled %v", w.Cancelled())
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.check(t,
		"2s group: in cleanup, cancelling 1",
		"2s after group: cancelled",
		"2s w cancelled true")
}

// TestGroupInsideTimeout: a timeout around a group cancels its tasks,
// and the Timeout returns its timeout error.
func TestGroupInsideTimeout(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var a *Future[int]
		err := Timeout(t, 2*time.Second, func(t *Task) error {
			return Group(t, func(t *Task, g *TaskGroup) error {
				a = must(SpawnIn(g, sleepy(5*time.Second, 1, nil)))
				g.Go(func(t *Task) error { return Sleep(t, 6*time.Second) })
				return nil
			})
		})
		if !errors.Is(err, ErrTimeout) || !a.Cancelled() || l.Time() != 2*time.Second {
			return 0, fmt.Errorf("err %v a cancelled %v at %v", err, a.Cancelled(), l.Time())
		}
		// A timeout in a task of the group stays there.
		err = Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error {
				if err := Timeout(t, time.Second, func(t *Task) error { return Sleep(t, time.Hour) }); !errors.Is(err, ErrTimeout) {
					return fmt.Errorf("inner timeout: %w", err)
				}
				return nil
			})
			return nil
		})
		return 0, err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGroupChildCancelledAloneIsNotFailure(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var other *Future[int]
		err := Group(t, func(t *Task, g *TaskGroup) error {
			victim := must(SpawnIn(g, sleepy(time.Hour, 0, nil)))
			other = must(SpawnIn(g, sleepy(2*time.Second, 2, nil)))
			Sleep(t, time.Second)
			victim.Cancel()
			return nil
		})
		if err != nil || other.Cancelled() || l.Time() != 2*time.Second {
			return 0, fmt.Errorf("err %v, other cancelled %v at %v", err, other.Cancelled(), l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGroupChildPanic(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		err := Group(t, func(t *Task, g *TaskGroup) error {
			g.Go(func(t *Task) error { panic("oops") })
			return Sleep(t, time.Hour)
		})
		var pe *PanicError
		if !errors.As(err, &pe) || pe.Value != "oops" {
			return 0, fmt.Errorf("err %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupBodyPanic: the group aborts, waits for its tasks, and the
// panic goes on.
func TestGroupBodyPanic(t *testing.T) {
	l := newTestLoop(t)
	var child *Future[int]
	_, err := runMain(t, l, func(t *Task) (int, error) {
		Group(t, func(t *Task, g *TaskGroup) error {
			child = must(SpawnIn(g, sleepy(time.Hour, 0, nil)))
			Sleep(t, time.Second)
			panic("body")
		})
		return 0, errors.New("Group returned after a panic")
	})
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "body" || !child.Cancelled() {
		t.Fatalf("err %v, child cancelled %v", err, child.Cancelled())
	}
}

// TestGroupNested: an inner group's failure is an error of the task that
// ran it, which aborts the outer group.
func TestGroupNested(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := runMain(t, l, func(t *Task) (int, error) {
		var sibling *Future[int]
		err := Group(t, func(t *Task, outer *TaskGroup) error {
			sibling = must(SpawnIn(outer, sleepy(time.Hour, 0, nil)))
			outer.Go(func(t *Task) error {
				return Group(t, func(t *Task, inner *TaskGroup) error {
					inner.Go(func(t *Task) error { Sleep(t, time.Second); return boom })
					return nil
				})
			})
			return nil
		})
		if !errors.Is(err, boom) || !sibling.Cancelled() || l.Time() != time.Second {
			return 0, fmt.Errorf("err %v sibling %v at %v", err, sibling.Cancelled(), l.Time())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoopCloseUnwindsScopes: closing a loop while tasks are suspended
// inside timeouts, groups, join sets and condition waits unwinds them
// cleanly: the only reports are the pending tasks.
func TestLoopCloseUnwindsScopes(t *testing.T) {
	rec := &recorder{}
	l := newTestLoop(t, rec.handler())
	c := NewCondition(nil)
	CreateTask(l, func(t *Task) (int, error) {
		return 0, Timeout(t, time.Hour, func(t *Task) error {
			return Group(t, func(t *Task, g *TaskGroup) error {
				g.Go(func(t *Task) error {
					set := NewJoinSet[int](t)
					defer set.Shutdown(t)
					set.Spawn(sleepy(time.Hour, 0, nil))
					_, err := set.JoinNext(t)
					return err
				})
				g.Go(func(t *Task) error {
					c.Acquire(t)
					defer c.Release()
					return c.Wait(t)
				})
				return Shielded(t, func(t *Task) error { return Sleep(t, time.Hour) })
			})
		})
	})
	CreateTask(l, sleepy(time.Second, 0, nil))
	if _, err := RunUntilComplete(l, CreateTask(l, sleepy(time.Second, 0, nil))); err != nil {
		t.Fatal(err)
	}
	l.Close()
	for _, r := range rec.got {
		if r.Message != "Task was destroyed but it is pending!" {
			t.Fatalf("report %q: %v", r.Message, r.Err)
		}
	}
	if len(rec.got) == 0 {
		t.Fatal("no task was pending")
	}
}
