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
// exchange's TaskSlot, started inside DataReceived: a handler that does
// not suspend runs to its end there, its response written into the
// transport's gathered write, and pipelined requests that came in the
// same read follow in the same callback, so their responses leave in one
// send. A handler that suspends keeps the rest of the input in the
// exchange; its task then goes on with the connection's next requests
// itself. The end of the client's input ends the connection (its
// ConnectionLost cancels a handler in flight), as in aiohttp: a client
// that half-closes is taken to have gone. Requests are handled one at a time, in order, as aiohttp does:
// responses leave in the order of the requests.
//
// An idle connection (no request begun) holds no exchange: no parser
// buffer, no input buffer, no task.
type conn struct {
	ls    *loopState
	tr    aio.Transport
	ex    *exchange // nil while idle
	idx   int       // in ls.conns
	since time.Duration

	busy        bool // a handler's task is in flight
	partial     bool // a request's head has begun
	bodyWait    bool // the handler waits for body bytes
	closing     bool // graceful shutdown: close after the request in flight
	done        bool // no more requests: the connection is closing
	lost        bool // ConnectionLost has run
	paused      bool // reading paused: the input held is large
	lingering   bool // the response is out; input is dropped until the client closes
	lingered    int  // bytes dropped while lingering
	writePaused bool
}

// exchange is what a connection needs while it has a request: the parser
// (whose buffer holds the head), the Request, the task slot, and the
// input held while a handler runs. Exchanges are pooled per loop.
type exchange struct {
	c    *conn
	p    http1.Parser
	req  Request
	slot aio.TaskSlot
	run  func(t *aio.Task) error // ex.serve, made once
	task *aio.Task

	in        []byte // input held while a handler task is suspended
	off       int    // what of in was parsed
	borrow    []byte // DataReceived's input, while the task runs inside it
	borrowing bool

	wake      aio.Event // body bytes came (or EOF, or a body timeout)
	writeWake aio.Event // the transport's buffer drained
	bodyDone  bool      // the request's EventEnd was parsed
	bodyErr   error     // the body cannot be read: sticky
	continued bool      // 100 Continue was sent
	stream    *StreamResponse
}

// maxHeld is how much input a busy connection holds before it stops
// reading. Reading resumes when the handler waits for body bytes or the
// task has handled everything held.
const maxHeld = 64 << 10

func (c *conn) ConnectionMade(tr aio.Transport) {
	c.tr = tr
	c.ls.add(c)
}

func (c *conn) DataReceived(data []byte) {
	if c.done {
		if c.lingering {
			if c.lingered += len(data); c.lingered > maxLinger {
				c.tr.Close()
			}
		}
		return
	}
	if c.ex == nil {
		c.ex = c.ls.getExchange(c)
	}
	ex := c.ex
	if c.busy {
		ex.hold(data)
		ex.wake.Set()
		if len(ex.in)-ex.off > maxHeld && !c.paused {
			c.paused = true
			c.tr.PauseReading()
		}
		return
	}
	ex.borrow, ex.borrowing = data, true
	for !c.done && c.nextHead() {
		c.busy = true
		ex.slot.Start(c.ls.loop, ex.run)
		if c.busy { // the handler suspended: keep the rest of the input
			ex.in = append(ex.in[:0], ex.borrow...)
			ex.off = 0
			break
		}
	}
	ex.borrow, ex.borrowing = nil, false
	if !c.busy {
		c.settle()
	}
}

func (c *conn) ConnectionLost(error) {
	c.lost, c.done = true, true
	c.ls.remove(c)
	switch {
	case c.busy:
		c.ex.task.Cancel() // its end releases the exchange
	case c.ex != nil:
		c.ls.putExchange(c.ex)
		c.ex = nil
	}
}

// CloseWhenIdle implements [aio.IdleCloser]: the connection closes after
// the response in flight, or now.
func (c *conn) CloseWhenIdle() {
	c.closing = true
	if !c.busy && !c.done {
		c.done = true
		c.tr.Close()
	}
}

func (c *conn) PauseWriting() { c.writePaused = true }

func (c *conn) ResumeWriting() {
	c.writePaused = false
	if c.ex != nil {
		c.ex.writeWake.Set()
	}
}

// settle is the bookkeeping after the last handler ended: an idle
// connection gives its exchange back.
func (c *conn) settle() {
	switch {
	case c.lost:
		if c.ex != nil {
			c.ls.putExchange(c.ex)
			c.ex = nil
		}
		return
	case c.done:
		return
	case c.paused:
		c.paused = false
		c.tr.ResumeReading()
	}
	if !c.partial {
		c.since = c.ls.now
		c.ls.putExchange(c.ex)
		c.ex = nil
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
	case c.busy:
		if c.bodyWait && ls.expired(c.since, ls.cfg.bodyTimeout) {
			c.ex.bodyErr = ErrBodyTimeout
			c.ex.wake.Set()
		}
	case c.partial && ls.expired(c.since, ls.cfg.headerTimeout),
		!c.partial && ls.expired(c.since, ls.cfg.idleTimeout):
		c.done = true
		c.tr.Close()
	}
}

// nextHead parses input up to the next request head and reports whether
// there is one. Input that ends inside a head is consumed (the parser
// keeps it); a malformed request is answered and the connection closed.
func (c *conn) nextHead() bool {
	for {
		ev, consumed, err := c.ex.advance()
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

// serve is the body of a request's task: the handler, the response, and
// then, once the task has left the DataReceived call that started it,
// the requests that came meanwhile.
func (ex *exchange) serve(t *aio.Task) error {
	c := ex.c
	ex.task = t
	for {
		c.handle(t)
		if c.done || ex.borrowing || !c.nextHead() {
			break
		}
	}
	c.busy = false
	ex.task = nil
	if !ex.borrowing {
		c.settle()
	}
	return nil
}

// handle runs the handler of the request just parsed and sends its
// response.
func (c *conn) handle(t *aio.Task) {
	ls, ex := c.ls, c.ex
	var start time.Time
	if ls.cfg.accessLog != nil {
		start = time.Now()
	}
	r := &ex.req
	r.begin(c, ex.p.Request(), start)
	r.task = t
	ex.bodyDone, ex.bodyErr, ex.continued, ex.stream = false, nil, false, nil
	resp, err, panicked := c.call(t, r)
	if c.lost {
		if resp != nil {
			resp.release()
		}
		return
	}
	if !ex.bodyDone && ex.bodyErr == nil {
		c.skipBody()
	}
	keep := r.head.KeepAlive && ex.bodyDone && !c.closing && !panicked && !r.head.Upgrade
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
		resp.sent = c.writeResponse(r.method, r.head.Minor, resp, keep)
	}
	if ls.cfg.accessLog != nil {
		ls.cfg.accessLog(r, resp)
	}
	if resp != nil {
		resp.release()
	}
	if !keep {
		c.finish(!ex.bodyDone)
	} else {
		c.since = ls.now
	}
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

// parseError answers a request the parser refused, then closes.
func (c *conn) parseError(err error) {
	status := 400
	var pe *http1.Error
	if errors.As(err, &pe) {
		status = pe.Status
	}
	resp := (&HTTPError{Status: status}).response()
	c.writeResponse("", 1, resp, false)
	resp.release()
	c.finish(true)
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
func (c *conn) writeResponse(method string, minor int, resp *Response, keep bool) int64 {
	w := &c.ls.w
	c.writeHead(w, minor, resp, keep)
	body := resp.bodyBytes()
	status := resp.StatusCode()
	if !bodyless(status) {
		w.ContentLength(int64(len(body)))
	}
	w.EndHead()
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
	return c.send(bufs)
}

// writeHead starts a response in w: status line, Date, the response's
// fields, and Connection where it is not the version's default.
func (c *conn) writeHead(w *http1.Writer, minor int, resp *Response, keep bool) {
	w.Reset()
	w.StatusLine(resp.StatusCode(), resp.Reason)
	w.Date(&c.ls.date)
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

func (c *conn) send(bufs [][]byte) int64 {
	var n int64
	for _, b := range bufs {
		n += int64(len(b))
	}
	c.tr.Writelines(bufs)
	return n
}

// bodyless reports whether a status has no body (RFC 9110 §6.4.1).
func bodyless(status int) bool { return status < 200 || status == 204 || status == 304 }

// reservedField reports whether a field is the server's to write.
func reservedField(name string) bool {
	return equalFold(name, "Content-Length") || equalFold(name, "Transfer-Encoding") ||
		equalFold(name, "Connection")
}

// readBody reads the next body bytes into p (Request.Read).
func (c *conn) readBody(t *aio.Task, p []byte) (int, error) {
	ex := c.ex
	if ex == nil || c.lost {
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
		case ev == http1.EventNone && len(lim) == 0:
			if err := c.waitBody(t); err != nil {
				return 0, err
			}
		}
	}
}

// waitBody waits for more input.
func (c *conn) waitBody(t *aio.Task) error {
	ex := c.ex
	if ex.req.head.Expect100 && !ex.continued {
		ex.continued = true
		c.tr.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
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
func (c *conn) skipBody() {
	ex := c.ex
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

// hold appends data to the input held while a handler runs.
func (ex *exchange) hold(data []byte) {
	if ex.off > 0 && ex.off >= len(ex.in)/2 {
		n := copy(ex.in, ex.in[ex.off:])
		ex.in, ex.off = ex.in[:n], 0
	}
	ex.in = append(ex.in, data...)
}
