package web

import (
	"encoding/json"
	"net/http"
	"sync"
	"unsafe"
)

// A Response is what a [Handler] returns: a status, header fields and a
// body sent in one piece with a Content-Length (aiohttp's web.Response).
// For a body produced piece by piece, see [StreamResponse].
//
// Lifetime: a Response made by [Text], [HTML], [Bytes], [JSON],
// [Redirect] or [NewResponse] comes from a pool and belongs to the
// request it answers: return it once, and do not touch it after the
// handler returns (the server recycles it once it is sent). A Response
// made with a composite literal (&web.Response{...}) is never recycled
// and may be returned many times, as long as nobody changes it.
type Response struct {
	Status int    // the status code; 0 means 200
	Reason string // the reason phrase; "" for the standard one
	Header Header // header fields; Content-Length, Transfer-Encoding and Connection are the server's

	body    []byte // the body, or nil for bodyStr
	bodyStr string
	sent    int64 // bytes written for it: head and body
	pooled  bool
	stream  *StreamResponse // set once the response was started as a stream
}

var responsePool = sync.Pool{New: func() any { return new(Response) }}

// NewResponse returns an empty pooled Response with the status (see the
// lifetime rule on [Response]).
func NewResponse(status int) *Response {
	r := responsePool.Get().(*Response)
	r.Status, r.pooled = status, true
	return r
}

// Text returns a 200 response with s as a text/plain body in UTF-8
// (aiohttp's web.Response(text=...)).
func Text(s string) *Response {
	return stringResponse("text/plain; charset=utf-8", s)
}

// HTML returns a 200 response with s as a text/html body in UTF-8.
func HTML(s string) *Response {
	return stringResponse("text/html; charset=utf-8", s)
}

func stringResponse(contentType, s string) *Response {
	r := NewResponse(200)
	r.Header.Add("Content-Type", contentType)
	r.bodyStr = s
	return r
}

// Bytes returns a 200 response with b as its body of the content type
// (none if contentType is ""). b is sent as it is when the handler
// returns: it must not change until then.
func Bytes(contentType string, b []byte) *Response {
	r := NewResponse(200)
	if contentType != "" {
		r.Header.Add("Content-Type", contentType)
	}
	r.body = b
	return r
}

// JSON returns a 200 response with v encoded by [json.Marshal] as an
// application/json body (aiohttp's web.json_response), or the encoding
// error: a handler can end with "return web.JSON(v)".
func JSON(v any) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Bytes("application/json", b), nil
}

// Redirect returns a response that redirects to location with the status
// (301, 302, 303, 307 or 308; aiohttp raises HTTPFound and the like).
// location is sent as it is: escape it if it holds user input.
func Redirect(status int, location string) *Response {
	r := NewResponse(status)
	r.Header.Add("Location", location)
	return r
}

// SetBody makes b the body (see [Bytes] for its lifetime).
func (r *Response) SetBody(b []byte) { r.body, r.bodyStr = b, "" }

// SetBodyString makes s the body.
func (r *Response) SetBodyString(s string) { r.body, r.bodyStr = nil, s }

// Body returns the body. For a body set as a string it is a copy.
func (r *Response) Body() []byte {
	if r.body != nil {
		return r.body
	}
	return []byte(r.bodyStr)
}

// bodyBytes is the body without a copy: a string body is viewed in place.
// The server only reads it.
func (r *Response) bodyBytes() []byte {
	if r.body != nil {
		return r.body
	}
	return unsafe.Slice(unsafe.StringData(r.bodyStr), len(r.bodyStr))
}

// SetCookie adds a Set-Cookie field for c; an invalid cookie (per
// [http.Cookie.Valid]) is dropped, as net/http does.
func (r *Response) SetCookie(c *http.Cookie) {
	if v := c.String(); v != "" {
		r.Header.Add("Set-Cookie", v)
	}
}

// StatusCode returns the status, 200 for the zero Status.
func (r *Response) StatusCode() int {
	if r.Status == 0 {
		return 200
	}
	return r.Status
}

// BytesSent returns how many bytes were written for the response, head
// and body, so far (for an access log).
func (r *Response) BytesSent() int64 { return r.sent }

// release puts a pooled response back once it is sent.
func (r *Response) release() {
	if !r.pooled {
		return
	}
	r.Header.Reset()
	h := r.Header
	*r = Response{Header: h}
	responsePool.Put(r)
}
