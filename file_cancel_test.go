package aio_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// waitRunning returns once some goroutine's stack shows fn: the File
// operation is running on the executor, not just queued. It polls on a
// goroutine of its own, not on the executor: a job there waiting for the
// next job to start could take the worker that job needs.
func waitRunning(t *aio.Task, fn string) error {
	l := t.Loop()
	running := aio.NewFuture[struct{}](l)
	go func() {
		for !strings.Contains(allStacks(), fn) {
			time.Sleep(time.Millisecond)
		}
		l.CallSoonThreadsafe(func() { running.SetResult(struct{}{}) })
	}()
	_, err := aio.Await(t, running)
	return err
}

// allStacks returns the stacks of all goroutines, however many there are.
func allStacks() string {
	for buf := make([]byte, 1<<20); ; buf = make([]byte, 2*len(buf)) {
		if n := runtime.Stack(buf, true); n < len(buf) {
			return string(buf[:n])
		}
	}
}

// roundTrips lets executor jobs and the loop go on for a while, so that
// an operation that should wait but does not gets the chance to finish.
func roundTrips(t *aio.Task, n int) error {
	for range n {
		if _, err := aio.ToThread(t, func() (int, error) { return 0, nil }); err != nil {
			return err
		}
	}
	return nil
}

// spawnRead reads once from f in a new task.
func spawnRead(t *aio.Task, f *aio.File) *aio.Future[string] {
	return aio.Spawn(t, func(t *aio.Task) (string, error) {
		p := make([]byte, 100)
		n, err := f.Read(t, p)
		return string(p[:n]), err
	})
}

// cancelRead starts a Read of f that blocks on the executor, and cancels
// its task while it runs there.
func cancelRead(t *aio.Task, f *aio.File) error {
	reader := spawnRead(t, f)
	if err := waitRunning(t, "aio.(*File).fill"); err != nil {
		return err
	}
	reader.Cancel()
	if _, err := aio.Await(t, reader); !errors.Is(err, aio.ErrCancelled) {
		return fmt.Errorf("cancelled Read returned %v", err)
	}
	return nil
}

// runCancelledRead runs body in a test loop with both ends of a new fifo
// open, and a Read of the reading end f cancelled while it runs (there is
// nothing to read). It closes the writing end w after body.
func runCancelledRead(tt *testing.T, body func(t *aio.Task, f, w *aio.File) error) {
	fifo := mkfifo(tt)
	aiotest.Run(tt, func(t *aio.Task) error {
		f, err := aio.OpenFile(t, fifo, os.O_RDWR, 0) // a reading end whose open does not block
		if err != nil {
			return err
		}
		w, err := aio.OpenFile(t, fifo, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer w.Close(t)
		if err := cancelRead(t, f); err != nil {
			return err
		}
		return body(t, f, w)
	})
}

// spawnClose closes f in a new task.
func spawnClose(t *aio.Task, f *aio.File) *aio.Future[struct{}] {
	return aio.Spawn(t, func(t *aio.Task) (struct{}, error) { return struct{}{}, f.Close(t) })
}

// A Read cancelled while it runs on the executor: its task gets
// ErrCancelled at once, the read finishes there, the next operation waits
// for it, and what it read is not lost. Close waits for it too.
func TestFileCancelledReadInFlight(t *testing.T) {
	runCancelledRead(t, func(t *aio.Task, f, w *aio.File) error {
		next := spawnRead(t, f)
		if err := roundTrips(t, 5); err != nil {
			return err
		}
		if next.Done() {
			return fmt.Errorf("a Read ran beside the one in flight: %v", next.Err())
		}
		if _, err := w.WriteString(t, "xyz"); err != nil {
			return err
		}
		if got, err := aio.Await(t, next); got != "xyz" || err != nil {
			return fmt.Errorf("Read after the cancelled one = %q %v, want what the cancelled one read", got, err)
		}

		if err := cancelRead(t, f); err != nil {
			return err
		}
		closer := spawnClose(t, f)
		if err := roundTrips(t, 5); err != nil {
			return err
		}
		if closer.Done() {
			return fmt.Errorf("Close did not wait for the Read in flight: %v", closer.Err())
		}
		if _, err := w.WriteString(t, "late"); err != nil {
			return err
		}
		if _, err := aio.Await(t, closer); err != nil {
			return err
		}
		_, err := f.Read(t, make([]byte, 1))
		return check(errors.Is(err, fs.ErrClosed), "Read after Close = %v", err)
	})
}

// A Close whose task is cancelled still closes the file, after the
// operation in flight.
func TestFileCancelledCloseStillCloses(t *testing.T) {
	runCancelledRead(t, func(t *aio.Task, f, w *aio.File) error {
		closer := spawnClose(t, f)
		if err := aio.Sleep(t, 0); err != nil { // Close queues behind the read
			return err
		}
		closer.Cancel()
		if _, err := aio.Await(t, closer); !errors.Is(err, aio.ErrCancelled) {
			return fmt.Errorf("cancelled Close returned %v", err)
		}
		if _, err := w.WriteString(t, "x"); err != nil {
			return err
		}
		_, err := f.Read(t, make([]byte, 1)) // queued behind the close
		return check(errors.Is(err, fs.ErrClosed), "Read after a cancelled Close = %v", err)
	})
}

// An operation cancelled while still queued for the executor never runs,
// as a cancelled concurrent.futures job that had not started.
func TestFileCancelledQueuedWriteNeverRuns(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.Create(t, name)
		if err != nil {
			return err
		}
		defer f.Close(t)
		gate, l := make(chan struct{}), t.Loop()
		started := aio.NewFuture[struct{}](t.Loop())
		blocker := aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
			return aio.ToThread(t, func() (struct{}, error) {
				l.CallSoonThreadsafe(func() { started.SetResult(struct{}{}) })
				<-gate
				return struct{}{}, nil
			})
		})
		if _, err := aio.Await(t, started); err != nil { // the executor's one goroutine is busy
			return err
		}
		writer := aio.Spawn(t, func(t *aio.Task) (int, error) { return f.WriteString(t, "X") })
		if err := aio.Sleep(t, 0); err != nil { // writer queues its job
			return err
		}
		writer.Cancel()
		if _, err := aio.Await(t, writer); !errors.Is(err, aio.ErrCancelled) {
			return fmt.Errorf("cancelled Write returned %v", err)
		}
		close(gate)
		if _, err := aio.Await(t, blocker); err != nil {
			return err
		}
		fi, err := f.Stat(t)
		return check(err == nil && fi.Size() == 0, "after a cancelled queued write: %v size %d, want 0", err, fi.Size())
	}, aio.ExecutorSize(1))
}

// An open cancelled while it blocks on the executor closes the file it
// opens once the open ends. GC is off, so no finalizer closes it for us.
func TestFileCancelledOpenClosesFile(t *testing.T) {
	fifo := mkfifo(t)
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	aiotest.Run(t, func(t *aio.Task) error {
		opener := aio.Spawn(t, func(t *aio.Task) (*aio.File, error) { return aio.Open(t, fifo) })
		if err := waitRunning(t, "os.OpenFile"); err != nil {
			return err
		}
		opener.Cancel()
		if _, err := aio.Await(t, opener); !errors.Is(err, aio.ErrCancelled) {
			return fmt.Errorf("cancelled Open returned %v", err)
		}
		w, err := aio.OpenFile(t, fifo, os.O_WRONLY, 0) // lets the abandoned open end
		if err != nil {
			return err
		}
		defer w.Close(t)
		_, err = aio.ToThread(t, func() (struct{}, error) {
			for range 10000 { // a hang guard: the orphan is closed within milliseconds
				if fdsOpenOn(fifo) == 1 {
					return struct{}{}, nil
				}
				time.Sleep(time.Millisecond)
			}
			return struct{}{}, fmt.Errorf("%d fds open on the fifo, want only the writer's", fdsOpenOn(fifo))
		})
		return err
	})
}

// fdsOpenOn counts this process's fds open on the file name.
func fdsOpenOn(name string) int {
	entries, _ := os.ReadDir("/proc/self/fd")
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && target == name {
			n++
		}
	}
	return n
}

// An operation refused by a shut-down executor fails with
// ErrExecutorShutdown and leaves the File usable by the next one.
func TestFileExecutorShutdown(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.Create(t, name)
		if err != nil {
			return err
		}
		t.Loop().DefaultExecutor().Shutdown(true)
		for range 2 {
			if _, err := f.Stat(t); !errors.Is(err, aio.ErrExecutorShutdown) {
				return fmt.Errorf("Stat on a shut-down executor = %v", err)
			}
		}
		err = f.Close(t)
		return check(errors.Is(err, aio.ErrExecutorShutdown), "Close on a shut-down executor = %v", err)
	})
}

// A Write cancelled while it blocks on a full pipe still writes what the
// caller passed, although the caller reuses the slice at once.
func TestFileCancelledWriteKeepsItsCopy(t *testing.T) {
	fifo := mkfifo(t)
	aiotest.Run(t, func(t *aio.Task) error {
		w, err := aio.OpenFile(t, fifo, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer w.Close(t)
		r, err := aio.OpenFile(t, fifo, os.O_RDONLY, 0)
		if err != nil {
			return err
		}
		defer r.Close(t)
		const pipeSize = 64 << 10 // Linux's default pipe capacity
		if _, err := w.WriteString(t, strings.Repeat("a", pipeSize)); err != nil {
			return err
		}
		p := []byte(strings.Repeat("b", 1000))
		writer := aio.Spawn(t, func(t *aio.Task) (int, error) { return w.Write(t, p) })
		if err := waitRunning(t, "os.(*File).Write("); err != nil {
			return err
		}
		writer.Cancel()
		if _, err := aio.Await(t, writer); !errors.Is(err, aio.ErrCancelled) {
			return fmt.Errorf("cancelled Write returned %v", err)
		}
		for i := range p {
			p[i] = 'Z'
		}
		var got []byte
		buf := make([]byte, 100<<10)
		for len(got) < pipeSize+len(p) {
			n, err := r.Read(t, buf)
			if err != nil {
				return err
			}
			got = append(got, buf[:n]...)
		}
		want := strings.Repeat("a", pipeSize) + strings.Repeat("b", len(p))
		return check(string(got) == want, "read %d bytes, %d of them 'Z'", len(got), strings.Count(string(got), "Z"))
	})
}
