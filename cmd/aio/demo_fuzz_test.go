package main

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzParseRequest checks that the demo's request parser never panics, and
// that whatever it accepts is a GET or HEAD for an origin-form path with
// no query left in it.
func FuzzParseRequest(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x",
		"GET /hello/bob?x=1 HTTP/1.0",
		"HEAD / HTTP/1.1\r\nConnection: close",
		"POST / HTTP/1.1\r\nContent-Length: 5",
		"GET / HTTP/1.1\r\nTransfer-Encoding: chunked",
		"GET  / HTTP/1.1",
		"GET / HTTP/1.1\r\n: empty",
		"garbage",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, head string) {
		req, status := parseRequest([]byte(head))
		if status != 0 {
			if http.StatusText(status) == "" || status < 400 {
				t.Fatalf("status %d for %q", status, head)
			}
			return
		}
		if req.method != http.MethodGet && req.method != http.MethodHead {
			t.Fatalf("accepted method %q", req.method)
		}
		if !strings.HasPrefix(req.path, "/") || strings.Contains(req.path, "?") {
			t.Fatalf("accepted path %q", req.path)
		}
		status2, body := route(req.path)
		if status2 != http.StatusOK && status2 != http.StatusNotFound || body == "" {
			t.Fatalf("route %q: %d %q", req.path, status2, body)
		}
	})
}
