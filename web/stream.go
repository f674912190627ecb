package web

import (
	"errors"
	"strconv"

	"github.com/aio-go/aio"
)

// A StreamResponse sends a response whose body is produced piece by piece
// (aiohttp's web.StreamResponse): [StreamResponse.Prepare] sends the head,
// [StreamResponse.Write] the body's pieces, and [StreamResponse.Finish]
// ends it and returns the [Response] for the handler to return:
//
//	s := web.NewStreamResponse(200)
//	s.Header.Set("Content-Type", "text/plain")
//	if err := s.Prepare(t, r); err != nil {
//		return nil, err
//	}
//	for _, line := range lines {
//		if err := s.Write(t, line); err != nil {
//			return nil, err
//		}
//	}
//	return s.Finish(t)
//
// The body is chunked unless ContentLength is set before Prepare (or the
// client speaks HTTP/1.0: the body then ends with the connection). A
// StreamResponse is used by its handler's task only, and not after the
// handler returns.
//
// A response to a pipelined request whose predecessors' responses are
// not all out yet is gathered in the server until they are (responses
// leave in request order); Write and Drain then wait while more than the
// transport's high-water mark is gathered, so a stream behind a slow
// response does not grow without bound.
type StreamResponse struct {
	Status int    // the status code; 0 means 200
	Reason string // the reason phrase; "" for the standard one
	Header Header // header fields, sent by Prepare
	// ContentLength, if not negative, is the body's length, sent instead
	// of chunked framing; writing more or less is an error that closes
	// the connection. NewStreamResponse sets -1.
	ContentLength int64

	c       *conn
	ex      *exchange
	resp    Response // what Finish returns: the status and bytes sent, for logs
	buf     []byte   // small writes gathered until Flush
	chunked bool
	noBody  bool // HEAD, 204, 304: writes are dropped
	written int64
	ended   bool
}

// streamBuffer is how many bytes of small writes a StreamResponse gathers
// before it sends them.
const streamBuffer = 4 << 10

var (
	errNotPrepared = errors.New("web: StreamResponse written before Prepare")
	errStreamLen   = errors.New("web: StreamResponse body differs from its ContentLength")
	errClosing     = errors.New("web: the connection closes after this response")
)

// NewStreamResponse returns a StreamResponse with the status, to be sent
// chunked.
func NewStreamResponse(status int) *StreamResponse {
	return &StreamResponse{Status: status, ContentLength: -1}
}

// Prepare sends the head of s as the response to r (aiohttp's
// prepare()). It returns [ErrResponseSent] if r already has a response
// under way, and [aio.ErrTransportClosed] if r's response can no longer
// be sent (the client went away, or an earlier response of a pipeline
// closes the connection).
//
// Cancellation: Prepare does not suspend.
func (s *StreamResponse) Prepare(t *aio.Task, r *Request) error {
	c := r.c
	ex := c.exchangeOf(r)
	switch {
	case ex == nil && c.done: // the connection ends before r's turn
		return aio.ErrTransportClosed
	case ex == nil || ex.stream != nil:
		return ErrResponseSent
	}
	s.c, s.ex = c, ex
	ex.stream = s
	s.resp.Status, s.resp.Reason = s.Status, s.Reason
	status := s.resp.StatusCode()
	keep := r.head.KeepAlive && !c.closesAfter(ex) && !r.head.Upgrade
	s.noBody = bodyless(status) || r.method == "HEAD"
	s.chunked = s.ContentLength < 0 && !bodyless(status) && r.head.Minor == 1
	if s.ContentLength < 0 && !s.chunked && !s.noBody {
		keep = false // an HTTP/1.0 body without a length ends with the connection
	}
	w := &c.ls.w
	s.resp.Header = s.Header
	length := int64(noLength)
	switch {
	case s.ContentLength >= 0 && !bodyless(status):
		length = s.ContentLength
	case s.chunked:
		length = chunkedLength
	}
	c.writeHead(w, r.head.Minor, &s.resp, keep, length)
	bufs, err := w.Buffers()
	if err != nil {
		ex.stream = nil
		return err
	}
	s.resp.sent += ex.send(bufs)
	if !keep {
		ex.last = true // no request begins after this one
	}
	return nil
}

// Write sends p as the body's next piece. Writes of up to 4 KiB are
// gathered and sent together at the next Flush, Drain, Finish or bigger
// write; p may be reused when Write returns. When the connection's
// write buffer is above its high-water mark Write waits for it to drain,
// as aiohttp's write() does (and so it does while more than that mark
// waits for an earlier response of the connection).
//
// Cancellation: if t is cancelled while Write waits for the buffer to
// drain, Write returns an error matching [aio.ErrCancelled]; p was
// accepted.
func (s *StreamResponse) Write(t *aio.Task, p []byte) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.noBody || len(p) == 0 {
		return nil
	}
	if s.ContentLength >= 0 && s.written+int64(len(s.buf)+len(p)) > s.ContentLength {
		return errStreamLen
	}
	if len(s.buf)+len(p) <= streamBuffer {
		s.buf = append(s.buf, p...)
	} else {
		if err := s.Flush(); err != nil {
			return err
		}
		if err := s.sendPiece(p); err != nil {
			return err
		}
	}
	if s.ex.throttled() {
		return s.Drain(t)
	}
	return nil
}

// Flush sends the gathered small writes now, without waiting.
func (s *StreamResponse) Flush() error {
	if err := s.check(); err != nil {
		return err
	}
	if len(s.buf) == 0 {
		return nil
	}
	err := s.sendPiece(s.buf)
	s.buf = s.buf[:0]
	return err
}

// Drain flushes, then waits while the connection's write buffer is above
// its high-water mark (aiohttp's drain()). Behind an earlier response of
// the connection that is not out yet, it waits while more than the
// high-water mark of this response is gathered in the server; once the
// earlier responses are out, what was gathered goes to the transport and
// Drain waits as it does then for any response.
//
// Cancellation: if t is cancelled while Drain waits, it returns an error
// matching [aio.ErrCancelled]; what was written stays buffered (in the
// transport, or gathered in the server until it is this response's
// turn), and goes out unless the handler fails.
func (s *StreamResponse) Drain(t *aio.Task) error {
	if err := s.Flush(); err != nil {
		return err
	}
	return s.ex.waitWrite(t, (*exchange).unthrottled)
}

// waitHead waits until the earlier responses of the connection are out,
// so that s writes straight to the transport (sendfile cannot be
// gathered).
//
// Cancellation: if t is cancelled while waitHead waits, it returns an
// error matching [aio.ErrCancelled].
func (s *StreamResponse) waitHead(t *aio.Task) error {
	return s.ex.waitWrite(t, (*exchange).atHead)
}

// Finish ends the body (the last chunk of a chunked one) and returns the
// Response for the handler to return (aiohttp's write_eof()).
//
// Cancellation: Finish does not suspend.
func (s *StreamResponse) Finish(t *aio.Task) (*Response, error) {
	if err := s.end(); err != nil {
		return nil, err
	}
	return &s.resp, nil
}

func (s *StreamResponse) check() error {
	switch {
	case s.c == nil:
		return errNotPrepared
	case s.ended:
		return ErrResponseSent
	case s.ex.gone():
		return aio.ErrTransportClosed
	}
	return nil
}

// sendPiece sends one piece of the body, framed as a chunk if chunked.
func (s *StreamResponse) sendPiece(p []byte) error {
	s.written += int64(len(p))
	if !s.chunked {
		s.resp.sent += int64(len(p))
		return s.ex.write(p)
	}
	var hdr [20]byte
	h := strconv.AppendInt(hdr[:0], int64(len(p)), 16)
	h = append(h, '\r', '\n')
	s.resp.sent += s.ex.send([][]byte{h, p, crlf})
	return nil
}

var (
	crlf      = []byte("\r\n")
	lastChunk = []byte("0\r\n\r\n")
)

// end flushes and ends the body.
func (s *StreamResponse) end() error {
	if err := s.Flush(); err != nil {
		return err
	}
	s.ended = true
	if s.ContentLength >= 0 && s.written != s.ContentLength && !s.noBody {
		return errStreamLen
	}
	if s.chunked && !s.noBody {
		s.resp.sent += s.ex.send([][]byte{lastChunk})
	}
	return nil
}

// finish is the server's end of a stream once its handler returned: it
// ends a body the handler left open, unless the handler failed, and
// reports whether the connection may carry another request.
func (s *StreamResponse) finish(err error) error {
	if err != nil && !s.ended {
		s.c.report(nil, "web: streaming handler failed after the head was sent", err)
		return err
	}
	if !s.ended {
		if err := s.end(); err != nil {
			return err
		}
	}
	if s.ex.last {
		return errClosing // the head said the connection closes
	}
	return nil
}
