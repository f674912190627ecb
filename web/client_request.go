package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/aio-go/aio"
)

// ClientRequest is a request for [Client.Do]: method, URL, headers, body
// and per-request settings (aiohttp's session.request arguments). Make
// one with [NewClientRequest]; set the body with one of the Set methods.
// A request may be sent again and again (its body too, unless it is a
// stream); it must not change while a Do that sends it runs.
type ClientRequest struct {
	Method string   // "GET" when empty
	URL    *url.URL // absolute, or relative to the client's base URL
	Header http.Header
	// ExpectContinue sends "Expect: 100-continue" with a body and sends
	// the body only after the server's "100 Continue" (or after
	// [DefaultClientContinueTimeout] without an answer). If the server
	// answers with a final status instead, the body is not sent and the
	// connection is closed after the response.
	ExpectContinue bool
	// Timeout, if not nil, replaces the client's timeouts for this
	// request.
	Timeout *ClientTimeout

	body   clientBody
	target clientTarget
}

// ClientBodyReader is a body source whose reads suspend a task, such as
// an [aio.File] or another request's [ClientResponse] (to forward a body
// without holding it). Read follows [io.Reader]'s contract, with t the
// task that waits.
type ClientBodyReader interface {
	Read(t *aio.Task, p []byte) (int, error)
}

// clientBody is a request's body: bytes (sent with the head, replayable
// for a retry or redirect) or a stream read as it is sent.
type clientBody struct {
	data   []byte
	has    bool
	rd     io.Reader
	stream *aio.StreamReader
	task   ClientBodyReader
	length int64 // of a stream; -1 unknown (sent chunked)
}

func (b *clientBody) isStream() bool   { return b.rd != nil || b.stream != nil || b.task != nil }
func (b *clientBody) replayable() bool { return !b.isStream() }

// read reads the next piece of a stream body.
func (b *clientBody) read(t *aio.Task, p []byte) (int, error) {
	switch {
	case b.task != nil:
		return b.task.Read(t, p)
	case b.stream != nil:
		data, err := b.stream.Read(t, len(p))
		return copy(p, data), err
	}
	return b.rd.Read(p)
}

// clientTarget caches the request-target of a URL, so that a request
// sent again costs no allocation for it.
type clientTarget struct {
	u                       *url.URL
	path, rawPath, rawQuery string
	target                  string
}

// NewClientRequest returns a request for method and rawURL with an empty
// Header.
func NewClientRequest(method, rawURL string) (*ClientRequest, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return &ClientRequest{Method: method, URL: u, Header: make(http.Header)}, nil
}

func (r *ClientRequest) method() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

func (r *ClientRequest) header() http.Header {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	return r.Header
}

// SetBody makes b the body, sent with a Content-Length. b must not change
// while the request is in use.
func (r *ClientRequest) SetBody(b []byte) {
	r.body = clientBody{data: b, has: true}
}

// SetJSON makes v encoded as JSON the body, with Content-Type
// application/json (aiohttp's json=).
func (r *ClientRequest) SetJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	r.SetBody(b)
	r.header().Set("Content-Type", "application/json")
	return nil
}

// SetForm makes form URL-encoded the body, with Content-Type
// application/x-www-form-urlencoded (aiohttp's data=dict).
func (r *ClientRequest) SetForm(form url.Values) {
	r.SetBody([]byte(form.Encode()))
	r.header().Set("Content-Type", "application/x-www-form-urlencoded")
}

// SetMultipart makes a multipart/form-data body of the parts build
// writes (aiohttp's FormData with files), with the Content-Type that
// names its boundary. The body is built in memory.
func (r *ClientRequest) SetMultipart(build func(w *multipart.Writer) error) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := build(w); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	r.SetBody(buf.Bytes())
	r.header().Set("Content-Type", w.FormDataContentType())
	return nil
}

// SetBodyReader makes rd the body, read as it is sent: n bytes with a
// Content-Length, or chunked if n < 0. rd is read on the loop's
// goroutine, so it must not block (a bytes.Reader or strings.Reader; use
// [ClientRequest.SetBodyFrom] with an [aio.File] for a file). A stream
// body is sent once: no retry, and a 307 or 308 redirect is returned
// rather than followed.
func (r *ClientRequest) SetBodyReader(rd io.Reader, n int64) {
	r.body = clientBody{rd: rd, has: true, length: max(n, -1)}
}

// SetBodyStream makes what s yields until its end the body, as
// [ClientRequest.SetBodyReader] does.
func (r *ClientRequest) SetBodyStream(s *aio.StreamReader, n int64) {
	r.body = clientBody{stream: s, has: true, length: max(n, -1)}
}

// SetBodyFrom makes rd the body, read by the sending task, as
// [ClientRequest.SetBodyReader] does.
func (r *ClientRequest) SetBodyFrom(rd ClientBodyReader, n int64) {
	r.body = clientBody{task: rd, has: true, length: max(n, -1)}
}

// AddQuery adds query parameters to the URL (aiohttp's params=).
func (r *ClientRequest) AddQuery(q url.Values) {
	if len(q) == 0 {
		return
	}
	u := *r.URL
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += q.Encode()
	r.URL = &u
}

// SetBasicAuth sets the Authorization header for HTTP basic
// authentication.
func (r *ClientRequest) SetBasicAuth(user, password string) {
	hr := http.Request{Header: r.header()}
	hr.SetBasicAuth(user, password)
}

// requestTarget returns u's request-target (origin form), cached for the
// request's own URL.
func (r *ClientRequest) requestTarget(u *url.URL) string {
	c := &r.target
	if c.u == u && c.path == u.Path && c.rawPath == u.RawPath && c.rawQuery == u.RawQuery {
		return c.target
	}
	target := u.RequestURI()
	if u == r.URL {
		*c = clientTarget{u, u.Path, u.RawPath, u.RawQuery, target}
	}
	return target
}

// timeouts returns the timeouts that apply to the request.
func (r *ClientRequest) timeouts(c *Client) ClientTimeout {
	if r.Timeout != nil {
		return *r.Timeout
	}
	return c.cfg.timeout
}
