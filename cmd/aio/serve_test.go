package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServe runs the demo server on a free port for the test's duration.
func startServe(t *testing.T) string {
	t.Helper()
	ctl, addr, out, done := launchServe(t)
	t.Cleanup(func() {
		close(ctl.stop)
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
		if !strings.Contains(out.String(), "Server started at http://127.0.0.1:") {
			t.Errorf("banner: %q", out.String())
		}
	})
	return addr
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func TestServeRoutes(t *testing.T) {
	addr := startServe(t)
	defer http.DefaultClient.CloseIdleConnections()
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, "<h1>Index</h1>"},
		{"/hello/bob", 200, "<h1>hello, bob!</h1>"},
		{"/hello/%3Cb%3E%20x", 200, "<h1>hello, &lt;b&gt; x!</h1>"},
		{"/hello/a/b", 404, "404: Not Found"},
		{"/nope?x=1", 404, "404: Not Found"},
	}
	for _, c := range cases {
		status, body, h := get(t, "http://"+addr+c.path)
		if status != c.status || body != c.body {
			t.Errorf("GET %s: %d %q", c.path, status, body)
		}
		want := "text/html; charset=utf-8"
		if c.status == 404 {
			want = "text/plain; charset=utf-8"
		}
		if h.Get("Content-Type") != want {
			t.Errorf("GET %s: content type %q", c.path, h.Get("Content-Type"))
		}
	}
}

// rawExchange sends raw bytes and reads until the server closes.
func rawExchange(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a bound, not a pass/fail timing
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	return string(b)
}

func TestServePipelinedKeepAlive(t *testing.T) {
	addr := startServe(t)
	out := rawExchange(t, addr, "GET /hello/one HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /hello/two HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	r := bufio.NewReader(strings.NewReader(out))
	for _, want := range []string{"<h1>hello, one!</h1>", "<h1>hello, two!</h1>", "<h1>Index</h1>"} {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("reading response for %q: %v\n%s", want, err, out)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != want {
			t.Fatalf("got %q, want %q", b, want)
		}
	}
}

func TestServeRejectsBadRequests(t *testing.T) {
	addr := startServe(t)
	cases := map[string]string{
		"garbage\r\n\r\n":        "400 Bad Request",
		"GET / HTTP/2.0\r\n\r\n": "505 HTTP Version Not Supported",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n":                              "405 Method Not Allowed",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n": "400 Bad Request",
		"GET / HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n":                                      "400 Bad Request",
		"GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 40000):                        "431 Request Header Fields Too Large",
	}
	for req, want := range cases {
		if out := rawExchange(t, addr, req); !strings.HasPrefix(out, "HTTP/1.1 "+want+"\r\n") {
			t.Errorf("%.30q: got %.60q, want %s", req, out, want)
		}
	}
	// HTTP/1.0 closes after the response; HEAD has no body.
	out := rawExchange(t, addr, "HEAD / HTTP/1.0\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Connection: close") || strings.Contains(out, "Index") {
		t.Errorf("HEAD over HTTP/1.0: %q", out)
	}
}

func TestRunCommandLine(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"help"}, &out, &errb); err != nil || !strings.Contains(out.String(), "serve") {
		t.Fatalf("help: %v %q", err, out.String())
	}
	if err := run([]string{"bogus"}, &out, &errb); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(nil, &out, &errb); err == nil {
		t.Fatal("no command accepted")
	}
	if err := run([]string{"serve", "-addr", "256.0.0.1:0"}, &out, &errb); err == nil {
		t.Fatal("bad address accepted")
	}
}
