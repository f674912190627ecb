package web

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"github.com/aio-go/aio"
	"strconv"
	"strings"
	"sync"
)

// negotiateEncoding picks the content coding to compress a response with
// from an Accept-Encoding value (RFC 9110 section 12.5.3): "gzip" or
// "deflate", whichever the client weights higher (gzip on a tie, as it
// is the more widely supported), or "" for none. A coding with q=0 is
// refused; "*" stands for any coding not named.
func negotiateEncoding(accept string) string {
	gzipQ, deflateQ, anyQ := -1.0, -1.0, -1.0
	for elem := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(elem, ";")
		q := 1.0
		if params != "" {
			var ok bool
			if q, ok = parseQ(params); !ok {
				continue
			}
		}
		switch strings.ToLower(strings.Trim(name, " \t")) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "deflate":
			deflateQ = q
		case "*":
			anyQ = q
		}
	}
	if gzipQ < 0 {
		gzipQ = anyQ
	}
	if deflateQ < 0 {
		deflateQ = anyQ
	}
	switch {
	case gzipQ > 0 && gzipQ >= deflateQ:
		return "gzip"
	case deflateQ > 0:
		return "deflate"
	}
	return ""
}

// parseQ reads the q parameter from a coding's parameters (";q=0.5").
func parseQ(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.Trim(p, " \t"), "=")
		if !strings.EqualFold(k, "q") {
			continue
		}
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}

// DefaultCompressMin is the smallest body [Compress] compresses when
// given 0: below about a kilobyte the coding's framing eats the gain.
const DefaultCompressMin = 1024

// Compress returns a middleware that compresses the responses of an app
// with [Compressed] (aiohttp compresses per response with
// enable_compression(); this is the app-wide opt-in). Bodies shorter
// than minSize bytes are sent as they are; 0 means
// [DefaultCompressMin].
func Compress(minSize int) Middleware {
	if minSize <= 0 {
		minSize = DefaultCompressMin
	}
	return func(t *aio.Task, r *Request, next Handler) (*Response, error) {
		resp, err := next(t, r)
		if err != nil || resp == nil || len(resp.bodyBytes()) < minSize {
			return resp, err
		}
		return Compressed(r, resp), nil
	}
}

// Compressed compresses the body of resp with gzip or deflate when r's
// Accept-Encoding allows one of them (see [negotiateEncoding] rules:
// the higher weight wins, gzip on a tie) and returns resp, with
// Content-Encoding set and "Accept-Encoding" added to Vary. It leaves
// resp as it is when its content type is not one that compresses (text,
// JSON, JavaScript, XML, SVG, WebAssembly), when it already has a
// Content-Encoding, or when its status has no body.
//
// A Response that is never recycled (a composite literal) is not
// changed: Compressed returns a pooled copy instead.
func Compressed(r *Request, resp *Response) *Response {
	if bodyless(resp.StatusCode()) || resp.Header.Has("Content-Encoding") ||
		!compressible(resp.Header.Get("Content-Type")) {
		return resp
	}
	coding := negotiateEncoding(r.HeaderValue("Accept-Encoding"))
	if !resp.pooled {
		resp = resp.copyPooled()
	}
	resp.Header.Add("Vary", "Accept-Encoding")
	if coding == "" {
		return resp
	}
	resp.SetBody(compressBody(coding, resp.bodyBytes()))
	resp.Header.Set("Content-Encoding", coding)
	return resp
}

// copyPooled returns a pooled Response with the status, header and body
// of r.
func (r *Response) copyPooled() *Response {
	c := NewResponse(r.Status)
	c.Reason = r.Reason
	for k, v := range r.Header.All() {
		c.Header.Add(k, v)
	}
	c.body, c.bodyStr = r.body, r.bodyStr
	return c
}

// compressible reports whether a content type is worth compressing:
// already-compressed formats (images, video, archives) are not.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml",
		"image/svg+xml", "application/wasm", "application/x-ndjson":
		return true
	}
	return false
}

var (
	gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}
	zlibPool = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}
)

// compressBody returns body in the coding, in a new slice.
func compressBody(coding string, body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body)/3 + 64)
	if coding == "gzip" {
		w := gzipPool.Get().(*gzip.Writer)
		w.Reset(&out)
		w.Write(body) // a bytes.Buffer does not fail
		w.Close()
		gzipPool.Put(w)
	} else {
		// HTTP's "deflate" is the zlib format (RFC 9110 section 8.4.1.2).
		w := zlibPool.Get().(*zlib.Writer)
		w.Reset(&out)
		w.Write(body)
		w.Close()
		zlibPool.Put(w)
	}
	return out.Bytes()
}
