// Package streamhttp fetches http:// pages over aio streams, for the
// examples that fetch pages before aio has a web client: one HTTP/1.0
// GET on a connection of its own (OpenConnection), the status line and
// header read with ReadLine, the body by its Content-Length or to the end
// of the stream. It is deliberately small: no https, no redirects, no
// chunked bodies (an HTTP/1.0 request gets none).
package streamhttp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// MaxBody is the largest body Get accepts.
const MaxBody = 16 << 20

// ErrUnsupported is matched by the error of a URL whose scheme is not
// http.
var ErrUnsupported = errors.New("streamhttp: only http:// URLs are supported")

// Response is what Get returns.
type Response struct {
	Status int               // the status code, such as 200
	Header map[string]string // header fields by lower-case name (the last of repeated ones)
	Body   []byte
}

// Get fetches rawURL with a GET request carrying the given User-Agent
// (none if empty). Any status is a response, as aiohttp's is; errors are
// those of the URL, the connection (10 s to connect) and a malformed
// answer.
//
// Cancellation: Get returns an error matching aio.ErrCancelled and the
// connection is closed.
func Get(t *aio.Task, rawURL, userAgent string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, rawURL)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	r, w, err := aio.OpenConnection(t, "tcp", addr, aio.ConnectTimeout(10*time.Second))
	if err != nil {
		return nil, err
	}
	defer w.Close()
	req := "GET " + u.RequestURI() + " HTTP/1.0\r\nHost: " + u.Host + "\r\n"
	if userAgent != "" {
		req += "User-Agent: " + userAgent + "\r\n"
	}
	w.Write([]byte(req + "Connection: close\r\n\r\n"))
	if err := w.Drain(t); err != nil {
		return nil, err
	}
	resp, err := readHead(t, r)
	if err != nil {
		return nil, err
	}
	resp.Body, err = readBody(t, r, resp.Header["content-length"])
	return resp, err
}

// readHead reads the status line and the header.
func readHead(t *aio.Task, r *aio.StreamReader) (*Response, error) {
	line, err := r.ReadLine(t)
	if err != nil {
		return nil, fmt.Errorf("streamhttp: reading the status line: %w", err)
	}
	proto, rest, _ := strings.Cut(strings.TrimRight(string(line), "\r\n"), " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || len(code) != 3 || status < 100 {
		return nil, fmt.Errorf("streamhttp: malformed status line %q", line)
	}
	resp := &Response{Status: status, Header: map[string]string{}}
	for {
		line, err := r.ReadLine(t)
		if err != nil {
			return nil, fmt.Errorf("streamhttp: reading the header: %w", err)
		}
		field := strings.TrimRight(string(line), "\r\n")
		if field == "" {
			return resp, nil
		}
		name, value, ok := strings.Cut(field, ":")
		if !ok {
			return nil, fmt.Errorf("streamhttp: malformed header line %q", line)
		}
		resp.Header[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
}

// readBody reads contentLength bytes, or to the end of the stream when
// there is no Content-Length.
func readBody(t *aio.Task, r *aio.StreamReader, contentLength string) ([]byte, error) {
	if contentLength != "" {
		n, err := strconv.Atoi(contentLength)
		if err != nil || n < 0 || n > MaxBody {
			return nil, fmt.Errorf("streamhttp: bad Content-Length %q", contentLength)
		}
		return r.ReadExactly(t, n)
	}
	var body []byte
	for {
		chunk, err := r.Read(t, 64<<10)
		if err == io.EOF {
			return body, nil
		}
		if err != nil {
			return nil, err
		}
		if len(body)+len(chunk) > MaxBody {
			return nil, fmt.Errorf("streamhttp: body longer than %d bytes", MaxBody)
		}
		body = append(body, chunk...)
	}
}
