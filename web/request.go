package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unsafe"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
	"github.com/aio-go/aio/internal/route"
)

// A Request is one HTTP request as its [Handler] sees it (aiohttp's
// web.Request): method, target, header fields, the path's parameters,
// and the body as a stream read by the handler's task.
//
// Lifetime: the server reuses a Request for later requests of the same
// connection. Returning from the handler signals that the request is
// finished; it is not valid to use the Request, or a [Header] or
// [io.Reader] it returned, after that. Strings it returns are copies and
// stay valid. A Request is used from its loop's goroutine (the handler's
// task and what it calls).
type Request struct {
	c    *conn
	head *http1.Request
	task *aio.Task
	app  *App

	method   string
	target   string // views of the parser's buffer: never handed out
	rawPath  string
	rawQuery string
	ps       route.Params
	miss     missed // what the lookup said when no route matched

	header    Header
	hasHeader bool
	query     url.Values
	path      string
	hasPath   bool
	values    map[any]any
	start     time.Time
	body      bodyReader
}

// begin readies r for the request whose head the parser just returned.
// Each field is set or reset in place (keeping the buffers of ps, header
// and values): building a whole Request and copying it over r cost a
// pipelining server 3% of its CPU. A field added to Request must be
// reset here.
func (r *Request) begin(c *conn, head *http1.Request, start time.Time) {
	r.c, r.head, r.task, r.app = c, head, nil, c.ls.cfg.app
	r.ps.Reset()
	r.miss = missed{}
	r.header.Reset()
	r.hasHeader = false
	r.query = nil
	r.path, r.hasPath = "", false
	if r.values != nil {
		clear(r.values)
	}
	r.start = start
	r.body = bodyReader{r: r}
	r.method = internMethod(head.Method)
	r.target = view(head.Target)
	r.rawPath, r.rawQuery = splitTarget(r.target)
}

// view is b as a string without a copy. Only for bytes that do not change
// while the string is used, and never for strings handed to users.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// internMethod returns the method as a string, allocating only for a
// method outside the common ones.
func internMethod(m []byte) string {
	switch string(m) {
	case "GET":
		return "GET"
	case "HEAD":
		return "HEAD"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "DELETE":
		return "DELETE"
	case "PATCH":
		return "PATCH"
	case "OPTIONS":
		return "OPTIONS"
	}
	return string(m)
}

// splitTarget splits a request-target into its raw path and query. An
// absolute-form target (http://host/p?q) gives /p; "*" gives "*".
func splitTarget(t string) (path, query string) {
	if t != "" && t[0] != '/' && t != "*" {
		if i := strings.Index(t, "://"); i >= 0 {
			t = t[i+3:]
			if j := strings.IndexByte(t, '/'); j >= 0 {
				t = t[j:]
			} else if j := strings.IndexByte(t, '?'); j >= 0 {
				t = "/" + t[j:]
			} else {
				t = "/"
			}
		}
	}
	if i := strings.IndexByte(t, '?'); i >= 0 {
		return t[:i], t[i+1:]
	}
	return t, ""
}

// Method returns the request method, such as "GET".
func (r *Request) Method() string { return r.method }

// Target returns the request-target as sent, such as "/search?q=go"
// (aiohttp's path_qs for the usual origin form).
func (r *Request) Target() string { return strings.Clone(r.target) }

// RawPath returns the target's path as sent, still percent-encoded.
func (r *Request) RawPath() string { return strings.Clone(r.rawPath) }

// Path returns the target's path, percent-decoded (aiohttp's
// request.path). A path with an invalid escape is returned as sent.
func (r *Request) Path() string {
	if !r.hasPath {
		r.path, r.hasPath = decodePath(r.rawPath), true
	}
	return r.path
}

func decodePath(raw string) string {
	if strings.IndexByte(raw, '%') >= 0 {
		if p, err := url.PathUnescape(raw); err == nil {
			return p
		}
	}
	return strings.Clone(raw)
}

// RawQuery returns the query string without the '?', as sent.
func (r *Request) RawQuery() string { return strings.Clone(r.rawQuery) }

// Query returns the parsed query string (aiohttp's request.query);
// malformed pairs are skipped. The map is made once per request and is
// the caller's to change.
func (r *Request) Query() url.Values {
	if r.query == nil {
		r.query, _ = url.ParseQuery(r.rawQuery)
	}
	return r.query
}

// Param returns the value of the path parameter name of the matched
// route ("/hello/{name}"), percent-decoded; "" if there is none.
func (r *Request) Param(name string) string {
	return strings.Clone(r.ps.Get(name))
}

// Version returns the HTTP version's minor number: 1 for HTTP/1.1, 0 for
// HTTP/1.0.
func (r *Request) Version() int { return r.head.Minor }

// KeepAlive reports whether the client lets the connection carry another
// request after this one.
func (r *Request) KeepAlive() bool { return r.head.KeepAlive }

// Host returns the Host header's value ("" if there is none).
func (r *Request) Host() string { return string(r.head.Host) }

// Header returns the request's header fields. The first call of a
// request builds them (one allocation for all the values); the Header is
// valid until the handler returns.
func (r *Request) Header() *Header {
	if !r.hasHeader {
		r.hasHeader = true
		n := 0
		for _, f := range r.head.Headers {
			n += len(f.Name) + len(f.Value)
		}
		var b strings.Builder
		b.Grow(n)
		for _, f := range r.head.Headers {
			b.Write(f.Name)
			b.Write(f.Value)
		}
		s := b.String()
		for _, f := range r.head.Headers {
			name, value := s[:len(f.Name)], s[len(f.Name):len(f.Name)+len(f.Value)]
			s = s[len(f.Name)+len(f.Value):]
			r.header.Add(name, value)
		}
	}
	return &r.header
}

// HeaderValue returns the value of the first header field named name
// (without regard to case), or "", without building [Request.Header].
func (r *Request) HeaderValue(name string) string {
	v, _ := r.head.Headers.Get(name)
	return string(v)
}

// ContentType returns the media type of the Content-Type header,
// lower-cased and without parameters ("" when absent).
func (r *Request) ContentType() string {
	v, _ := r.head.Headers.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(string(v))
	if err != nil {
		return ""
	}
	return mt
}

// ContentLength returns the body's length from Content-Length: 0 for no
// body, -1 for a chunked body of unknown length.
func (r *Request) ContentLength() int64 { return r.head.ContentLength }

// HasBody reports whether the request has a body to read.
func (r *Request) HasBody() bool { return r.head.ContentLength != 0 }

// Cookies returns the cookies of the Cookie header fields.
func (r *Request) Cookies() []*http.Cookie {
	var cs []*http.Cookie
	for _, f := range r.head.Headers {
		if equalFold(f.Name, "Cookie") {
			if got, err := http.ParseCookie(string(f.Value)); err == nil {
				cs = append(cs, got...)
			}
		}
	}
	return cs
}

// Cookie returns the value of the cookie name and whether it was sent.
func (r *Request) Cookie(name string) (string, bool) {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c.Value, true
		}
	}
	return "", false
}

// RemoteAddr returns the client's address (nil if unknown).
func (r *Request) RemoteAddr() net.Addr {
	a, _ := r.c.tr.ExtraInfo("peername").(net.Addr)
	return a
}

// App returns the application that serves the request.
func (r *Request) App() *App { return r.app }

// Loop returns the loop the request is served on.
func (r *Request) Loop() *aio.Loop { return r.c.ls.loop }

// Task returns the task running the request's handler.
func (r *Request) Task() *aio.Task { return r.task }

// Context returns the handler task's [context.Context] (see
// [aio.Task.Context]): cancelled when the client goes away, when the
// server is shut down past its grace period, or when the handler returns.
func (r *Request) Context() context.Context { return r.task.Context() }

// Start returns when the request's head was parsed: set when the server
// has an access log ([AccessLog]), the zero Time otherwise.
func (r *Request) Start() time.Time { return r.start }

// SetValue stores v under key for the rest of the request: middleware
// hands values to handlers this way (aiohttp's request["key"]).
func (r *Request) SetValue(key, v any) {
	if r.values == nil {
		r.values = map[any]any{}
	}
	r.values[key] = v
}

// Value returns what [Request.SetValue] stored under key, or nil.
func (r *Request) Value(key any) any { return r.values[key] }

// Read reads up to len(p) bytes of the body into p. It returns [io.EOF]
// at the body's end, [ErrBodyTooLarge] past the server's MaxBodySize,
// and [ErrBodyTimeout] when the client sends nothing for the
// BodyTimeout (a client that closes cancels the handler). A request with Expect: 100-continue gets its 100
// Continue answer at the first Read that has to wait.
//
// Cancellation: if t is cancelled while Read waits for the client,
// Read returns an error matching [aio.ErrCancelled]; no body bytes are
// lost.
func (r *Request) Read(t *aio.Task, p []byte) (int, error) {
	return r.c.readBody(t, r, p)
}

// Body returns the body as an [io.Reader] whose Read suspends t (see
// [Request.Read]): for the standard library's decoders, such as
// json.NewDecoder or multipart.NewReader. Use it only from t.
func (r *Request) Body(t *aio.Task) io.Reader {
	r.body.t = t
	return &r.body
}

type bodyReader struct {
	r *Request
	t *aio.Task
}

func (b *bodyReader) Read(p []byte) (int, error) { return b.r.Read(b.t, p) }

// ReadAll reads the whole body (aiohttp's request.read()). The server's
// MaxBodySize bounds it.
//
// Cancellation: as [Request.Read]; what was read before is dropped.
func (r *Request) ReadAll(t *aio.Task) ([]byte, error) {
	var b []byte
	if n := r.head.ContentLength; n > 0 && n <= 1<<20 {
		b = make([]byte, 0, n)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(t, b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// Text reads the whole body as a string (aiohttp's request.text()).
//
// Cancellation: as [Request.ReadAll].
func (r *Request) Text(t *aio.Task) (string, error) {
	b, err := r.ReadAll(t)
	return string(b), err
}

// DecodeJSON reads the body and decodes it as JSON into v (aiohttp's
// request.json()). A body that is not valid JSON gives an error that
// answers 400 when the handler returns it.
//
// Cancellation: as [Request.Read].
func (r *Request) DecodeJSON(t *aio.Task, v any) error {
	b, err := r.ReadAll(t)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &HTTPError{Status: 400, Message: "invalid JSON body", Err: err}
	}
	return nil
}

var errNotForm = &HTTPError{Status: 415, Message: "expected a form body"}

// Form reads a body of type application/x-www-form-urlencoded or
// multipart/form-data and returns its fields (aiohttp's request.post();
// for the files of a multipart body use [Request.Multipart]). Other
// types give an error answering 415.
//
// Cancellation: as [Request.Read].
func (r *Request) Form(t *aio.Task) (url.Values, error) {
	switch r.ContentType() {
	case "application/x-www-form-urlencoded":
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, &HTTPError{Status: 400, Message: "malformed form body", Err: err}
		}
		return v, nil
	case "multipart/form-data":
		mr, err := r.Multipart(t)
		if err != nil {
			return nil, err
		}
		f, err := mr.ReadForm(1 << 20)
		if err != nil {
			return nil, &HTTPError{Status: 400, Message: "malformed multipart body", Err: err}
		}
		defer f.RemoveAll()
		return url.Values(f.Value), nil
	}
	return nil, errNotForm
}

// Multipart returns a reader of the parts of a multipart body (aiohttp's
// request.multipart()), reading the body through t as [Request.Body].
func (r *Request) Multipart(t *aio.Task) (*multipart.Reader, error) {
	v, _ := r.head.Headers.Get("Content-Type")
	mt, ps, err := mime.ParseMediaType(string(v))
	if err != nil || !strings.HasPrefix(mt, "multipart/") || ps["boundary"] == "" {
		return nil, &HTTPError{Status: 415, Message: "expected a multipart body", Err: errors.Join(err)}
	}
	return multipart.NewReader(r.Body(t), ps["boundary"]), nil
}

// String describes the request as "GET /path".
func (r *Request) String() string { return fmt.Sprintf("%s %s", r.method, r.target) }
