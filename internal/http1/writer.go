package http1

import (
	"strconv"
	"unsafe"
)

// copyMax is the largest body piece a [Writer] copies into its buffer
// rather than referencing: below it a memmove costs less than one more
// buffer in the writev.
const copyMax = 256

// A Writer builds one outgoing message at a time (a response, or a
// request for a client): start line, header fields, then the body with
// Content-Length or chunked framing, as byte slices for a single writev.
// Framing goes into a buffer the Writer reuses, so building a message
// allocates nothing once the buffers have grown to the connection's
// largest message. The zero Writer is ready; it is used by one goroutine
// at a time.
//
// A field name or value that would change the message's framing (CR, LF,
// NUL or another control character: response splitting) is refused with
// an error wrapping [ErrInvalidHeader], as are a bad status code, reason,
// method or target and a body whose length differs from its
// Content-Length; the first error sticks and [Writer.Buffers] returns it,
// so a caller may check once at the end.
type Writer struct {
	buf     []byte   // framing bytes and small body pieces
	bufs    [][]byte // the message so far
	mark    int      // start of the buf bytes not yet in bufs
	err     error
	chunked bool
	length  int64    // the Content-Length written
	hasLen  bool     // ... if one was
	omit    bool     // the message has no body whatever its fields say
	written int64    // body bytes so far
	checked [4]field // fields of strings found valid, kept across messages
	next    int      // the checked entry to replace next
}

// A field is a name and value [Writer.Header] found valid. Go strings
// are immutable, so the same string (same bytes at the same address) is
// still valid: a server that writes a constant Content-Type in every
// response checks it once.
type field struct{ name, value string }

// SameString reports whether a and b are one string (same length, same
// memory), not merely equal ones. Go strings are immutable, so while one
// of them is held its memory holds the same bytes: a memo keyed by
// strings compares them with two word compares.
func SameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// refused is an error of the Writer's caller: the message it asked for
// would be malformed, so the answer is 500.
func refused(reason string) *Error { return &Error{500, reason, ErrInvalidHeader} }

var (
	errHeaderName  = refused("invalid header field name")
	errHeaderValue = refused("CR, LF, NUL or control character in a header field value")
	errStatusCode  = refused("status code outside 100-999")
	errReason      = refused("control character in the reason phrase")
	errReqLine     = refused("invalid method or request target")
	errBodyLength  = refused("body length differs from Content-Length")
)

// Reset starts a new message. The slices of the previous one's
// [Writer.Buffers] must have been written: their storage is reused.
func (w *Writer) Reset() {
	w.buf, w.bufs = w.buf[:0], w.bufs[:0]
	w.mark, w.err, w.chunked, w.omit = 0, nil, false, false
	w.length, w.hasLen, w.written = 0, false, 0
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

// StatusLine writes "HTTP/1.1 code reason". An empty reason is replaced
// by [StatusText](code).
func (w *Writer) StatusLine(code int, reason string) error {
	if code < 100 || code > 999 {
		return w.fail(errStatusCode)
	}
	if reason == "" {
		if line := statusLines[code-100]; line != "" {
			w.buf = append(w.buf, line...)
			return nil
		}
	}
	if !validValue(reason) {
		return w.fail(errReason)
	}
	w.buf = append(w.buf, "HTTP/1.1 "...)
	w.buf = strconv.AppendInt(w.buf, int64(code), 10)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, reason...)
	w.buf = append(w.buf, "\r\n"...)
	return nil
}

// statusLines holds "HTTP/1.1 code text\r\n" for every code 100-999
// with a registered text: the common status line is one copy.
var statusLines = func() (lines [900]string) {
	for i := range lines {
		if text := StatusText(100 + i); text != "" {
			lines[i] = "HTTP/1.1 " + strconv.Itoa(100+i) + " " + text + "\r\n"
		}
	}
	return lines
}()

// A Prefix is the start of a message's head, or the whole head, as a
// [Writer] built and checked it, kept to begin later messages whose
// heads start with the same lines in one copy. Which messages those are
// is the caller's to know (same status, same fields, same Date): a
// Prefix holds only the bytes and the framing they declared, and only a
// Writer makes them, so they are valid. The zero Prefix is empty.
type Prefix struct {
	b       []byte
	chunked bool
	hasLen  bool
	length  int64
}

// SavePrefix copies the message built since [Writer.Reset] into p, with
// its framing (Content-Length or chunked) if already written, and
// reports whether it did; it does not (p is emptied) after an error, or
// once body bytes are in the message.
func (w *Writer) SavePrefix(p *Prefix) bool {
	if w.err != nil || w.written > 0 || len(w.bufs) > 0 {
		p.b = p.b[:0]
		return false
	}
	p.b = append(p.b[:0], w.buf...)
	p.chunked, p.hasLen, p.length = w.chunked, w.hasLen, w.length
	return true
}

// UsePrefix writes p's lines, as the Writer calls that made them would.
// It is for the start of a message, just after [Writer.Reset]; calls for
// the head's further lines, or the body, follow.
func (w *Writer) UsePrefix(p *Prefix) {
	w.buf = append(w.buf, p.b...)
	w.chunked, w.hasLen, w.length = p.chunked, p.hasLen, p.length
}

// RequestLine writes "method target HTTP/1.1" (for a client).
func (w *Writer) RequestLine(method, target string) error {
	if !isTokenString(method) || !validTarget(target) {
		return w.fail(errReqLine)
	}
	w.buf = append(w.buf, method...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, target...)
	w.buf = append(w.buf, " HTTP/1.1\r\n"...)
	return nil
}

// Header writes the field line "name: value". The very strings of a
// field written before (the same memory, not merely equal contents) are
// not checked again: the Writer remembers the last four fields it found
// valid, across messages.
func (w *Writer) Header(name, value string) error {
	for _, f := range &w.checked {
		if name != "" && SameString(f.name, name) && SameString(f.value, value) {
			w.buf = appendFieldUnchecked(w.buf, name, value)
			return nil
		}
	}
	if err := w.field(appendField(w.buf, name, value)); err != nil {
		return err
	}
	w.checked[w.next] = field{name, value}
	w.next = (w.next + 1) % len(w.checked)
	return nil
}

// HeaderBytes is [Writer.Header] with the value as bytes.
func (w *Writer) HeaderBytes(name string, value []byte) error {
	return w.field(appendField(w.buf, name, value))
}

func (w *Writer) field(buf []byte, err error) error {
	if err != nil {
		return w.fail(err)
	}
	w.buf = buf
	return nil
}

// Date writes the Date field from the cache d; nothing if d was never
// updated (RFC 9110 §6.6.1: a server without a clock omits Date).
func (w *Writer) Date(d *Date) {
	if !d.set {
		return
	}
	w.buf = append(w.buf, "Date: "...)
	w.buf = append(w.buf, d.Bytes()...)
	w.buf = append(w.buf, "\r\n"...)
}

// ContentLength writes "Content-Length: n"; [Writer.End] then checks the
// body has n bytes.
func (w *Writer) ContentLength(n int64) {
	w.buf = append(w.buf, "Content-Length: "...)
	w.buf = strconv.AppendInt(w.buf, n, 10)
	w.buf = append(w.buf, "\r\n"...)
	w.length, w.hasLen = n, true
}

// Chunked writes "Transfer-Encoding: chunked": the body's pieces are
// then sent as chunks.
func (w *Writer) Chunked() {
	w.buf = append(w.buf, "Transfer-Encoding: chunked\r\n"...)
	w.chunked = true
}

// EndHead ends the header section.
func (w *Writer) EndHead() {
	w.buf = append(w.buf, "\r\n"...)
}

// OmitBody marks a message that has no body whatever its Content-Length
// or Transfer-Encoding say (a response to HEAD, a 304): Body then adds
// nothing and End writes no last chunk and checks no length.
func (w *Writer) OmitBody() { w.omit = true }

// Body adds p to the body, framed as one chunk if the message is chunked
// (an empty p adds nothing, since an empty chunk would end the body).
// A p of more than 256 bytes is referenced, not copied: it must stay
// unchanged until the buffers are written.
func (w *Writer) Body(p []byte) {
	if len(p) == 0 || w.omit {
		return
	}
	w.written += int64(len(p))
	if w.chunked {
		w.buf = strconv.AppendInt(w.buf, int64(len(p)), 16)
		w.buf = append(w.buf, "\r\n"...)
	}
	if len(p) <= copyMax {
		w.buf = append(w.buf, p...)
	} else {
		w.flush()
		w.bufs = append(w.bufs, p)
	}
	if w.chunked {
		w.buf = append(w.buf, "\r\n"...)
	}
}

// End ends the message: for a chunked one the last chunk and trailers
// (whose names and values are checked like headers'); for one with a
// Content-Length it checks the body's length.
func (w *Writer) End(trailers Headers) error {
	if w.omit {
		return w.err
	}
	if !w.chunked {
		if w.hasLen && w.written != w.length {
			return w.fail(errBodyLength)
		}
		return w.err
	}
	w.buf = append(w.buf, "0\r\n"...)
	for _, t := range trailers {
		if err := w.field(appendField(w.buf, t.Name, t.Value)); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, "\r\n"...)
	return w.err
}

// flush moves the buffered bytes not yet listed into bufs.
func (w *Writer) flush() {
	if len(w.buf) > w.mark {
		w.bufs = append(w.bufs, w.buf[w.mark:len(w.buf):len(w.buf)])
		w.mark = len(w.buf)
	}
}

// Buffers returns the message built so far as slices for one writev (in
// order), and the first error met. The slices are valid until
// [Writer.Reset].
func (w *Writer) Buffers() ([][]byte, error) {
	w.flush()
	return w.bufs, w.err
}

// AppendTo appends the whole message built so far to dst, for callers
// that send one buffer.
func (w *Writer) AppendTo(dst []byte) []byte {
	w.flush()
	for _, b := range w.bufs {
		dst = append(dst, b...)
	}
	return dst
}

// appendField appends "name: value\r\n" after checking both.
func appendField[N, V ~string | ~[]byte](dst []byte, name N, value V) ([]byte, error) {
	if !isTokenString(name) {
		return dst, errHeaderName
	}
	if !validValue(value) {
		return dst, errHeaderValue
	}
	return appendFieldUnchecked(dst, name, value), nil
}

// appendFieldUnchecked appends "name: value\r\n".
func appendFieldUnchecked[N, V ~string | ~[]byte](dst []byte, name N, value V) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}
