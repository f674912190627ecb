package aio_test

import (
	"errors"
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
