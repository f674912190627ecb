package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aio-go/aio"
)

// WrapHandler returns a Handler that answers with h, a net/http
// [http.Handler], so an app can mount what it already has:
//
//	app.Any("/debug/{rest:.*}", web.WrapHandler(http.DefaultServeMux))
//
// h runs on the loop's executor (see [aio.ToThread]), so blocking code in
// it does not stall the loop; it takes one executor goroutine for as
// long as it runs. Its [http.Request] has the method, target, URL,
// header, Host, RemoteAddr and body of the request; reading the body
// reads it from the connection as h asks. Its context is cancelled when
// the client goes away or the server shuts down (when the handler's task
// is cancelled).
//
// The ResponseWriter gathers up to 4 KiB: a response that fits is sent
// with a Content-Length once h returns; a longer one, or one that h
// flushes ([http.Flusher]), is streamed chunked as h writes. A missing
// Content-Type is sniffed, as net/http does. Hijacking is not
// supported. A panic in h answers 500 if nothing was sent yet, and
// closes the connection otherwise.
func WrapHandler(h http.Handler) Handler {
	return func(t *aio.Task, r *Request) (*Response, error) {
		hr, cancel, err := httpRequest(t, r)
		if err != nil {
			return nil, err
		}
		defer cancel()
		w := &httpWriter{r: r, header: make(http.Header), bridge: bridge{loop: t.Loop()}}
		hr.Body = &httpBody{r: r, bridge: &w.bridge}
		_, err = aio.ToThread(t, func() (struct{}, error) {
			h.ServeHTTP(w, hr)
			return struct{}{}, nil
		})
		w.bridge.closed = true // on the loop: later calls from h are refused
		if err != nil {
			if w.s != nil {
				w.s.finish(err)
			}
			return nil, err
		}
		return w.finish(t)
	}
}

// errHandlerGone is what an adapted handler's writes and reads return
// once its request has ended (its task was cancelled or it returned).
var errHandlerGone = errors.New("web: the request this net/http handler served has ended")

// bridge carries calls from the executor goroutine running an
// http.Handler to the loop, where the request and response live.
type bridge struct {
	loop   *aio.Loop
	closed bool // set on the loop when the handler's request has ended
}

// call runs fn in a task on the loop and waits for it; fn does not run
// once the request has ended.
func (b *bridge) call(fn func(t *aio.Task) (int, error)) (int, error) {
	cf, err := aio.RunCoroutineThreadsafe(b.loop, func(t *aio.Task) (int, error) {
		if b.closed {
			return 0, errHandlerGone
		}
		return fn(t)
	})
	if err != nil {
		return 0, err
	}
	return cf.Result(context.Background())
}

// httpRequest builds h's view of r, with a context cancelled by the
// returned func or when t is cancelled.
func httpRequest(t *aio.Task, r *Request) (*http.Request, context.CancelFunc, error) {
	u, err := url.ParseRequestURI(r.target)
	if err != nil {
		return nil, nil, ErrBadRequest
	}
	ctx, cancel := context.WithCancel(r.Context())
	hr := &http.Request{
		Method:        r.Method(),
		URL:           u,
		Proto:         "HTTP/1." + strconv.Itoa(r.Version()),
		ProtoMajor:    1,
		ProtoMinor:    r.Version(),
		Header:        make(http.Header, r.Header().Len()),
		Host:          r.Host(),
		RemoteAddr:    addrString(r.RemoteAddr()),
		RequestURI:    r.target,
		ContentLength: r.ContentLength(),
		Close:         !r.KeepAlive(),
	}
	for k, v := range r.Header().All() {
		hr.Header.Add(k, v)
	}
	if hr.Host == "" {
		hr.Host = u.Host
	}
	return hr.WithContext(ctx), cancel, nil
}

// httpBody is an adapted handler's request body: each Read reads from
// the connection on the loop.
type httpBody struct {
	r      *Request
	bridge *bridge
}

func (b *httpBody) Read(p []byte) (int, error) {
	return b.bridge.call(func(t *aio.Task) (int, error) { return b.r.Read(t, p) })
}

func (b *httpBody) Close() error { return nil }

// httpWriter is an adapted handler's ResponseWriter. Its fields other
// than s are the executor goroutine's while h runs; s and the stream are
// the loop's.
type httpWriter struct {
	bridge
	r      *Request
	header http.Header
	status int
	buf    []byte
	s      *StreamResponse // set once streaming began
}

func (w *httpWriter) Header() http.Header { return w.header }

func (w *httpWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 100 && code <= 999 {
		if code < 200 { // 1xx: net/http sends them at once; we drop them
			return
		}
		w.status = code
	}
}

func (w *httpWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.s == nil && len(w.buf)+len(p) <= streamBuffer {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	return w.call(func(t *aio.Task) (int, error) {
		if err := w.stream(t); err != nil {
			return 0, err
		}
		if err := w.s.Write(t, p); err != nil {
			return 0, err
		}
		return len(p), w.s.Drain(t)
	})
}

// Flush sends what was written so far.
func (w *httpWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.call(func(t *aio.Task) (int, error) {
		if err := w.stream(t); err != nil {
			return 0, err
		}
		return 0, w.s.Drain(t)
	})
}

// stream starts the streamed response, on the loop, with what was
// gathered so far.
func (w *httpWriter) stream(t *aio.Task) error {
	if w.s != nil {
		return nil
	}
	s := NewStreamResponse(w.status)
	w.copyHeader(&s.Header)
	if err := s.Prepare(t, w.r); err != nil {
		return err
	}
	w.s = s
	if len(w.buf) > 0 {
		err := s.Write(t, w.buf)
		w.buf = nil
		return err
	}
	return nil
}

func (w *httpWriter) copyHeader(h *Header) {
	if _, set := w.header["Content-Type"]; !set && len(w.buf) > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.buf))
	}
	for k, vs := range w.header {
		if reservedField(k) {
			continue
		}
		for _, v := range vs {
			h.Add(k, v)
		}
	}
}

// finish is the loop's end of the handler once h has returned.
func (w *httpWriter) finish(t *aio.Task) (*Response, error) {
	if w.s != nil {
		return w.s.Finish(t)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	resp := NewResponse(w.status)
	w.copyHeader(&resp.Header)
	resp.SetBody(w.buf)
	return resp, nil
}

var _ http.Flusher = (*httpWriter)(nil)
var _ io.ReadCloser = (*httpBody)(nil)
