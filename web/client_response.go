package web

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// ClientResponse is a response of a [Client] (aiohttp's ClientResponse):
// its status and headers, available once [Client.Do] returns, and its
// body, read with one of Read, Bytes, Text, JSON, Lines, Chunks or
// Reader. Its methods are called from tasks of the client's loop.
//
// The connection goes back to the pool as soon as the body has been read
// to its end; a response without a body (HEAD, 1xx, 204, 304) gives it
// back at once. A response whose body is not read to the end must be
// closed ([ClientResponse.Close]) to free its connection.
//
// Any error while reading the body (a timeout, a cancellation, a
// malformed body) closes the connection, and every later read returns
// the same error.
type ClientResponse struct {
	StatusCode int // 200, 404, ...
	ProtoMinor int // 1 for HTTP/1.1, 0 for HTTP/1.0
	// ContentLength is the body's length from the Content-Length header,
	// -1 if unknown (chunked, until the close, or decoded from gzip or
	// deflate), 0 for no body; for HEAD, the length a GET would have had
	// (from the header; -1 without one), as net/http reports it.
	ContentLength int64
	// Uncompressed reports that the body was sent gzip- or
	// deflate-encoded and is decoded as it is read.
	Uncompressed bool
	URL          *url.URL // the URL that answered, after redirects
	Method       string   // the method that was answered

	c         *Client
	conn      *clientConn // holds the body still to read
	keepAlive bool
	noBody    bool
	closed    bool
	eof       bool // the body's end was reached

	hbuf      []byte        // the reason, then every field's name and value
	reasonEnd int           // hbuf[:reasonEnd] is the reason
	fields    []clientField // header fields, then trailer fields
	nhead     int           // fields[:nhead] are the header's
	header    http.Header   // built when asked
	trailer   http.Header

	err     error // sticky: every later read returns it
	coding  clientCoding
	raw     clientRawBody
	dec     io.Reader // the decoder, once started
	decDone bool
	gz      *gzip.Reader // kept for the next response into this one
	body    []byte       // Bytes' result
	cached  bool

	ex clientExchange // of the Do that fills the response
}

// clientField locates a field's name hbuf[name:value] and value
// hbuf[value:end].
type clientField struct{ name, value, end int32 }

type clientCoding uint8

const (
	clientIdentity clientCoding = iota
	clientGzip
	clientDeflate
)

// clientRawBody is the body before decoding, as an io.Reader for the
// decoders; t is the task of the read in progress.
type clientRawBody struct {
	r *ClientResponse
	t *aio.Task
}

func (b *clientRawBody) Read(p []byte) (int, error) { return b.r.readRaw(b.t, p) }

// setHead takes the final response's head from the parser, copying it:
// the parser's buffer is reused by the connection's next response.
func (r *ClientResponse) setHead(ex *clientExchange, cn *clientConn, h *http1.Response) {
	r.c, r.conn, r.URL, r.Method = ex.c, cn, ex.u, ex.method
	r.StatusCode, r.ProtoMinor, r.ContentLength = h.Status, h.Minor, h.ContentLength
	r.keepAlive = h.KeepAlive && !h.Upgrade
	r.noBody = h.ContentLength == 0 && !h.Chunked && !h.UntilClose
	r.hbuf = append(r.hbuf[:0], h.Reason...)
	r.reasonEnd = len(h.Reason)
	r.fields = r.fields[:0]
	for _, f := range h.Headers {
		r.addField(f)
	}
	r.nhead = len(r.fields)
	r.raw.r = r
	if ex.method == "HEAD" {
		r.ContentLength = -1
		if n, err := strconv.ParseInt(string(r.HeaderValue("Content-Length")), 10, 64); err == nil && n >= 0 {
			r.ContentLength = n
		}
	}
	if ex.decode && !r.noBody {
		if ce := r.HeaderValue("Content-Encoding"); ce != nil {
			switch {
			case clientEqualFold(ce, "gzip") || clientEqualFold(ce, "x-gzip"):
				r.coding = clientGzip
			case clientEqualFold(ce, "deflate"):
				r.coding = clientDeflate
			}
			if r.coding != clientIdentity {
				r.Uncompressed, r.ContentLength = true, -1
			}
		}
	}
}

func (r *ClientResponse) addField(f http1.Header) {
	n := len(r.hbuf)
	r.hbuf = append(r.hbuf, f.Name...)
	v := len(r.hbuf)
	r.hbuf = append(r.hbuf, f.Value...)
	r.fields = append(r.fields, clientField{int32(n), int32(v), int32(len(r.hbuf))})
}

// bodiless ends a response that has no body at once, freeing its
// connection.
func (r *ClientResponse) bodiless() error {
	if !r.noBody {
		return nil
	}
	ev, err := r.conn.step()
	if err != nil {
		return r.fail(err)
	}
	if ev == http1.EventEnd {
		r.end()
	}
	return nil
}

// end takes the trailers and gives the connection back.
func (r *ClientResponse) end() {
	cn := r.conn
	r.conn, r.eof = nil, true
	for _, f := range cn.parser.Trailers() {
		r.addField(f)
	}
	cn.served++
	if r.keepAlive {
		r.c.pool.release(r.c, cn)
	} else {
		cn.abort()
	}
}

// fail records err for every later read and closes the connection.
func (r *ClientResponse) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	if cn := r.conn; cn != nil {
		r.conn = nil
		cn.abort()
	}
	return r.err
}

// reset empties r for another response, keeping its buffers.
func (r *ClientResponse) reset() {
	if r.conn != nil {
		r.Close()
	}
	*r = ClientResponse{gz: r.gz, hbuf: r.hbuf[:0], fields: r.fields[:0], ex: r.ex}
}

// Reason returns the reason phrase of the status line ("OK").
func (r *ClientResponse) Reason() string { return string(r.hbuf[:r.reasonEnd]) }

// Status returns the status code and reason phrase ("200 OK").
func (r *ClientResponse) Status() string {
	return strconv.Itoa(r.StatusCode) + " " + r.Reason()
}

func (r *ClientResponse) field(i int) (name, value []byte) {
	f := r.fields[i]
	return r.hbuf[f.name:f.value:f.value], r.hbuf[f.value:f.end:f.end]
}

// HeaderValue returns the value of the first header field named name
// (without regard to ASCII case), nil if there is none. It allocates
// nothing: the slice shares the response's buffer, valid until the
// response is reused (by [Client.DoInto]); copy what must be kept.
func (r *ClientResponse) HeaderValue(name string) []byte {
	for i := range r.nhead {
		if n, v := r.field(i); clientEqualFold(n, name) {
			return v
		}
	}
	return nil
}

// Fields iterates over the header fields in the order they came, with
// names as the server spelled them. The slices are as for HeaderValue.
func (r *ClientResponse) Fields() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		for i := range r.nhead {
			if !yield(r.field(i)) {
				return
			}
		}
	}
}

// Header returns the header fields as an [http.Header], built at the
// first call (the zero-allocation way is HeaderValue).
func (r *ClientResponse) Header() http.Header {
	if r.header == nil {
		r.header = r.headerOf(0, r.nhead)
	}
	return r.header
}

// Trailer returns the trailer fields of a chunked body, once the body
// has been read to its end (empty before).
func (r *ClientResponse) Trailer() http.Header {
	if r.trailer == nil && r.eof {
		r.trailer = r.headerOf(r.nhead, len(r.fields))
	}
	if r.trailer == nil {
		return http.Header{}
	}
	return r.trailer
}

func (r *ClientResponse) headerOf(from, to int) http.Header {
	h := make(http.Header, to-from)
	for i := from; i < to; i++ {
		n, v := r.field(i)
		h.Add(string(n), string(v))
	}
	return h
}

// RaiseForStatus returns a *[ClientStatusError] and closes the response
// if its status is 400 or more (aiohttp's raise_for_status()); otherwise
// it returns nil.
func (r *ClientResponse) RaiseForStatus() error {
	if r.StatusCode < 400 {
		return nil
	}
	r.Close()
	u := ""
	if r.URL != nil {
		u = r.URL.Redacted()
	}
	return &ClientStatusError{StatusCode: r.StatusCode, Reason: r.Reason(), URL: u}
}

// piece returns the body bytes at hand (before decoding), waiting for
// some, or io.EOF at the body's end. The slice stays valid until consume.
func (r *ClientResponse) piece(t *aio.Task) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	cn := r.conn
	if cn == nil {
		return nil, io.EOF
	}
	for cn.rest == cn.restEnd {
		if cn.total != aio.NoDeadline && r.c.loop.Time() >= cn.total {
			return nil, r.fail(fmt.Errorf("%w (total)", ErrClientTimeout))
		}
		ev, err := cn.next(t, aio.NoDeadline)
		if err != nil {
			return nil, r.fail(err)
		}
		if ev == http1.EventEnd {
			r.end()
			return nil, io.EOF
		}
	}
	return cn.in[cn.rest:cn.restEnd], nil
}

// consume marks n bytes of the piece read. When the piece is used up it
// parses on without waiting, so that a body whose end is at hand gives
// its connection back now rather than at the next read.
func (r *ClientResponse) consume(n int) {
	cn := r.conn
	cn.rest += n
	if cn.rest < cn.restEnd {
		return
	}
	ev, err := cn.step()
	switch {
	case err != nil:
		r.fail(err) // reported by the next read
	case ev == http1.EventEnd:
		r.end()
	}
}

func (r *ClientResponse) readRaw(t *aio.Task, p []byte) (int, error) {
	b, err := r.piece(t)
	if err != nil {
		return 0, err
	}
	n := copy(p, b)
	r.consume(n)
	return n, nil
}

// Read reads up to len(p) bytes of the body (decoded) into p, waiting
// for at least one; at the end of the body it returns 0 and io.EOF. With
// a body of identity coding it copies from the connection's buffer into
// p and allocates nothing.
//
// Cancellation: Read returns an error matching [aio.ErrCancelled]; the
// response is failed and its connection closed (see [ClientResponse]).
func (r *ClientResponse) Read(t *aio.Task, p []byte) (int, error) {
	switch {
	case r.closed:
		return 0, ErrClientBodyClosed
	case len(p) == 0:
		return 0, r.err
	case r.coding == clientIdentity:
		return r.readRaw(t, p)
	}
	return r.readDecoded(t, p)
}

func (r *ClientResponse) readDecoded(t *aio.Task, p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.decDone {
		return 0, io.EOF
	}
	r.raw.t = t
	defer func() { r.raw.t = nil }()
	if r.dec == nil {
		if err := r.startDecoder(t); err != nil {
			return 0, r.decodeErr(err)
		}
	}
	n, err := r.dec.Read(p)
	switch {
	case err == io.EOF:
		r.decDone = true
		for r.conn != nil { // what follows the encoded data
			b, err := r.piece(t)
			if err != nil && err != io.EOF {
				return n, err
			}
			if len(b) > 0 {
				r.consume(len(b))
			}
		}
		if n > 0 {
			return n, nil
		}
		return 0, io.EOF
	case err != nil:
		return n, r.decodeErr(err)
	}
	return n, nil
}

// decodeErr is the error of a decoder: the body's own error if reading
// it failed, else a malformed encoding.
func (r *ClientResponse) decodeErr(err error) error {
	if r.err != nil {
		return r.err
	}
	return r.fail(fmt.Errorf("%w: content coding: %w", ErrClientBadResponse, err))
}

// startDecoder makes the decoder of the body's content coding. deflate
// is zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send it raw:
// the first two bytes tell.
func (r *ClientResponse) startDecoder(t *aio.Task) error {
	if r.coding == clientGzip {
		if r.gz == nil {
			gz, err := gzip.NewReader(&r.raw)
			if err != nil {
				return err
			}
			r.gz = gz
		} else if err := r.gz.Reset(&r.raw); err != nil {
			return err
		}
		r.dec = r.gz
		return nil
	}
	b, err := r.piece(t)
	if err != nil && err != io.EOF {
		return err
	}
	if len(b) >= 2 && (b[0]&0x0f != 8 || (uint16(b[0])<<8|uint16(b[1]))%31 != 0) {
		r.dec = flate.NewReader(&r.raw)
		return nil
	}
	zr, err := zlib.NewReader(&r.raw)
	if err != nil {
		return err
	}
	r.dec = zr
	return nil
}

// Bytes reads the whole body (aiohttp's read()) and returns it; later
// calls, and Text and JSON, return the same bytes. A body longer than
// [ClientMaxBodySize] gives [ErrClientBodyTooLarge].
//
// Cancellation: as for [ClientResponse.Read].
func (r *ClientResponse) Bytes(t *aio.Task) ([]byte, error) {
	if r.cached {
		return r.body, nil
	}
	limit := int64(DefaultClientMaxBodySize)
	if r.c != nil && r.c.cfg.maxBody > 0 {
		limit = r.c.cfg.maxBody
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = min(r.ContentLength, limit) + 1
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := r.Read(t, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, r.fail(fmt.Errorf("%w (more than %d bytes)", ErrClientBodyTooLarge, limit))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	r.body, r.cached = buf, true
	return buf, nil
}

// Text reads the whole body as [ClientResponse.Bytes] does and decodes it
// by the charset of its Content-Type (aiohttp's text()): UTF-8 (the
// default) and US-ASCII as they are, ISO-8859-1 and windows-1252
// converted to UTF-8; another charset gives [ErrClientCharset] (the body
// stays available from Bytes). Invalid UTF-8 is kept as it is, as Go
// strings may hold it.
//
// Cancellation: as for [ClientResponse.Read].
func (r *ClientResponse) Text(t *aio.Task) (string, error) {
	b, err := r.Bytes(t)
	if err != nil {
		return "", err
	}
	return clientDecodeText(b, string(r.HeaderValue("Content-Type")))
}

// JSON reads the whole body as [ClientResponse.Bytes] does and decodes it
// into v (aiohttp's json()). A Content-Type other than application/json
// or a +json type gives [ErrClientContentType] before the body is read.
//
// Cancellation: as for [ClientResponse.Read].
func (r *ClientResponse) JSON(t *aio.Task, v any) error {
	if ct := r.HeaderValue("Content-Type"); ct != nil && !clientIsJSON(string(ct)) {
		return fmt.Errorf("%w: %q is not JSON", ErrClientContentType, ct)
	}
	b, err := r.Bytes(t)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func clientIsJSON(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Lines iterates over the body's lines, each with its "\n" (the last one
// may lack it), as copies the caller owns (aiohttp's `async for line in
// resp.content`). A line longer than [aio.DefaultStreamLimit] ends the
// iteration with an error matching [aio.ErrLimitOverrun]; any other
// error is yielded once, with a nil line, and ends it.
//
// Cancellation: as for [ClientResponse.Read]; the error is yielded.
func (r *ClientResponse) Lines(t *aio.Task) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		buf := make([]byte, 0, 4096)
		off := 0
		for {
			if i := bytes.IndexByte(buf[off:], '\n'); i >= 0 {
				if i >= aio.DefaultStreamLimit {
					yield(nil, &aio.LimitOverrunError{Message: "line longer than the limit", Consumed: i})
					return
				}
				line := bytes.Clone(buf[off : off+i+1])
				off += i + 1
				if !yield(line, nil) {
					return
				}
				continue
			}
			buf = buf[:copy(buf, buf[off:])]
			off = 0
			if len(buf) > aio.DefaultStreamLimit {
				yield(nil, &aio.LimitOverrunError{Message: "line longer than the limit", Consumed: len(buf)})
				return
			}
			if cap(buf)-len(buf) < 1024 {
				buf = slices.Grow(buf, cap(buf))
			}
			n, err := r.Read(t, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			switch {
			case err == io.EOF:
				if len(buf) > 0 {
					yield(bytes.Clone(buf), nil)
				}
				return
			case err != nil:
				yield(nil, err)
				return
			}
		}
	}
}

// Chunks iterates over the body as it comes, one piece per arrival
// (aiohttp's iter_any), without copying: each slice is valid only until
// the next iteration. Errors are yielded as by Lines.
//
// Cancellation: as for [ClientResponse.Read]; the error is yielded.
func (r *ClientResponse) Chunks(t *aio.Task) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		if r.closed {
			yield(nil, ErrClientBodyClosed)
			return
		}
		if r.coding != clientIdentity {
			buf := make([]byte, clientStreamChunk)
			for {
				n, err := r.Read(t, buf)
				if n > 0 && !yield(buf[:n], nil) {
					return
				}
				if err != nil {
					if err != io.EOF {
						yield(nil, err)
					}
					return
				}
			}
		}
		for {
			b, err := r.piece(t)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			more := yield(b, nil) // b stays in place: consumed after
			if r.conn != nil {
				r.consume(len(b))
			}
			if !more {
				return
			}
		}
	}
}

// Reader returns the body as an [io.Reader] whose Read suspends t (a
// task's reader, for encoding/json's Decoder, io.Copy into a buffer and
// the like). Use it from t only.
//
// Cancellation: its Read returns an error matching [aio.ErrCancelled],
// as [ClientResponse.Read] does.
func (r *ClientResponse) Reader(t *aio.Task) io.Reader { return &clientTaskReader{r, t} }

type clientTaskReader struct {
	r *ClientResponse
	t *aio.Task
}

func (b *clientTaskReader) Read(p []byte) (int, error) { return b.r.Read(b.t, p) }

// Close ends the use of the body (aiohttp's release()). If the rest of
// the body has already arrived, the connection goes back to the pool;
// otherwise it is closed, since reading an unknown amount to reuse it
// could cost more than a new connection. Later reads return
// [ErrClientBodyClosed] (Bytes returns what it read before). It never
// suspends; closing twice does nothing.
func (r *ClientResponse) Close() error {
	r.closed = true
	cn := r.conn
	if cn == nil {
		return nil
	}
	cn.rest = cn.restEnd
	for {
		ev, err := cn.step()
		switch {
		case err != nil || ev == http1.EventNone:
			r.fail(ErrClientBodyClosed)
			return nil
		case ev == http1.EventEnd:
			r.end()
			return nil
		}
		cn.rest = cn.restEnd
	}
}

// discard drops a redirect's body: up to 64 KiB is read to keep the
// connection; past that the response is left for reset, which closes
// it. Only a cancellation or a timeout is an error: the redirect goes on
// without the connection.
func (r *ClientResponse) discard(t *aio.Task) error {
	for read := 0; r.conn != nil && read <= 64<<10; {
		b, err := r.piece(t)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, aio.ErrCancelled) || errors.Is(err, aio.ErrTimeout) {
				return err
			}
			return nil
		}
		read += len(b)
		r.consume(len(b))
	}
	return nil
}

// clientEqualFold reports whether b equals s without regard to ASCII
// case.
func clientEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
