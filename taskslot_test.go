package aio_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// A task that ends inside Start leaves its frame for the next one, which
// then costs no allocation; one that suspends keeps its frame, so the
// next Start makes a new task.
func TestTaskSlotReuse(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		var s aio.TaskSlot
		l := tk.Loop()
		ran := 0
		quick := func(t *aio.Task) error { ran++; return nil }
		first := s.Start(l, quick)
		if !first.Done() || ran != 1 {
			return errors.New("an eager task that never suspends is not done when Start returns")
		}
		if again := s.Start(l, quick); again != first {
			return errors.New("the frame of a task that never suspended was not reused")
		}
		if a := testing.AllocsPerRun(100, func() { s.Start(l, quick) }); a != 0 {
			return errors.New("Start of a task that never suspends allocates")
		}
		var ev aio.Event
		slow := s.Start(l, func(t *aio.Task) error { return ev.Wait(t) })
		if slow.Done() {
			return errors.New("a suspended task is done")
		}
		next := s.Start(l, quick)
		if next == slow {
			return errors.New("the frame of a suspended task was reused")
		}
		ev.Set()
		if err := aio.AwaitDone(tk, aio.Awaitable(taskFuture(slow))); err != nil {
			return err
		}
		if s.Start(l, quick) != next {
			return errors.New("the slot did not go on with the last frame that ended inside Start")
		}
		failing := s.Start(l, func(t *aio.Task) error { return errSlot })
		if !errors.Is(failing.Err(), errSlot) {
			return failing.Err()
		}
		if s.Start(l, quick) == failing {
			return errors.New("the frame of a failed task was reused")
		}
		return nil
	}, aio.WithExceptionHandler(func(*aio.Loop, aio.ExceptionContext) {})) // the failed task's error is never retrieved
}

var errSlot = errors.New("slot body failed")

// taskFuture waits for a task through its done callback.
func taskFuture(t *aio.Task) *aio.Future[struct{}] {
	f := aio.NewFuture[struct{}](t.Loop())
	t.AddDoneCallback(func(*aio.Task) { f.SetResult(struct{}{}) })
	return f
}

// Again is true for a task that runs inside its Start and left nothing
// behind, and false once it suspended, or has a cancel request, a name,
// a context, an open cancel scope or a done callback, or for another
// task.
func TestTaskSlotAgain(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		var s aio.TaskSlot
		l := tk.Loop()
		check := func(name string, want bool, body func(t *aio.Task)) error {
			var got bool
			var done aio.Event // not a done callback: that would make Again false
			s.Start(l, func(t *aio.Task) error {
				body(t)
				got = s.Again(t)
				done.Set()
				return nil
			})
			if err := done.Wait(tk); err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("Again after %s = %v, want %v", name, got, want)
			}
			return nil
		}
		var other aio.TaskSlot
		for _, c := range []struct {
			name string
			want bool
			body func(t *aio.Task)
		}{
			{"nothing", true, func(*aio.Task) {}},
			{"two rounds", true, func(t *aio.Task) {
				if !s.Again(t) {
					panic("the first Again was false")
				}
			}},
			{"Cancel", false, func(t *aio.Task) { t.Cancel() }},
			{"Cancel and Uncancel", true, func(t *aio.Task) { t.Cancel(); t.Uncancel() }},
			{"SetName", false, func(t *aio.Task) { t.SetName("x") }},
			{"Context", false, func(t *aio.Task) { t.Context() }},
			{"a done callback", false, func(t *aio.Task) { t.AddDoneCallback(func(*aio.Task) {}) }},
			{"Sleep(0)", false, func(t *aio.Task) { aio.Sleep(t, 0) }},
			{"another slot's task", false, func(t *aio.Task) {
				other.Start(l, func(t2 *aio.Task) error {
					if s.Again(t2) {
						panic("Again of another slot's task was true")
					}
					return nil
				})
				s.Start(l, func(*aio.Task) error { return nil }) // the same slot, nested: t is no longer its live task
			}},
		} {
			if err := check(c.name, c.want, c.body); err != nil {
				return err
			}
		}
		var scoped bool
		s.Start(l, func(t *aio.Task) error {
			return aio.Scope(t, func(t *aio.Task, _ *aio.CancelScope) error {
				scoped = s.Again(t)
				return nil
			})
		})
		if scoped {
			return errors.New("Again inside an open cancel scope was true")
		}
		return nil
	})
}
