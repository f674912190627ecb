package web

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// conn is the protocol of one HTTP/1.1 connection. It parses in its
// callbacks and runs each request's handler in a task from its
// exchange's TaskSlot, started inside DataReceived (or wherever the
// input that completes the head is parsed).
//
// Pipelined requests run concurrently, answered in order. The requests
// in flight form a queue of exchanges (pipeline.go): the head, the
// oldest, writes its response straight to the transport; the others
// gather theirs in the exchange until the head's response is out, so
// the wire order is the request order even when a later handler ends
// first. A request begins while the one before it is in flight only
// when that one's body is wholly parsed (no body, or the handler read it
// to its end), since until then the input's position is the body's; the
// one before it goes on with the next requests when it ends. At most
// maxInFlight run at once; past that the connection stops parsing.
//
// Cancellation: when the client goes away, ConnectionLost cancels the
// task of every handler in flight. When a response ends the connection
// (Connection: close, a panic, an unread body, a parse error), the
// handlers of the requests begun after it are cancelled at once, since
// their responses would never be sent. Either way an exchange goes back
// to the pool when its handler returns, and what the handler does
// meanwhile (Read, Prepare, Write) fails with aio.ErrTransportClosed.
// A handler cancelled otherwise (a shutdown past its grace period)
// answers 503 in its turn.
//
// A handler that does not suspend runs to its end inside DataReceived,
// its response written into the transport's gathered write, and the
// next pipelined request of the same read follows in the same callback
// with the same exchange, so their responses leave in one send. The end
// of the client's input ends the connection (its ConnectionLost cancels
// every handler in flight), as in aiohttp: a client that half-closes is
// taken to have gone.
//
// An idle connection (no request begun) holds no exchange: no parser
// buffer, no input buffer, no task.
type conn struct {
	ls       *loopState
	tr       aio.Transport
	ex       *exchange // the head of the queue (the oldest request); nil while idle
	tail     *exchange // the newest request: its parser owns the input's position
	idx      int       // in ls.conns
	since    time.Duration
	lingered int32 // bytes dropped while lingering
	n        uint8 // exchanges in the queue

	pumping     bool // pump is running: what ends meanwhile leaves the parsing to it
	partial     bool // a request's head has begun
	bodyWait    bool // the tail's handler waits for body bytes
	closing     bool // graceful shutdown: close after the requests in flight
	done        bool // no more requests: the connection closes after the queue's responses
	lost        bool // ConnectionLost has run
	paused      bool // reading paused: the input held is large
	lingering   bool // the response is out; input is dropped until the client closes
	writePaused bool
}

// exchange is what a connection needs for one request: the parser
// (whose buffer holds the head for the exchange's lifetime, since the
// next request has an exchange of its own), the Request, the task slot,
// the response gathered while it waits for its turn and, for the tail,
// the input. Exchanges are pooled per loop.
type exchange struct {
	c    *conn
	next *exchange // the request after this one on the connection
	p    http1.Parser
	req  Request
	slot aio.TaskSlot
	run  func(t *aio.Task) error // ex.serve, made once
	task *aio.Task

	in        []byte // the tail's input, held while parsing waits (a handler reading its body, a full queue)
	off       int    // what of in was parsed
	borrow    []byte // DataReceived's input, while the tasks run inside it
	borrowing bool
	pending   []byte // the response, written while an earlier one is under way

	wake      aio.Event // body bytes came (or EOF, or a body timeout)
	writeWake aio.Event // the transport's buffer drained, or the exchange became the head
	running   bool      // the handler's task is in flight
	ended     bool      // the handler returned; its response is complete
	last      bool      // the connection ends with this response
	linger    bool      // ... with the client possibly still sending (finish)
	orphan    bool      // dropped while in flight: its response is never sent
	bodyDone  bool      // the request's EventEnd was parsed
	bodyErr   error     // the body cannot be read: sticky
	continued bool      // 100 Continue was sent
	stream    *StreamResponse
}

// maxHeld is how much input a busy connection holds before it stops
// reading. Reading resumes when the tail's handler waits for body bytes
// or the requests held have all begun.
const maxHeld = 64 << 10

func (c *conn) ConnectionMade(tr aio.Transport) {
	c.tr = tr
	c.ls.add(c)
}

func (c *conn) DataReceived(data []byte) {
	if c.done {
		if c.lingering {
			if c.lingered += int32(min(len(data), maxLinger)); c.lingered > maxLinger {
				c.tr.Close()
			}
		}
		return
	}
	if c.tail == nil {
		ex := c.ls.getExchange(c)
		c.ex, c.tail, c.n = ex, ex, 1
	}
	ex := c.tail
	if ex.off < len(ex.in) || ex.running && !ex.bodyDone {
		// The tail's handler owns the input, or parsing waits for room.
		ex.hold(data)
		ex.wake.Set()
		c.pauseIfFull()
		return
	}
	ex.borrow, ex.borrowing = data, true
	c.pump()
	if ex = c.tail; ex != nil {
		rest := ex.borrow
		ex.borrow, ex.borrowing = nil, false
		if len(rest) > 0 && !c.done {
			ex.in, ex.off = append(ex.in[:0], rest...), 0
			c.pauseIfFull()
		}
	}
	c.settle()
}

// pauseIfFull stops reading while the input held is large.
func (c *conn) pauseIfFull() {
	if ex := c.tail; len(ex.in)-ex.off > maxHeld && !c.paused {
		c.paused = true
		c.tr.PauseReading()
	}
}

// pump parses the input at hand and starts the handlers of the requests
// in it, for as long as the tail lets the next request begin. What ends
// inside a handler it starts leaves the parsing to it.
func (c *conn) pump() {
	if c.pumping {
		return
	}
	c.pumping = true
	for c.nextExchange() && c.nextHead() {
		c.start(c.tail)
	}
	c.pumping = false
}

// start runs the handler of the request whose head ex just parsed.
func (c *conn) start(ex *exchange) {
	c.begin(ex)
	ex.slot.Start(c.ls.loop, ex.run)
}

// begin readies ex for the handler of the request whose head it just
// parsed.
func (c *conn) begin(ex *exchange) {
	ex.bodyDone, ex.bodyErr, ex.continued, ex.stream = false, nil, false, nil
	ex.last, ex.linger = false, false
	if _, ev, _, err := ex.p.Feed(nil); ev == http1.EventEnd && err == nil {
		ex.bodyDone = true // no body: the input's position is the next request's
	}
	ex.running = true
}

func (c *conn) ConnectionLost(error) {
	c.lost, c.done = true, true
	c.ls.remove(c)
	c.cut(nil)
}

// CloseWhenIdle implements [aio.IdleCloser]: the connection closes after
// the responses in flight, or now.
func (c *conn) CloseWhenIdle() {
	c.closing = true
	c.settle()
}

func (c *conn) PauseWriting() { c.writePaused = true }

func (c *conn) ResumeWriting() {
	c.writePaused = false
	if c.ex != nil {
		c.ex.writeWake.Set()
	}
}

// settle is the bookkeeping once the requests at hand have begun: a
// closing connection with nothing in flight closes, reading resumes once
// the input held is used up, and an idle connection gives its exchange
// back.
func (c *conn) settle() {
	ex := c.tail
	switch {
	case c.done || c.pumping:
		return
	case c.closing && !c.busy():
		c.done = true
		c.tr.Close()
		return
	case ex == nil || ex.off < len(ex.in):
		return
	case c.paused:
		c.paused = false
		c.tr.ResumeReading()
	}
	if c.ex == ex && !ex.running && !c.partial {
		c.since = c.ls.now
		c.ls.putExchange(ex)
		c.ex, c.tail, c.n = nil, nil, 0
	}
}

// checkDeadline ends what has waited too long (see loopState.sweep).
func (c *conn) checkDeadline(now time.Duration) {
	ls := c.ls
	switch {
	case c.lingering:
		if ls.expired(c.since, lingerTime) {
			c.tr.Close()
		}
	case c.done:
	case c.busy():
		if c.bodyWait && ls.expired(c.since, ls.cfg.bodyTimeout) {
			c.tail.bodyErr = ErrBodyTimeout
			c.tail.wake.Set()
		}
	case c.partial && ls.expired(c.since, ls.cfg.headerTimeout),
		!c.partial && ls.expired(c.since, ls.cfg.idleTimeout):
		c.done = true
		c.tr.Close()
	}
}

// nextHead parses the tail's input up to the next request head and
// reports whether there is one. Input that ends inside a head is
// consumed (the parser keeps it); a malformed request is answered, after
// the responses before it, and the connection closed.
func (c *conn) nextHead() bool {
	for {
		ev, consumed, err := c.tail.advance()
		switch {
		case err != nil:
			c.parseError(err)
			return false
		case ev == http1.EventHead:
			c.partial = false
			return true
		case ev == http1.EventNone:
			if consumed && !c.partial {
				c.partial = true
				c.since = c.ls.now
			}
			return false
		}
	}
}

// advance feeds the input at hand to the parser, dropping body bytes,
// up to a head, the end of a message, the end of the input or an error;
// consumed says whether it took any input.
func (ex *exchange) advance() (ev http1.Event, consumed bool, err error) {
	for {
		var n int
		n, ev, _, err = ex.p.Feed(ex.input())
		ex.consume(n)
		consumed = consumed || n > 0
		if err != nil || ev != http1.EventBody {
			return ev, consumed, err
		}
	}
}

// serve is the body of a request's task: the handler and the response;
// then the responses that waited for this one go out, and the requests
// that waited for it (its body, or room in the queue) begin.
func (ex *exchange) serve(t *aio.Task) error {
	c := ex.c
	for {
		ex.task = t
		c.handle(ex, t)
		ex.task, ex.running = nil, false
		if ex.orphan {
			c.ls.putExchange(ex)
			return nil
		}
		ex.ended = true
		// ex may go back to the pool in retire, and be taken again in
		// pump: it is not touched below unless it is still the only one.
		c.retire()
		if !c.pumping {
			c.pump()
			c.settle()
			return nil
		}
		if !c.followsInline(ex, t) {
			return nil
		}
		c.begin(ex)
	}
}

// followsInline reports whether the next request of the input at hand
// has its head parsed into ex, for the task that has just served ex's
// request to go on with it, inside pump: the same exchange serves it
// anyway (ex is the only one in the queue, ended), the task is as good
// as a fresh one (TaskSlot.Again), and running it here spares a task
// start and two coroutine switches per pipelined request. What it
// leaves undone (a partial head, a full queue) pump sees as if it had
// tried itself.
func (c *conn) followsInline(ex *exchange, t *aio.Task) bool {
	return c.ex == ex && c.tail == ex && ex.slot.Again(t) && c.nextExchange() && c.tail == ex && c.nextHead()
}

// handle runs the handler of the request ex just parsed and writes its
// response (gathered in ex if an earlier response is under way).
func (c *conn) handle(ex *exchange, t *aio.Task) {
	ls := c.ls
	var start time.Time
	if ls.cfg.accessLog != nil {
		start = time.Now()
	}
	r := &ex.req
	r.begin(c, ex.p.Request(), start)
	r.task = t
	resp, err, panicked := c.call(t, r)
	if ex.gone() {
		if resp != nil {
			resp.release()
		}
		return
	}
	if !ex.bodyDone && ex.bodyErr == nil {
		ex.skipBody()
	}
	keep := r.head.KeepAlive && ex.bodyDone && !panicked && !r.head.Upgrade && !c.closesAfter(ex)
	if s := ex.stream; s != nil {
		keep = keep && s.finish(err) == nil
		resp = &s.resp
	} else {
		if resp != nil && err == nil && resp.StatusCode() < 200 {
			c.report(t, "web: handler of "+r.String()+" returned an informational status as its response", nil)
			resp.release()
			resp, err = nil, ErrInternalServerError
		}
		if resp == nil || err != nil {
			resp = c.errorResponse(t, r, err, panicked)
		}
		resp.sent = ex.writeResponse(r.method, r.head.Minor, resp, keep)
	}
	if ls.cfg.accessLog != nil {
		ls.cfg.accessLog(r, resp)
	}
	if resp != nil {
		resp.release()
	}
	if !keep {
		c.endWith(ex, !ex.bodyDone)
	} else {
		c.since = ls.now
	}
}

// closesAfter reports whether the connection closes after ex's response
// for a graceful shutdown: ex is the last request begun.
func (c *conn) closesAfter(ex *exchange) bool {
	return c.closing && (ex.next == nil || !ex.next.started())
}

// endWith makes ex's response the connection's last: no request begins
// after it, and those begun after it are dropped.
func (c *conn) endWith(ex *exchange, linger bool) {
	ex.last, ex.linger = true, linger
	c.done = true
	c.cut(ex)
}

// call runs the app's handler for r, turning a panic into an error.
func (c *conn) call(t *aio.Task, r *Request) (resp *Response, err error, panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			if c.ls.loop.IsClosed() {
				panic(p) // the loop is unwinding its tasks: let it
			}
			resp, err, panicked = nil, fmt.Errorf("web: panic in the handler of %s: %v\n%s", r, p, debug.Stack()), true
		}
	}()
	resp, err = c.ls.cfg.app.dispatch(t, r)
	return resp, err, false
}

// errorResponse is the answer to a handler's error.
func (c *conn) errorResponse(t *aio.Task, r *Request, err error, panicked bool) *Response {
	var he *HTTPError
	switch {
	case panicked:
		c.report(t, "web: handler panicked", err)
		he = ErrInternalServerError
	case errors.As(err, &he):
	case errors.Is(err, ErrBodyTooLarge):
		he = ErrPayloadTooLarge
	case errors.Is(err, ErrBodyTimeout):
		he = ErrRequestTimeout
	case errors.Is(err, aio.ErrCancelled):
		he = ErrServiceUnavailable
	case err == nil:
		c.report(t, "web: handler of "+r.String()+" returned neither a response nor an error", nil)
		he = ErrInternalServerError
	default:
		c.report(t, "web: error in the handler of "+r.String(), err)
		he = ErrInternalServerError
	}
	return he.response()
}

// response renders e as a Response.
func (e *HTTPError) response() *Response {
	resp := NewResponse(e.Status)
	for name, v := range e.Header.All() {
		resp.Header.Add(name, v)
	}
	resp.Header.Add("Content-Type", "text/plain; charset=utf-8")
	resp.bodyStr = e.body()
	return resp
}

func (c *conn) report(t *aio.Task, msg string, err error) {
	c.ls.loop.CallExceptionHandler(aio.ExceptionContext{Message: msg, Err: err, Task: t})
}

// parseError answers a request the parser refused, in its turn, then
// closes. The tail, which was parsing it, carries the answer.
func (c *conn) parseError(err error) {
	status := 400
	var pe *http1.Error
	if errors.As(err, &pe) {
		status = pe.Status
	}
	ex := c.tail
	resp := (&HTTPError{Status: status}).response()
	ex.writeResponse("", 1, resp, false)
	resp.release()
	ex.ended = true
	c.endWith(ex, true)
	c.retire()
}

// maxLinger and lingerTime bound the bytes read and dropped, and the
// time spent, after a response that ends the connection while the client
// may still be sending (nginx's lingering_timeout is 5 s too).
const (
	maxLinger  = 8 << 20
	lingerTime = 5 * time.Second
)

// finish ends the connection after the response just written. With
// linger, the client may still be sending (a body the server refused or
// did not read): closing at once would reset the connection and could
// destroy the response before the client reads it, so the server shuts
// its writing side and drops what comes, up to maxLinger or lingerTime,
// before closing.
func (c *conn) finish(linger bool) {
	c.done = true
	if !linger || !c.tr.CanWriteEOF() {
		c.tr.Close()
		return
	}
	c.lingering, c.since = true, c.ls.now
	if c.paused {
		c.paused = false
		c.tr.ResumeReading()
	}
	c.tr.WriteEOF()
}

// writeResponse writes resp's head and body and returns the bytes
// written. method "" means no request could be read.
func (ex *exchange) writeResponse(method string, minor int, resp *Response, keep bool) int64 {
	c := ex.c
	w := &c.ls.w
	body := resp.bodyBytes()
	status := resp.StatusCode()
	length := int64(len(body))
	if bodyless(status) {
		length = noLength
	}
	c.writeHead(w, minor, resp, keep, length)
	if bodyless(status) || method == "HEAD" {
		w.OmitBody()
	}
	w.Body(body)
	w.End(nil)
	bufs, err := w.Buffers()
	if err != nil {
		c.report(nil, "web: invalid response", err)
		w.Reset()
		w.StatusLine(500, "")
		w.Date(&c.ls.date)
		w.Header("Content-Length", "0")
		w.EndHead()
		bufs, _ = w.Buffers()
	}
	return ex.send(bufs)
}

// The framing of a response head, for writeHead: a Content-Length of
// length >= 0, or one of these.
const (
	noLength      = -1 // none: a bodyless status, or a body that ends with the connection
	chunkedLength = -2 // Transfer-Encoding: chunked
)

// writeHead writes a response's head in w: status line, Date, the
// response's fields, Connection where it is not the version's default,
// and the framing. The loop's headMemo gives what the last head had
// alike in one copy.
func (c *conn) writeHead(w *http1.Writer, minor int, resp *Response, keep bool, length int64) {
	w.Reset()
	m := &c.ls.head
	switch {
	case !m.matches(resp, minor, keep):
		startHead(w, &c.ls.date, minor, resp, keep)
		m.save(w, resp, minor, keep)
	case m.full && m.length == length:
		w.UsePrefix(&m.head)
		return
	default:
		w.UsePrefix(&m.prefix)
	}
	switch {
	case length >= 0:
		w.ContentLength(length)
	case length == chunkedLength:
		w.Chunked()
	}
	w.EndHead()
	m.saveHead(w, length)
}

// startHead writes the start of a response's head, up to its framing.
func startHead(w *http1.Writer, date *http1.Date, minor int, resp *Response, keep bool) {
	w.StatusLine(resp.StatusCode(), resp.Reason)
	w.Date(date)
	for _, f := range resp.Header.fields {
		if !reservedField(f.name) {
			w.Header(f.name, f.value)
		}
	}
	switch {
	case !keep:
		w.Header("Connection", "close")
	case minor == 0:
		w.Header("Connection", "keep-alive")
	}
}

// bodyless reports whether a status has no body (RFC 9110 §6.4.1).
func bodyless(status int) bool { return status < 200 || status == 204 || status == 304 }

// reservedField reports whether a field is the server's to write.
func reservedField(name string) bool {
	switch len(name) {
	case len("Connection"):
		return equalFold(name, "Connection")
	case len("Content-Length"):
		return equalFold(name, "Content-Length")
	case len("Transfer-Encoding"):
		return equalFold(name, "Transfer-Encoding")
	}
	return false
}

// readBody reads the next body bytes of r into p (Request.Read). A body
// not wholly parsed is the tail's: its bytes are the input's.
func (c *conn) readBody(t *aio.Task, r *Request, p []byte) (int, error) {
	ex := c.exchangeOf(r)
	if ex == nil || ex.gone() {
		return 0, aio.ErrTransportClosed
	}
	for {
		switch {
		case ex.bodyDone:
			return 0, io.EOF
		case ex.bodyErr != nil:
			return 0, ex.bodyErr
		case len(p) == 0:
			return 0, nil
		}
		in := ex.input()
		lim := in[:min(len(in), len(p))] // a body piece never exceeds its input
		n, ev, body, err := ex.p.Feed(lim)
		k := copy(p, body)
		ex.consume(n)
		switch {
		case err != nil:
			ex.bodyErr = bodyError(err)
		case ev == http1.EventBody:
			return k, nil
		case ev == http1.EventEnd:
			ex.bodyDone = true
			c.pump() // the requests after it may begin now
			c.settle()
		case ev == http1.EventNone && len(lim) == 0:
			if err := c.waitBody(t, ex); err != nil {
				return 0, err
			}
		}
	}
}

// waitBody waits for more input for the tail ex.
func (c *conn) waitBody(t *aio.Task, ex *exchange) error {
	if ex.req.head.Expect100 && !ex.continued {
		ex.continued = true
		ex.write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
	}
	if c.paused {
		c.paused = false
		c.tr.ResumeReading()
	}
	ex.wake.Clear()
	c.bodyWait, c.since = true, c.ls.now
	err := ex.wake.Wait(t)
	c.bodyWait = false
	return err
}

// bodyError is the error a parser error gives body readers.
func bodyError(err error) error {
	if errors.Is(err, http1.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrBodyTooLarge, err)
	}
	return &HTTPError{Status: 400, Message: "malformed request body", Err: err}
}

// skipBody parses the rest of an unread body from the input at hand,
// without waiting: a body not all here closes the connection instead.
func (ex *exchange) skipBody() {
	switch ev, _, err := ex.advance(); {
	case err != nil:
		ex.bodyErr = err
	case ev == http1.EventEnd:
		ex.bodyDone = true
	}
}

// input is what is left to parse.
func (ex *exchange) input() []byte {
	if ex.borrowing {
		return ex.borrow
	}
	return ex.in[ex.off:]
}

func (ex *exchange) consume(n int) {
	if ex.borrowing {
		ex.borrow = ex.borrow[n:]
		return
	}
	ex.off += n
	if ex.off == len(ex.in) {
		ex.in, ex.off = ex.in[:0], 0
	}
}

// hold appends data to the input held while parsing waits.
func (ex *exchange) hold(data []byte) {
	if ex.off > 0 && ex.off >= len(ex.in)/2 {
		n := copy(ex.in, ex.in[ex.off:])
		ex.in, ex.off = ex.in[:n], 0
	}
	ex.in = append(ex.in, data...)
}
