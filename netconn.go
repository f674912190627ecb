package aio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// ErrWrongGoroutine is matched by the error of a [Conn] or [Listener]
// method called from a goroutine that is not the conn's loop's (a
// goroutine the program started, an executor job), or, for the methods
// that may suspend (Read, Write, Accept), from the loop's goroutine but
// outside a task (a protocol callback or a plain callback, which cannot
// suspend). The call does nothing.
var ErrWrongGoroutine = errors.New("aio: net.Conn used outside a task of its loop")

// errWouldBlock is what a Conn of the TLS layer returns from Read when no
// byte is buffered and it must not wait (the TLS pump runs in
// callbacks). It is a temporary net.Error, which crypto/tls treats as
// "try again later": the partial record it has read stays buffered.
var errWouldBlock error = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "aio: no data buffered" }
func (wouldBlock) Timeout() bool   { return false }
func (wouldBlock) Temporary() bool { return true }

// maxWriteChunk bounds what one step of Conn.Write hands to the
// transport, so that a Write of any size respects the write buffer's
// flow control (and never meets its hard limit).
const maxWriteChunk = 256 << 10

// Conn is a stream connection as a [net.Conn], so that code written for
// net.Conn (bufio, encoding/json, net/textproto, crypto/tls, client
// libraries) runs on the loop unchanged: its Read and Write suspend the
// calling task, where a net.Conn blocks the goroutine. [NewConn] wraps a
// stream's reader and writer; [Dial] and [Listener.Accept] return one.
//
// # Which goroutine
//
// Read, Write and Accept may be called by any task of the conn's loop:
// they suspend the task that calls them. The methods that do not suspend
// (Close, CloseWrite, the deadlines, the addresses) may also be called
// from the loop's callbacks. Called from any other goroutine, or Read
// and Write from a callback, they return an error matching
// [ErrWrongGoroutine] and do nothing: a goroutine started for a net.Conn
// (a library's background reader) must not touch the loop's state. The
// check is one comparison for the task's goroutine seen last, and a walk
// of the stack otherwise. It cannot tell a task of another loop from one
// of the conn's loop (debug mode catches that at the suspension).
//
// One task at a time may wait in Read ([ErrReadInProgress] for another);
// concurrent Writes are taken in turn, each one's bytes contiguous.
//
// # Deadlines
//
// SetDeadline, SetReadDeadline and SetWriteDeadline work as net.Conn's: a
// Read or Write waiting when the deadline passes returns an error
// matching [os.ErrDeadlineExceeded] whose Timeout method reports true, a
// deadline already past fails the call at once, and a deadline changed
// while a call waits applies to that wait. The wall-clock deadline is
// turned into loop time when a wait begins (or the deadline is set
// during one), so on a [VirtualClock] loop deadlines pass in virtual
// time. Once a deadline has passed, calls fail until it is set again.
//
// # Cancellation
//
// A task cancelled while it waits in Read gets an error matching
// [ErrCancelled] and nothing is lost: the bytes that came meanwhile are
// returned by the next Read. A task cancelled while it waits in Write
// gets the count of bytes handed to the transport (they will be sent)
// and an error matching ErrCancelled.
//
// # Under crypto/tls
//
// A [tls.Conn] over a Conn works, with one rule: crypto/tls holds its
// mutexes across the suspensions of Read and Write (the handshake's
// lock for the whole handshake, the input lock in Read, the output lock
// in Write), and a second task locking one of them would block the
// loop's goroutine, not just the task: the whole loop hangs. So finish
// the handshake (tls.Conn.Handshake) before a second task uses the
// tls.Conn, then read from one task and write from one task, as with a
// [bufio.Reader]. Close from another task is fine (crypto/tls then skips
// the close_notify). [WithTLS] has no such rule: the TLS of
// [CreateConnection] and of the stream functions never suspends inside
// crypto/tls.
type Conn struct {
	r    *StreamReader
	w    *StreamWriter
	loop *Loop
	rd   connWait // the read side's deadline and wait
	wd   connWait

	// rg and wg are curg of the goroutine whose Read (Write) passed the
	// owner check last: the fast path of the check. Atomic, since a
	// foreign goroutine reads them to find it is foreign.
	rg, wg atomic.Uintptr

	closed bool
	// layer is set for the conn under a TLS transport, used by this
	// package only: no owner check, and Write never waits (flow control
	// is the transport's). Its Read waits only while handshaking is set
	// (in the handshake's task); else it returns errWouldBlock.
	layer, handshaking bool
	// pending is, for a TLS layer, the socket's read that DataReceived
	// is decrypting: Read takes from it after the reader's buffer.
	pending []byte
}

// connWait is one side of a Conn: its deadline and the wait in
// progress, whose scope the deadline and Close reach.
type connWait struct {
	deadline time.Time
	expired  bool         // the deadline passed; cleared when a deadline is set
	scope    *CancelScope // the wait in progress, nil when none
}

// NewConn returns the [net.Conn] of a stream: Read reads from r, Write
// writes to w, Close closes w. r and w are the two halves of one
// connection, as [OpenConnection] and a [StreamHandler] get them; the
// Conn takes them over: do not read from r, or write to w, meanwhile
// (bytes r had buffered are read first). Call it from the loop's
// goroutine; see [Conn] for which tasks may use it.
func NewConn(r *StreamReader, w *StreamWriter) *Conn {
	return &Conn{r: r, w: w, loop: w.p.tr.Loop()}
}

// Dial connects to address and returns the connection as a *Conn:
// [OpenConnection] and [NewConn] in one call, for code that wants a
// [net.Conn] (with [WithTLS], a TLS connection whose handshake is done).
//
// Cancellation: as for OpenConnection.
func Dial(t *Task, network, address string, opts ...NetOption) (*Conn, error) {
	r, w, err := OpenConnection(t, network, address, opts...)
	if err != nil {
		return nil, err
	}
	return NewConn(r, w), nil
}

// Reader returns the stream reader the conn reads from.
func (c *Conn) Reader() *StreamReader { return c.r }

// Writer returns the stream writer the conn writes to: its Transport and
// ExtraInfo describe the connection (for TLS, ExtraInfo("ssl_object")).
func (c *Conn) Writer() *StreamWriter { return c.w }

// Read reads into p what the stream has buffered, waiting for at least
// one byte if there is none (see [Conn] for the goroutine rule and
// deadlines). It returns io.EOF at the end of the stream, and the error
// the connection was lost with after the bytes that came before it.
//
// Cancellation: Read returns an error matching [ErrCancelled]; nothing
// is consumed.
func (c *Conn) Read(p []byte) (int, error) {
	t, err := c.caller(&c.rg, "read", true)
	if err != nil {
		return 0, err
	}
	r := c.r
	for {
		if c.closed {
			return 0, c.opError("read", net.ErrClosed)
		}
		if r.Buffered() > 0 {
			return r.copyTo(p), nil
		}
		if len(c.pending) > 0 {
			n := copy(p, c.pending)
			c.pending = c.pending[n:]
			return n, nil
		}
		switch {
		case len(p) == 0:
			return 0, nil
		case r.err != nil:
			return 0, c.opError("read", r.err)
		case r.eof:
			return 0, io.EOF
		case t == nil:
			return 0, errWouldBlock
		}
		if err := c.wait(t, &c.rd, "read", func(t *Task) error { return r.waitForData(t, "Conn.Read") }); err != nil {
			return 0, err
		}
	}
}

// Write writes p to the stream. It waits while the transport's write
// buffer is above its high-water mark, then hands the bytes over (in
// chunks, waiting again between them for a large p); they are sent as
// the socket takes them. It returns len(p) and nil once all of p is
// handed over.
//
// Cancellation: Write returns the count of bytes handed over, which
// will be sent, and an error matching [ErrCancelled].
func (c *Conn) Write(p []byte) (int, error) {
	t, err := c.caller(&c.wg, "write", true)
	if err != nil {
		return 0, err
	}
	if c.layer { // flow control is the TLS transport's
		if err := c.checkWrite(); err != nil {
			return 0, err
		}
		if err := c.w.Write(p); err != nil {
			return 0, c.opError("write", err)
		}
		return len(p), nil
	}
	// No lock keeps concurrent Writes whole: a Write suspends only while
	// the transport is paused, and every waiter checks again when woken,
	// in the order they waited. So the first one writes until it is
	// paused again, and the others find it paused and wait on.
	n := 0
	for n < len(p) {
		if err := c.checkWrite(); err != nil {
			return n, err
		}
		if !c.w.p.drained.IsSet() {
			if err := c.wait(t, &c.wd, "write", c.w.Drain); err != nil {
				return n, err
			}
			continue
		}
		chunk := p[n:]
		if len(chunk) > maxWriteChunk {
			chunk = chunk[:maxWriteChunk]
		}
		if err := c.w.Write(chunk); err != nil {
			return n, c.opError("write", err)
		}
		n += len(chunk)
	}
	return n, nil
}

// checkWrite returns the error of a Write that must not go on: the conn
// is closed or the write deadline has passed.
func (c *Conn) checkWrite() error {
	if c.closed {
		return c.opError("write", net.ErrClosed)
	}
	if c.wd.passed() {
		return c.opError("write", os.ErrDeadlineExceeded)
	}
	return nil
}

// wait runs fn, a wait of t for d's side, in a cancel scope that d's
// deadline and Close can reach. It returns nil when fn returned (the
// caller checks again what it waits for) or Close ended the wait, and
// the error to return otherwise: a timeout, a cancellation of t, fn's
// error.
func (c *Conn) wait(t *Task, d *connWait, op string, fn func(t *Task) error) error {
	if d.passed() {
		return c.opError(op, os.ErrDeadlineExceeded)
	}
	err := Scope(t, func(t *Task, s *CancelScope) error {
		d.scope = s
		defer func() { d.scope = nil }()
		if !d.deadline.IsZero() {
			s.Reschedule(c.loop.deadlineAfter(time.Until(d.deadline)))
		}
		return fn(t)
	})
	var te *TimeoutError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		d.expired = true
		return c.opError(op, os.ErrDeadlineExceeded)
	}
	return c.opError(op, err)
}

// passed reports whether the side's deadline has passed, and remembers
// it.
func (d *connWait) passed() bool {
	if !d.expired && !d.deadline.IsZero() && !time.Now().Before(d.deadline) {
		d.expired = true
	}
	return d.expired
}

// set sets the side's deadline; a wait in progress takes it at once.
func (d *connWait) set(l *Loop, tm time.Time) {
	d.deadline, d.expired = tm, false
	if d.scope == nil {
		return
	}
	when := NoDeadline
	if !tm.IsZero() {
		when = l.deadlineAfter(time.Until(tm))
	}
	d.scope.Reschedule(when)
}

// caller checks that the caller may use the conn now and returns the
// task to suspend (see loopCaller); seen is the side's cache. The conn
// of a TLS layer is used by this package only: it returns the
// handshake's task, or nil, unchecked.
func (c *Conn) caller(seen *atomic.Uintptr, op string, needTask bool) (*Task, error) {
	if c.layer {
		if c.handshaking {
			return c.loop.current, nil
		}
		return nil, nil
	}
	t, err := loopCaller(c.loop, seen, needTask)
	if err != nil {
		// No address in the error: reading them would touch the loop's
		// state from a foreign goroutine.
		return nil, &net.OpError{Op: op, Net: "tcp", Err: err}
	}
	return t, nil
}

// loopCaller checks that the caller runs on l's goroutine and returns
// the task running on l (nil in a callback); with needTask, a caller
// outside a task is refused as well. seen caches curg of a task's
// goroutine that passed before: the check is then one comparison; else
// it walks the caller's stack for the loop's frames (insideLoop), so that
// a foreign goroutine finds it is foreign without reading l's state.
func loopCaller(l *Loop, seen *atomic.Uintptr, needTask bool) (*Task, error) {
	if g := curg(); g == 0 || seen.Load() != g {
		if !insideLoop() {
			return nil, fmt.Errorf("%w: called from another goroutine", ErrWrongGoroutine)
		}
		if l.current != nil {
			seen.Store(g)
		}
	}
	t := l.current
	if t == nil && needTask {
		return nil, fmt.Errorf("%w: called from a callback, which cannot suspend", ErrWrongGoroutine)
	}
	return t, nil
}

// onLoop checks that a method that does not suspend is called from the
// loop's goroutine.
func (c *Conn) onLoop(op string) error {
	_, err := c.caller(&c.rg, op, false)
	return err
}

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

func (c *Conn) network() string {
	if a := c.RemoteAddr(); a != nil {
		return a.Network()
	}
	return "tcp"
}

// Close closes the connection once the bytes written are sent (the
// transport's Close) and makes a Read or Write waiting on it return an
// error matching [net.ErrClosed], as later calls do. A second Close
// returns such an error too. It does not suspend.
func (c *Conn) Close() error {
	if err := c.onLoop("close"); err != nil {
		return err
	}
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	c.closed = true
	for _, d := range [...]*connWait{&c.rd, &c.wd} {
		if d.scope != nil {
			d.scope.Cancel()
		}
	}
	return c.w.Close()
}

// CloseWrite closes the writing side once the bytes written are sent (a
// half-close, as [net.TCPConn.CloseWrite]); Read goes on. It does not
// suspend.
func (c *Conn) CloseWrite() error {
	if err := c.onLoop("close"); err != nil {
		return err
	}
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	if err := c.w.WriteEOF(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// LocalAddr returns the connection's local address (the transport's
// "sockname"), nil if it is not known.
func (c *Conn) LocalAddr() net.Addr { return c.addr("sockname") }

// RemoteAddr returns the peer's address (the transport's "peername"), nil
// if it is not known.
func (c *Conn) RemoteAddr() net.Addr { return c.addr("peername") }

func (c *Conn) addr(name string) net.Addr {
	a, _ := c.w.ExtraInfo(name).(net.Addr)
	return a
}

// SetDeadline sets the read and write deadlines (see [Conn]); the zero
// time means none. Call it from the loop's goroutine.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.onLoop("set deadline"); err != nil {
		return err
	}
	c.rd.set(c.loop, t)
	c.wd.set(c.loop, t)
	return nil
}

// SetReadDeadline sets the read deadline (see [Conn]); the zero time
// means none. Call it from the loop's goroutine.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if err := c.onLoop("set deadline"); err != nil {
		return err
	}
	c.rd.set(c.loop, t)
	return nil
}

// SetWriteDeadline sets the write deadline (see [Conn]); the zero time
// means none. Call it from the loop's goroutine.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if err := c.onLoop("set deadline"); err != nil {
		return err
	}
	c.wd.set(c.loop, t)
	return nil
}

var _ net.Conn = (*Conn)(nil)
