package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
)

// DefaultStreamLimit is the line-length limit of a StreamReader made
// without one (asyncio's 64 KiB _DEFAULT_LIMIT).
const DefaultStreamLimit = 64 << 10

// keepReadBuffer is the largest reader buffer kept once drained; a larger
// one is released, so a connection that once read a big block does not
// hold it while idle.
const keepReadBuffer = 4 << 10

var (
	// ErrLimitOverrun is matched by a *LimitOverrunError.
	ErrLimitOverrun = errors.New("aio: stream limit overrun")

	// ErrReadInProgress is returned by a StreamReader method called while
	// another task waits for data on the same reader (asyncio's
	// RuntimeError "... already waiting for incoming data"): which of two
	// readers would get the next bytes is undefined, so only one may wait.
	ErrReadInProgress = errors.New("aio: another task is already waiting for incoming data")
)

// IncompleteReadError is returned when the end of the stream came before
// a read could complete (asyncio.IncompleteReadError). It matches
// io.ErrUnexpectedEOF, and io.EOF as well when nothing at all was read.
type IncompleteReadError struct {
	// Partial holds the bytes read before the end; they were consumed
	// from the stream. The caller owns them.
	Partial []byte
	// Expected is the count ReadExactly wanted, or -1 for ReadUntil,
	// which waited for a separator.
	Expected int
}

// Error says how many bytes were read of how many expected, as asyncio's
// message does.
func (e *IncompleteReadError) Error() string {
	if e.Expected < 0 {
		return fmt.Sprintf("aio: %d bytes read on a total of undefined expected bytes", len(e.Partial))
	}
	return fmt.Sprintf("aio: %d bytes read on a total of %d expected bytes", len(e.Partial), e.Expected)
}

// Is makes the error match io.ErrUnexpectedEOF, and io.EOF when Partial
// is empty (the stream had ended before the read began).
func (e *IncompleteReadError) Is(target error) bool {
	return target == io.ErrUnexpectedEOF || target == io.EOF && len(e.Partial) == 0
}

// LimitOverrunError is returned when a line or a chunk up to a separator
// would be longer than the reader's limit (asyncio.LimitOverrunError). It
// matches ErrLimitOverrun. Whether the bytes stay in the buffer depends on
// the method, as in asyncio: ReadUntil keeps them, ReadLine drops them.
type LimitOverrunError struct {
	// Message says which way the limit was overrun: "Separator is found,
	// but chunk is longer than limit" or "Separator is not found, and
	// chunk exceed the limit" (asyncio's words).
	Message string
	// Consumed is the number of bytes to consume to get past the
	// overrun: the separator's index when it was found, else how far the
	// search went.
	Consumed int
}

// Error returns the message, prefixed with "aio: ".
func (e *LimitOverrunError) Error() string { return "aio: " + e.Message }

// Is makes the error match ErrLimitOverrun.
func (e *LimitOverrunError) Is(target error) bool { return target == ErrLimitOverrun }

// StreamReader reads a byte stream with suspending calls
// (asyncio.StreamReader): lines, chunks up to a separator, exact counts,
// everything to the end. OpenConnection and StartServer make one per
// connection, fed by the connection's protocol; NewStreamReader makes one
// to feed by hand.
//
// Every method is called from its loop's goroutine. Every slice a read
// returns is a copy that the caller owns.
//
// Bytes stay in the reader's buffer until a read returns them, so a read
// that is cancelled, or that fails, loses nothing: the next read sees the
// same bytes (the documented exceptions are the overruns of ReadLine and
// the partial data of an IncompleteReadError, both returned to the
// caller or dropped as asyncio does). Only one task may wait in a read at
// a time; another read meanwhile returns ErrReadInProgress.
//
// Flow control: when the buffer grows past twice the limit, the reader
// pauses its transport; when reads take it back to the limit or below,
// or a read must wait for more, the transport resumes.
type StreamReader struct {
	buf     []byte // unread bytes are buf[off:]
	off     int
	limit   int
	eof     bool
	err     error
	tr      ReadTransport // paused and resumed for flow control; nil when fed by hand
	paused  bool          // tr is paused by us
	waiting bool          // a task waits in waitForData
	// data is what the waiting task awaits, completed when data, EOF or
	// an error comes: a future of the reader's own, reset for each wait,
	// so that a wait allocates nothing and adds no frames to the
	// suspended task's stack (an idle connection's coroutine then keeps
	// its first 2 KiB; Event's wait queue took it to 4).
	data future
}

// NewStreamReader returns a reader with the given line-length limit (0 or
// less means DefaultStreamLimit), fed with FeedData and FeedEOF.
func NewStreamReader(limit int) *StreamReader {
	r := &StreamReader{}
	r.SetLimit(limit)
	return r
}

// SetLimit sets the limit of ReadLine and ReadUntil, and of flow control
// (the transport pauses past twice the limit); 0 or less means
// DefaultStreamLimit (asyncio's limit argument). It applies from the next
// read or FeedData on.
func (r *StreamReader) SetLimit(limit int) {
	if limit <= 0 {
		limit = DefaultStreamLimit
	}
	r.limit = limit
	r.maybeResume()
}

// Limit returns the reader's limit.
func (r *StreamReader) Limit() int {
	if r.limit <= 0 {
		return DefaultStreamLimit
	}
	return r.limit
}

// Buffered returns the number of bytes received and not yet read.
func (r *StreamReader) Buffered() int { return len(r.buf) - r.off }

// FeedData appends p to the buffer (copied: p may be reused when FeedData
// returns) and wakes a waiting read. It panics after FeedEOF, as asyncio
// asserts: bytes after the end are a bug of the feeder.
func (r *StreamReader) FeedData(p []byte) {
	if r.eof {
		panic("aio: StreamReader.FeedData after FeedEOF")
	}
	if len(p) == 0 {
		return
	}
	r.reserve(len(p))
	r.buf = append(r.buf, p...)
	r.fed()
}

// compact moves the unread bytes to the front of the buffer.
func (r *StreamReader) compact() {
	if r.off > 0 {
		n := copy(r.buf, r.buf[r.off:])
		r.buf, r.off = r.buf[:n], 0
	}
}

// fed wakes a waiting read after bytes were added to the buffer, and
// pauses the transport past twice the limit.
func (r *StreamReader) fed() {
	r.wake()
	if r.tr != nil && !r.paused && r.Buffered() > 2*r.Limit() {
		r.tr.PauseReading()
		r.paused = true
	}
}

// minDirectRead is the least free room at the end of the reader's buffer
// for the transport to read straight into it (readSpace); with less, a
// read would take too few bytes per syscall, and the loop's buffer is
// used (then copied by FeedData).
const minDirectRead = 4 << 10

// readSpace returns the free room at the end of the buffer, compacted
// first, if it is at least minDirectRead; else nil.
func (r *StreamReader) readSpace() []byte {
	if cap(r.buf)-len(r.buf) < minDirectRead {
		r.compact()
		if cap(r.buf)-len(r.buf) < minDirectRead {
			return nil
		}
	}
	return r.buf[len(r.buf):cap(r.buf)]
}

// reserve makes room for n more bytes, so that a read waiting for them
// (ReadExactly) has the transport read straight into the buffer.
func (r *StreamReader) reserve(n int) {
	if cap(r.buf)-len(r.buf) >= n {
		return
	}
	r.compact()
	if cap(r.buf)-len(r.buf) >= n {
		return
	}
	if b := r.takeSpare(len(r.buf) + n); b != nil {
		r.buf = append(b, r.buf...)
		return
	}
	r.buf = slices.Grow(r.buf, n)
}

// keptSpareBuffers is how many drained reader buffers a loop keeps for
// its readers' next large reads, and maxSpareBuffer the largest kept
// (what ReadExactly reserves at the default limit). Without them a
// connection moving 16 KiB messages allocated and dropped a buffer per
// message, and the garbage collector's work cost more than the copies.
const (
	keptSpareBuffers = 4
	maxSpareBuffer   = 2*DefaultStreamLimit + minDirectRead
)

// spares returns the spare buffers of the reader's loop, nil for a reader
// fed by hand.
func (r *StreamReader) spares() *[][]byte {
	if l, ok := r.tr.(loopOf); ok {
		return &l.Loop().io.spare
	}
	return nil
}

// takeSpare returns an empty spare buffer of the loop with room for n
// bytes, removed from the spares, or nil.
func (r *StreamReader) takeSpare(n int) []byte {
	sp := r.spares()
	if sp == nil {
		return nil
	}
	for i, b := range *sp {
		if cap(b) >= n {
			last := len(*sp) - 1
			(*sp)[i] = (*sp)[last]
			(*sp)[last] = nil
			*sp = (*sp)[:last]
			return b
		}
	}
	return nil
}

// release drops the reader's drained buffer, kept as a spare of its loop
// if there is room.
func (r *StreamReader) release() {
	if sp := r.spares(); sp != nil && len(*sp) < keptSpareBuffers && cap(r.buf) <= maxSpareBuffer {
		*sp = append(*sp, r.buf[:0])
	}
	r.buf = nil
}

// FeedEOF marks the end of the stream and wakes a waiting read.
func (r *StreamReader) FeedEOF() {
	r.eof = true
	r.wake()
}

// AtEOF reports whether the end of the stream was fed and every byte
// before it was read.
func (r *StreamReader) AtEOF() bool { return r.eof && r.Buffered() == 0 }

// SetErr makes every read from now on return err (asyncio's
// set_exception); the stream's connection does this with the error it was
// lost with. A waiting read is woken and returns err.
func (r *StreamReader) SetErr(err error) {
	r.err = err
	r.wake()
}

// Err returns the error set with SetErr, or nil (asyncio's exception()).
func (r *StreamReader) Err() error { return r.err }

func (r *StreamReader) wake() {
	if r.waiting && r.data.state == statePending {
		r.data.wake()
	}
}

// consume returns a copy of the next n buffered bytes and drops them from
// the buffer.
func (r *StreamReader) consume(n int) []byte {
	out := bytes.Clone(r.buf[r.off : r.off+n])
	if out == nil {
		out = []byte{}
	}
	r.discard(n)
	return out
}

// discard drops the next n buffered bytes and resumes the transport if
// the buffer fell to the limit.
func (r *StreamReader) discard(n int) {
	r.off += n
	if r.off == len(r.buf) {
		r.off = 0
		r.buf = r.buf[:0]
		if cap(r.buf) > keepReadBuffer {
			r.release()
		}
	}
	r.maybeResume()
}

// maybeResume resumes the transport if the buffer is down to the limit.
func (r *StreamReader) maybeResume() {
	if r.paused && r.Buffered() <= r.Limit() {
		r.resume()
	}
}

// resume resumes the transport that the reader paused.
func (r *StreamReader) resume() {
	r.paused = false
	r.tr.ResumeReading()
}

// waitForData suspends t until FeedData, FeedEOF or SetErr. A paused
// transport is resumed first: a read that needs more than the buffer
// holds would otherwise wait for ever.
func (r *StreamReader) waitForData(t *Task, method string) error {
	if r.waiting {
		return fmt.Errorf("aio: StreamReader.%s: %w", method, ErrReadInProgress)
	}
	if r.paused {
		r.resume()
	}
	r.data = future{loop: t.fut.loop}
	r.waiting = true
	err := t.await(&r.data)
	r.waiting = false
	if err != nil {
		return err
	}
	return r.err
}

// Read returns up to n bytes as soon as at least one is buffered
// (asyncio's read(n)). With n < 0 it is ReadAll; with n == 0 it returns
// an empty slice at once. At the end of the stream, with nothing
// buffered, it returns io.EOF.
//
// Cancellation: Read returns an error matching ErrCancelled and nothing
// is consumed.
func (r *StreamReader) Read(t *Task, n int) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if n < 0 {
		return r.ReadAll(t)
	}
	if n == 0 {
		return []byte{}, nil
	}
	if err := r.awaitAny(t, "Read"); err != nil {
		return nil, err
	}
	return r.consume(min(n, r.Buffered())), nil
}

// ReadInto copies into p up to len(p) buffered bytes, waiting for at
// least one if none is, and returns the count: Read without the copy it
// allocates, for code that reads into a buffer of its own (an echo, a
// relay, fixed-size records gathered by a loop), as io.Reader's Read
// does. At the end of the stream, with nothing buffered, it returns
// io.EOF; with an empty p it returns 0 and nil at once.
//
// Cancellation: ReadInto returns an error matching ErrCancelled and
// nothing is consumed.
func (r *StreamReader) ReadInto(t *Task, p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if err := r.awaitAny(t, "ReadInto"); err != nil {
		return 0, err
	}
	return r.copyTo(p), nil
}

// awaitAny waits until a byte is buffered; at the end of the stream with
// none it returns io.EOF.
func (r *StreamReader) awaitAny(t *Task, method string) error {
	if r.Buffered() == 0 && !r.eof {
		if err := r.waitForData(t, method); err != nil {
			return err
		}
	}
	if r.Buffered() == 0 {
		return io.EOF
	}
	return nil
}

// copyTo moves up to len(p) buffered bytes into p and returns the count.
func (r *StreamReader) copyTo(p []byte) int {
	n := copy(p, r.buf[r.off:])
	r.discard(n)
	return n
}

// ReadAll reads until the end of the stream and returns every byte
// (asyncio's read(-1)), an empty slice if there were none. The whole
// stream is held in the buffer meanwhile (each wait resumes the
// transport that the growing buffer paused).
//
// Cancellation: ReadAll returns an error matching ErrCancelled and
// nothing is consumed: what came meanwhile stays buffered for the next
// read. asyncio's read(-1) loses what it had gathered.
func (r *StreamReader) ReadAll(t *Task) ([]byte, error) {
	for {
		if r.err != nil {
			return nil, r.err
		}
		if r.eof {
			return r.consume(r.Buffered()), nil
		}
		if err := r.waitForData(t, "ReadAll"); err != nil {
			return nil, err
		}
	}
}

// ReadExactly reads exactly n bytes (asyncio's readexactly). If the
// stream ends first it returns an *IncompleteReadError with the bytes
// that came (consumed) and n; the error matches io.ErrUnexpectedEOF.
// A negative n is an error. n may exceed the limit.
//
// Cancellation: ReadExactly returns an error matching ErrCancelled and
// nothing is consumed.
func (r *StreamReader) ReadExactly(t *Task, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("aio: StreamReader.ReadExactly: negative count %d", n)
	}
	if r.err != nil {
		return nil, r.err
	}
	for r.Buffered() < n {
		if r.eof {
			return nil, &IncompleteReadError{Partial: r.consume(r.Buffered()), Expected: n}
		}
		if n-r.Buffered() >= minDirectRead {
			// Up to twice the limit, where flow control pauses anyway,
			// and room to spare so that the last bytes go direct too.
			r.reserve(min(n-r.Buffered(), 2*r.Limit()) + minDirectRead)
		}
		if err := r.waitForData(t, "ReadExactly"); err != nil {
			return nil, err
		}
	}
	return r.consume(n), nil
}

// ReadUntil reads up to and including sep (asyncio's readuntil). If the
// stream ends first it returns an *IncompleteReadError with the rest of
// the stream (consumed) and Expected -1. If sep begins past the limit, or
// more than the limit has come without it, it returns a
// *LimitOverrunError and leaves the bytes in the buffer, as asyncio does:
// read them another way (Read, ReadExactly with Consumed) or give up on
// the stream. An empty sep is an error.
//
// Cancellation: ReadUntil returns an error matching ErrCancelled and
// nothing is consumed; a new ReadUntil finds the whole chunk.
func (r *StreamReader) ReadUntil(t *Task, sep []byte) ([]byte, error) {
	i, err := r.find(t, sep, "ReadUntil")
	if err != nil {
		return nil, err
	}
	return r.consume(i + len(sep)), nil
}

// find waits until sep is buffered and returns its index in the unread
// bytes, or the errors of ReadUntil.
func (r *StreamReader) find(t *Task, sep []byte, method string) (int, error) {
	if len(sep) == 0 {
		return 0, fmt.Errorf("aio: StreamReader.%s: empty separator", method)
	}
	if r.err != nil {
		return 0, r.err
	}
	// offset is where the search resumes: the bytes before it were
	// searched already, and cannot hold the start of sep.
	offset := 0
	for {
		unread := r.buf[r.off:]
		if len(unread)-offset >= len(sep) {
			if i := bytes.Index(unread[offset:], sep); i >= 0 {
				i += offset
				if i > r.Limit() {
					return 0, &LimitOverrunError{"Separator is found, but chunk is longer than limit", i}
				}
				return i, nil
			}
			offset = len(unread) + 1 - len(sep)
			if offset > r.Limit() {
				return 0, &LimitOverrunError{"Separator is not found, and chunk exceed the limit", offset}
			}
		}
		if r.eof {
			return 0, &IncompleteReadError{Partial: r.consume(len(unread)), Expected: -1}
		}
		if err := r.waitForData(t, method); err != nil {
			return 0, err
		}
	}
}

// ReadLine reads a line, up to and including "\n" (asyncio's readline).
// The last line of a stream that does not end in "\n" is returned as it
// is, with a nil error; at the end of the stream, with nothing buffered,
// ReadLine returns io.EOF (where asyncio returns b"").
//
// A line longer than the limit gives a *LimitOverrunError and, as in
// asyncio, is dropped: up to and including its "\n" if that has come,
// else everything buffered (the line's tail then comes as the next line).
//
// Cancellation: ReadLine returns an error matching ErrCancelled and
// nothing is consumed: the part of a line that has come stays buffered,
// and the next ReadLine returns the whole line.
func (r *StreamReader) ReadLine(t *Task) ([]byte, error) {
	line, err := r.ReadSlice(t, '\n')
	if line == nil {
		return nil, err
	}
	return bytes.Clone(line), err
}

// ReadSlice is ReadLine up to and including delim, without the copy: the
// line is a view into the reader's buffer, for code that handles each
// line at once (a line protocol answering with Write, which copies or
// sends it) and so allocates nothing per line. The slice is valid until
// the next read from r or the task's next suspension (any await: the
// loop refills the buffer meanwhile), like bufio.Reader.ReadSlice's.
// The errors, the end of the stream and overruns are ReadLine's.
//
// Cancellation: as for ReadLine.
func (r *StreamReader) ReadSlice(t *Task, delim byte) ([]byte, error) {
	sep := [1]byte{delim}
	i, err := r.find(t, sep[:], "ReadSlice")
	if err == nil {
		line := r.buf[r.off : r.off+i+1 : r.off+i+1]
		r.discard(i + 1)
		return line, nil
	}
	var incomplete *IncompleteReadError
	if errors.As(err, &incomplete) {
		if len(incomplete.Partial) == 0 {
			return nil, io.EOF
		}
		return incomplete.Partial, nil
	}
	var overrun *LimitOverrunError
	if errors.As(err, &overrun) {
		unread := r.buf[r.off:]
		if len(unread) > overrun.Consumed && unread[overrun.Consumed] == delim {
			r.discard(overrun.Consumed + 1)
		} else {
			r.discard(len(unread))
		}
	}
	return nil, err
}

// Lines iterates over the stream's lines, as ReadLine returns them, until
// the end of the stream (asyncio's async for line in reader). An error
// other than the end is yielded once, with a nil line, and ends the
// iteration.
//
// Cancellation: as for ReadLine; the cancellation is yielded as the error.
func (r *StreamReader) Lines(t *Task) iter.Seq2[[]byte, error] {
	return lines(t, r.ReadLine)
}

// lines iterates over what readLine returns until io.EOF; another error
// is yielded once and ends the iteration. It is the Lines of both
// StreamReader and File.
func lines[L []byte | string](t *Task, readLine func(*Task) (L, error)) iter.Seq2[L, error] {
	return func(yield func(L, error) bool) {
		for {
			line, err := readLine(t)
			if err == io.EOF {
				return
			}
			if !yield(line, err) || err != nil {
				return
			}
		}
	}
}
