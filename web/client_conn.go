package web

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// Read buffering of a connection: the transport reads straight into the
// connection's buffer (it is a BufferedProtocol), which starts at
// clientReadChunk and grows as needed; past clientMaxBuffered unread
// bytes the transport is paused until the response's reader catches up.
const (
	clientReadChunk   = 16 << 10
	clientMinRead     = 2 << 10
	clientMaxBuffered = 256 << 10
	clientStreamChunk = 32 << 10 // a piece of a request body read from a stream
)

// clientConn is one pooled HTTP/1.1 connection: the protocol of its
// transport and the state of the request it carries. The protocol side
// only buffers bytes and notes events; the task of the request (or of the
// response's reader) parses, so body bytes go from the connection's
// buffer straight into the reader's.
type clientConn struct {
	c      *Client
	key    clientKey
	tr     aio.Transport
	parser http1.Parser
	w      http1.Writer

	// in holds the bytes read; in[off:] are not yet parsed and
	// in[rest:restEnd] are body bytes parsed but not yet read.
	in            []byte
	off           int
	rest, restEnd int

	eof, lost   bool
	lostErr     error
	paused      bool // reading paused by us (flow control)
	writePaused bool
	finished    bool // parser.Finish was called

	ev      aio.Event // input, end, loss, writability or deadline, for the waiting task
	waiting bool

	deadline time.Duration // of the wait or of the idle time; aio.NoDeadline if none
	timed    bool          // in the client's timer list
	expired  bool

	idle     bool // in the pool's idle list
	gone     bool // the pool has forgotten it
	broken   bool // must not carry another request
	served   int  // responses completed
	gotBytes bool // a byte of the current response came

	// Of the current request.
	total    time.Duration // the request's total deadline
	sockRead time.Duration
	scratch  []byte // for a body read from a stream
}

func newClientConn(c *Client, key clientKey) *clientConn {
	cn := &clientConn{c: c, key: key, deadline: aio.NoDeadline, in: make([]byte, 0, clientReadChunk)}
	cn.parser.Init(http1.Responses, c.cfg.parser)
	return cn
}

// ConnectionMade keeps the transport, and the pool the connection.
func (cn *clientConn) ConnectionMade(tr aio.Transport) {
	cn.tr = tr
	cn.c.pool.all[cn] = struct{}{}
}

// GetBuffer returns the free end of the connection's buffer, making room
// first: the bytes already read out are dropped, and the buffer grows if
// that is not enough.
func (cn *clientConn) GetBuffer(int) []byte {
	if cap(cn.in)-len(cn.in) < clientMinRead {
		cn.makeRoom()
	}
	return cn.in[len(cn.in):cap(cn.in)]
}

// kept is where the bytes still needed start: the body bytes not yet
// read, else the bytes not yet parsed.
func (cn *clientConn) kept() int {
	if cn.rest < cn.restEnd {
		return cn.rest
	}
	return cn.off
}

// makeRoom drops the bytes no longer needed from the buffer's front and
// grows it if that leaves too little room. Body bytes not yet read may
// be out as a view ([ClientResponse.Chunks] yields them while its caller
// runs, maybe awaiting): then the rest moves to a new array, so that the
// view keeps its bytes.
func (cn *clientConn) makeRoom() {
	keep := cn.kept()
	dst := cn.in
	if size := cap(cn.in); cn.rest < cn.restEnd || size-(len(cn.in)-keep) < clientMinRead {
		if size-(len(cn.in)-keep) < clientMinRead {
			size *= 2
		}
		dst = make([]byte, 0, max(size, clientReadChunk))
	}
	n := copy(dst[:cap(dst)], cn.in[keep:])
	cn.in = dst[:n]
	cn.off -= keep
	if cn.rest < cn.restEnd {
		cn.rest, cn.restEnd = cn.rest-keep, cn.restEnd-keep
	} else {
		cn.rest, cn.restEnd = 0, 0
	}
}

// BufferUpdated takes n bytes read into the buffer. Bytes on an idle
// connection are a protocol error (nothing was asked): it is closed.
func (cn *clientConn) BufferUpdated(n int) {
	cn.in = cn.in[:len(cn.in)+n]
	if cn.idle {
		cn.abort()
		return
	}
	cn.gotBytes = true
	if !cn.paused && len(cn.in)-cn.kept() >= clientMaxBuffered {
		cn.paused = true
		cn.tr.PauseReading()
	}
	cn.wake()
}

// DataReceived copies data into the buffer, for transports that hand
// over their own buffers.
func (cn *clientConn) DataReceived(data []byte) {
	for len(data) > 0 && !cn.gone {
		k := copy(cn.GetBuffer(len(data)), data)
		data = data[k:]
		cn.BufferUpdated(k)
	}
}

// EOFReceived notes the server's end of stream; the transport closes.
func (cn *clientConn) EOFReceived() bool {
	cn.eof = true
	cn.wake()
	return false
}

// ConnectionLost notes the loss; the pool forgets the connection.
func (cn *clientConn) ConnectionLost(err error) {
	cn.lost, cn.lostErr = true, err
	cn.forget()
	cn.wake()
}

// PauseWriting and ResumeWriting track the transport's write buffer, for
// a body sent from a stream.
func (cn *clientConn) PauseWriting() { cn.writePaused = true }

func (cn *clientConn) ResumeWriting() {
	cn.writePaused = false
	cn.wake()
}

func (cn *clientConn) wake() {
	if cn.waiting {
		cn.ev.Set()
	}
}

// usable reports whether the connection may carry another request.
func (cn *clientConn) usable() bool {
	return !cn.eof && !cn.lost && !cn.broken && !cn.gone && cn.off == len(cn.in)
}

// abort closes the connection at once and frees its slot in the pool.
func (cn *clientConn) abort() {
	if !cn.lost && cn.tr != nil {
		cn.tr.Abort()
	}
	cn.forget()
}

// forget takes the connection out of the pool's count, once.
func (cn *clientConn) forget() {
	if cn.gone {
		return
	}
	cn.gone = true
	delete(cn.c.pool.all, cn)
	cn.c.pool.removeIdle(cn)
	cn.c.pool.unreserve(cn.c, cn.key)
}

// expire is called by the client's timer when the deadline passed: an
// idle connection is closed, a waiting task woken.
func (cn *clientConn) expire() {
	if cn.idle {
		cn.abort()
		return
	}
	cn.expired = true
	cn.wake()
}

// begin readies the connection for a request.
func (cn *clientConn) begin(ex *clientExchange) {
	cn.total, cn.sockRead = ex.deadline, ex.tm.SockRead
	cn.gotBytes = false
	cn.rest, cn.restEnd = 0, 0
	cn.parser.SetRequestMethod(ex.method)
}

// wait suspends t until the protocol side has news, the request's
// deadline (total, or per read), or until (the wait for "100 Continue").
func (cn *clientConn) wait(t *aio.Task, until time.Duration) error {
	now := cn.c.loop.Time()
	when := min(cn.total, until)
	if cn.sockRead > 0 && cn.sockRead != aio.NoTimeout {
		when = min(when, cn.c.deadline(cn.sockRead))
	}
	if when <= now {
		return cn.timedOut(now, until)
	}
	if cn.paused {
		cn.paused = false
		cn.tr.ResumeReading()
	}
	cn.c.timers.set(cn, when)
	cn.ev.Clear()
	cn.waiting, cn.expired = true, false
	err := cn.ev.Wait(t)
	cn.waiting = false
	cn.deadline = aio.NoDeadline // dropped from the timer's list lazily
	if err != nil {
		return err
	}
	if cn.expired {
		cn.expired = false
		return cn.timedOut(cn.c.loop.Time(), until)
	}
	return nil
}

// timedOut is the error of a wait whose deadline passed at now.
func (cn *clientConn) timedOut(now, until time.Duration) error {
	switch {
	case now >= cn.total:
		return fmt.Errorf("%w (total)", ErrClientTimeout)
	case now >= until:
		return clientErrContinue
	}
	return fmt.Errorf("%w (read)", ErrClientTimeout)
}

// next parses what is buffered and returns the parser's next event,
// waiting for input as needed; a body event leaves its bytes in
// in[rest:restEnd]. until is as for wait.
func (cn *clientConn) next(t *aio.Task, until time.Duration) (http1.Event, error) {
	for {
		ev, err := cn.step()
		if err != nil || ev != http1.EventNone {
			return ev, err
		}
		if cn.eof || cn.lost {
			return cn.ended()
		}
		if err := cn.wait(t, until); err != nil {
			return http1.EventNone, err
		}
	}
}

// step parses what is buffered without waiting: EventNone means all of
// it was consumed and more is needed.
func (cn *clientConn) step() (http1.Event, error) {
	n, ev, body, err := cn.parser.Feed(cn.in[cn.off:])
	cn.off += n
	if err != nil {
		cn.broken = true
		return http1.EventNone, fmt.Errorf("%w: %w", ErrClientBadResponse, err)
	}
	switch ev {
	case http1.EventBody:
		cn.restEnd = cn.off
		cn.rest = cn.off - len(body)
	case http1.EventNone:
		if cn.rest == cn.restEnd { // everything was used: start over
			cn.in, cn.off = cn.in[:0], 0
			cn.rest, cn.restEnd = 0, 0
		}
	}
	return ev, nil
}

// ended is the outcome of the server's end of stream: the end of a body
// delimited by it, or an error.
func (cn *clientConn) ended() (http1.Event, error) {
	cn.broken = true
	if cn.lostErr != nil {
		return http1.EventNone, fmt.Errorf("%w: %w", ErrClientConnClosed, cn.lostErr)
	}
	if cn.finished {
		return http1.EventNone, ErrClientConnClosed
	}
	cn.finished = true
	ev, err := cn.parser.Finish()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http1.EventNone, fmt.Errorf("%w in the middle of the response: %w", ErrClientConnClosed, io.ErrUnexpectedEOF)
	case err != nil:
		return http1.EventNone, fmt.Errorf("%w: %w", ErrClientBadResponse, err)
	case ev == http1.EventEnd:
		return ev, nil
	}
	return http1.EventNone, ErrClientConnClosed
}

// drain waits while the transport's write buffer is above its high-water
// mark.
func (cn *clientConn) drain(t *aio.Task) error {
	for cn.writePaused && !cn.lost {
		if err := cn.wait(t, aio.NoDeadline); err != nil {
			return err
		}
	}
	if cn.lost {
		return fmt.Errorf("%w: %w", ErrClientConnClosed, clientLostErr(cn.lostErr))
	}
	return nil
}

func clientLostErr(err error) error {
	if err == nil {
		return net.ErrClosed
	}
	return err
}

// hostPort is the address to dial for u: its host and port, the scheme's
// default port if it has none.
func clientHostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}
