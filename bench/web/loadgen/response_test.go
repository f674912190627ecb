//go:build linux

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"
)

const hello = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!"

func TestParseResponse(t *testing.T) {
	for _, c := range []struct {
		in        string
		n, status int
		wantErr   error
		what      string
	}{
		{hello, len(hello), 200, nil, "complete"},
		{hello + "HTTP/1.1", len(hello), 200, nil, "the next one begun"},
		{hello[:len(hello)-1], 0, 200, nil, "body cut"},
		{hello[:40], 0, 0, nil, "head cut"},
		{"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 45, 404, nil, "empty body"},
		{"HTTP/1.1 200 OK\r\n\r\n", 0, 0, errContentLength, "no length"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 0, 0, errContentLength, "two lengths"},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0, errContentLength, "negative"},
		{"HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, errStatusLine, "protocol"},
		{"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, errStatusLine, "status"},
		{string(bytes.Repeat([]byte("x"), maxHead+1)), 0, 0, errHeadTooLong, "endless head"},
	} {
		n, status, err := parseResponse([]byte(c.in))
		if n != c.n || err != c.wantErr || (err == nil && n > 0 && status != c.status) {
			t.Errorf("%s: got (%d, %d, %v), want (%d, %d, %v)", c.what, n, status, err, c.n, c.status, c.wantErr)
		}
	}
}

// FuzzParseResponse checks parseResponse against net/http's reader: a
// response it finds complete net/http reads with the same status and
// length, and no prefix of it is complete.
func FuzzParseResponse(f *testing.F) {
	f.Add([]byte(hello))
	f.Add([]byte("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, status, err := parseResponse(b)
		if err != nil || n == 0 || status < 200 || status == 204 || status == 304 {
			return // no body, whatever the header says, for net/http
		}
		if n > len(b) {
			t.Fatalf("length %d past the input's %d", n, len(b))
		}
		if m, _, err := parseResponse(b[:n-1]); m != 0 && err == nil {
			t.Fatalf("prefix of %d bytes complete at %d", n-1, m)
		}
		head := b[:bytes.Index(b, []byte("\r\n\r\n"))+4]
		if bytes.Count(head, []byte("\n")) != bytes.Count(head, []byte("\r\n")) || bytes.Count(head, []byte("\r")) != bytes.Count(head, []byte("\r\n")) {
			return // net/http also takes a bare LF for a line end; every server here sends CRLF
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b[:n])), nil)
		if err != nil {
			return // net/http is stricter about header syntax
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != status || int64(len(body)) != resp.ContentLength {
			t.Fatalf("net/http: status %d, %d-byte body, %v; parseResponse: status %d, length %d", resp.StatusCode, len(body), err, status, n)
		}
	})
}
