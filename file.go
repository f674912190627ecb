package aio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"sync/atomic"
	"syscall"
)

// fileBufferSize is the read buffer of a File: each executor round trip
// of a read reads up to this much, so Lines over 1 MiB of short lines
// costs 18 round trips (16 full buffers, the tail, the end) instead of
// one per line (aiofiles' cost; TestFileLinesRoundTrips).
const fileBufferSize = 64 << 10

// File is an open file whose operations run on the loop's default
// executor, so that a task reading or writing it never stalls the loop
// (aiofiles' async file object). Its methods mirror [os.File]'s and take
// the task that waits; errors are the *[fs.PathError] values os returns
// (errors.Is(err, [fs.ErrNotExist]) works).
//
// Reads are buffered ([bufio.Reader], 64 KiB): a read that the buffer can
// serve returns without a round trip to the executor, and one that cannot
// fills the buffer in one round trip. Writes are not buffered: each Write
// is one write on the executor, done when it returns, so there is no Flush
// (asyncio's f.flush()); Sync is fsync.
//
// A File is used by the tasks of the loop that opened it, one operation
// at a time: an operation started while another is in flight waits for
// it, in FIFO order, as aiofiles' calls queue on its thread pool. So tasks
// may share a File without a data race, although interleaving their
// reads or writes is as meaningful as it would be with [os.File].
type File struct {
	f    *os.File
	name string
	mu   Lock          // one operation at a time, FIFO
	br   *bufio.Reader // made on the first read; used only while mu is held
	// handedOff says the operation that holds mu was abandoned by its
	// task while it ran on the executor: the job releases mu when it ends.
	handedOff bool
	closed    bool
	trips     int // executor round trips, for tests
}

// OpenFile opens the named file with the given flag and permissions on
// the executor ([os.OpenFile]; aiofiles.open). Opening a FIFO blocks there,
// not on the loop, until its other end is opened.
//
// Cancellation: OpenFile returns an error matching [ErrCancelled] at once.
// If the open had not started yet it never runs; if it was running, the
// file it opens is closed as soon as the open ends.
func OpenFile(t *Task, name string, flag int, perm fs.FileMode) (*File, error) {
	f, err, _ := runJob(t, func() (*os.File, error) {
		return os.OpenFile(name, flag, perm)
	}, closeOrphan)
	if err != nil {
		return nil, err
	}
	return &File{f: f, name: name}, nil
}

// closeOrphan closes a file whose opener stopped waiting for it.
func closeOrphan(f *os.File, err error) {
	if err == nil {
		f.Close()
	}
}

// Open opens the named file for reading ([os.Open]; aiofiles.open(name)).
//
// Cancellation: as for [OpenFile].
func Open(t *Task, name string) (*File, error) { return OpenFile(t, name, os.O_RDONLY, 0) }

// Create creates or truncates the named file for reading and writing,
// mode 0666 before umask ([os.Create]; aiofiles.open(name, "w+")).
//
// Cancellation: as for [OpenFile].
func Create(t *Task, name string) (*File, error) {
	return OpenFile(t, name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Read reads up to len(p) bytes into p ([io.Reader]'s contract; at the end
// of the file it returns 0, [io.EOF]). Bytes already buffered are returned
// without suspending; otherwise one round trip fills the buffer, so a
// Read returns at most 64 KiB. p is written only on the loop's goroutine,
// after the round trip: it is never written once Read has returned.
//
// Cancellation: Read returns an error matching [ErrCancelled] at once. A
// read that was running on the executor finishes there and its bytes stay
// in the buffer, so the next Read returns them: nothing is lost.
func (f *File) Read(t *Task, p []byte) (int, error) {
	if err := f.lock(t, "read"); err != nil {
		return 0, err
	}
	defer f.unlock()
	if len(p) == 0 {
		return 0, nil
	}
	if f.reader().Buffered() == 0 {
		if _, err := fileCall(t, f, f.fill); err != nil {
			return 0, err
		}
	}
	buf, _ := f.br.Peek(min(len(p), f.br.Buffered()))
	n := copy(p, buf)
	f.br.Discard(n)
	return n, nil
}

// fill reads into the empty buffer (on the executor): one read syscall.
func (f *File) fill() (struct{}, error) {
	_, err := f.br.Peek(1)
	return struct{}{}, err
}

// ReadAll reads from the current position to the end of the file in one
// round trip ([io.ReadAll]; aiofiles' f.read()). It returns a new slice.
//
// Cancellation: ReadAll returns an error matching [ErrCancelled] at once; a
// read running on the executor finishes there, its bytes are dropped and
// the file position is at the end (asyncio.to_thread's rule).
func (f *File) ReadAll(t *Task) ([]byte, error) {
	return fileOp(t, f, "read", func() ([]byte, error) { return io.ReadAll(f.reader()) })
}

// ReadLine reads one line, with its '\n' as Python's readline keeps it.
// The last line of a file that does not end in '\n' is returned without
// one; after it, ReadLine returns "", [io.EOF]. Bytes are not decoded nor
// newlines translated ("\r\n" stays): a Go string holds the file's bytes.
// A line already in the buffer costs no round trip; otherwise one round
// trip reads the line and fills the buffer behind it.
//
// Cancellation: ReadLine returns an error matching [ErrCancelled] at once;
// a read running on the executor finishes there and the line it read is
// dropped (asyncio.to_thread's rule), though what it buffered beyond the
// line is kept.
func (f *File) ReadLine(t *Task) (string, error) {
	if err := f.lock(t, "read"); err != nil {
		return "", err
	}
	defer f.unlock()
	buf, _ := f.reader().Peek(f.br.Buffered())
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		s := string(buf[:i+1])
		f.br.Discard(i + 1)
		return s, nil
	}
	s, err := fileCall(t, f, func() (string, error) { return f.br.ReadString('\n') })
	if err == io.EOF && s != "" {
		err = nil
	}
	return s, err
}

// Lines iterates over the lines from the current position to the end of
// the file, each as ReadLine returns it (aiofiles' async for line in f).
// It stops at the end of the file; an error ends it after being yielded
// once with "". Breaking out of the loop leaves the rest unread.
//
//	for line, err := range f.Lines(t) {
//		if err != nil {
//			return err
//		}
//		fmt.Print(line)
//	}
//
// Cancellation: as for ReadLine; the error is yielded.
func (f *File) Lines(t *Task) iter.Seq2[string, error] { return lines(t, f.ReadLine) }

// Write writes p at the current position in one round trip ([os.File]'s
// Write). Write copies p first, so the caller may reuse it as soon as
// Write returns, even cancelled.
//
// Cancellation: Write returns an error matching [ErrCancelled] at once. A
// write that had not started never happens; one that was running finishes
// and the file position is after it.
func (f *File) Write(t *Task, p []byte) (int, error) {
	b := bytes.Clone(p)
	return f.write(t, func() (int, error) { return f.f.Write(b) })
}

// WriteString is Write for a string, without the copy.
//
// Cancellation: as for Write.
func (f *File) WriteString(t *Task, s string) (int, error) {
	return f.write(t, func() (int, error) { return f.f.WriteString(s) })
}

func (f *File) write(t *Task, w func() (int, error)) (int, error) {
	return fileOp(t, f, "write", func() (int, error) {
		if err := f.unread(); err != nil {
			return 0, err
		}
		return w()
	})
}

// unread moves the file's offset back over what the buffer read ahead,
// so that writes and seeks start where the reader stands (on the
// executor, as Python's buffered files do before a write). A pipe or
// socket cannot seek, and needs not: what it reads and what it writes
// are separate streams, so the buffer stays for the next read.
func (f *File) unread() error {
	if f.br == nil {
		return nil
	}
	if n := f.br.Buffered(); n > 0 {
		_, err := f.f.Seek(-int64(n), io.SeekCurrent)
		if errors.Is(err, syscall.ESPIPE) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	f.br.Reset(f.f)
	return nil
}

// Seek sets the position of the next read or write ([os.File]'s Seek;
// whence is [io.SeekStart], [io.SeekCurrent] or [io.SeekEnd]) and returns the
// new offset; the read buffer is dropped. Seek(t, 0, io.SeekCurrent)
// returns the position the next Read reads from.
//
// Cancellation: Seek returns an error matching [ErrCancelled] at once; a
// seek that was running finishes.
func (f *File) Seek(t *Task, offset int64, whence int) (int64, error) {
	return fileOp(t, f, "seek", func() (int64, error) {
		if err := f.unread(); err != nil {
			return 0, err
		}
		return f.f.Seek(offset, whence)
	})
}

// Stat returns the file's FileInfo ([os.File]'s Stat; aiofiles' os.fstat).
//
// Cancellation: as for Seek.
func (f *File) Stat(t *Task) (fs.FileInfo, error) {
	return fileOp(t, f, "stat", f.f.Stat)
}

// Truncate changes the size of the file; the position does not move
// ([os.File]'s Truncate).
//
// Cancellation: as for Seek.
func (f *File) Truncate(t *Task, size int64) error {
	return f.do(t, "truncate", func() error {
		if err := f.unread(); err != nil {
			return err
		}
		return f.f.Truncate(size)
	})
}

// Sync commits the file's contents to stable storage (fsync; [os.File]'s
// Sync, Python's os.fsync). Writes need no flush before it: they are not
// buffered.
//
// Cancellation: as for Seek.
func (f *File) Sync(t *Task) error { return f.do(t, "sync", f.f.Sync) }

// Close closes the file, after the operation in flight ([os.File]'s Close;
// aiofiles' close, or leaving async with). Operations queued behind Close
// and later ones return an error matching [fs.ErrClosed], as does a second
// Close.
//
// Cancellation: Close returns an error matching [ErrCancelled] at once, but
// the file is still closed once the operation in flight has ended (Close
// runs as a shielded task); an error from that close is then reported to
// the loop's exception handler as never retrieved.
func (f *File) Close(t *Task) error {
	_, err := Await(t, Shield(Spawn(t, f.close)))
	return err
}

func (f *File) close(t *Task) (struct{}, error) {
	if err := f.lock(t, "close"); err != nil {
		return struct{}{}, err
	}
	defer f.unlock()
	f.closed = true
	return fileCall(t, f, func() (struct{}, error) { return struct{}{}, f.f.Close() })
}

// do is fileOp for an operation without a result.
func (f *File) do(t *Task, name string, op func() error) error {
	_, err := fileOp(t, f, name, func() (struct{}, error) { return struct{}{}, op() })
	return err
}

// fileOp runs fn on the executor as f's one operation: after the one
// before it has ended, and failing on a closed file.
func fileOp[T any](t *Task, f *File, name string, fn func() (T, error)) (T, error) {
	if err := f.lock(t, name); err != nil {
		var zero T
		return zero, err
	}
	defer f.unlock()
	return fileCall(t, f, fn)
}

// lock waits for f's turn and fails on a closed file.
func (f *File) lock(t *Task, op string) error {
	if err := f.mu.Acquire(t); err != nil {
		return err
	}
	if f.closed {
		f.mu.Release()
		return &fs.PathError{Op: op, Path: f.name, Err: fs.ErrClosed}
	}
	return nil
}

// unlock ends an operation: it releases f, unless the operation's job
// was abandoned while it ran and will release f itself when it ends.
func (f *File) unlock() {
	if f.handedOff {
		f.handedOff = false
		return
	}
	f.mu.Release()
}

func (f *File) reader() *bufio.Reader {
	if f.br == nil {
		f.br = bufio.NewReaderSize(f.f, fileBufferSize)
	}
	return f.br
}

// fileCall runs fn on the executor while t holds f's lock. If t stops
// waiting first (cancelled), the lock passes to the job, which releases
// it on the loop when fn ends, or at once if fn had not started (then it
// never runs): the next operation never overlaps this one.
func fileCall[T any](t *Task, f *File, fn func() (T, error)) (T, error) {
	f.trips++
	l := t.Loop()
	v, err, abandoned := runJob(t, fn, func(T, error) {
		l.CallSoonThreadsafe(f.mu.Release) // fails only on a closed loop, where nothing waits
	})
	f.handedOff = abandoned
	return v, err
}

// The states of a job run by runJob.
const (
	jobQueued int32 = iota
	jobRunning
	jobDone
	jobAbandoned
)

// runJob is RunInExecutor on the default executor for work that holds a
// resource: if t stops waiting before fn has ended, it reports abandoned
// and orphan runs on the executor with fn's result once fn ends, or with
// an ErrCancelled error if fn had not started, in which case fn never
// runs (as a cancelled concurrent.futures job that was still queued).
func runJob[T any](t *Task, fn func() (T, error), orphan func(T, error)) (v T, err error, abandoned bool) {
	var state atomic.Int32
	// The result travels as a value: RunInExecutor drops the value of a
	// call that fails, and a short read or write has both.
	r, err := RunInExecutor(t, nil, func() (r jobResult[T], _ error) {
		if !state.CompareAndSwap(jobQueued, jobRunning) {
			orphan(r.v, ErrCancelled)
			return r, ErrCancelled
		}
		defer func() {
			if !state.CompareAndSwap(jobRunning, jobDone) {
				orphan(r.v, r.err)
			}
		}()
		r.v, r.err = fn()
		return r, nil
	})
	if err == nil {
		return r.v, r.err, false
	}
	if errors.Is(err, ErrExecutorShutdown) && state.Load() == jobQueued {
		return v, err, false // never submitted
	}
	abandoned = state.CompareAndSwap(jobQueued, jobAbandoned) || state.CompareAndSwap(jobRunning, jobAbandoned)
	return v, err, abandoned
}

type jobResult[T any] struct {
	v   T
	err error
}
