package http1

import (
	"errors"
	"io"
	"slices"
	"testing"
)

func TestRequestHead(t *testing.T) {
	tests := []struct {
		in                                     string
		cl                                     int64
		chunked, keepAlive, upgrade, expect100 bool
		host                                   string
	}{
		{"GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0, false, true, false, false, "h"},
		{"GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", 0, false, false, false, false, "h"},
		{"GET / HTTP/1.0\r\n\r\n", 0, false, false, false, false, ""},
		{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, false, true, false, false, ""},
		{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 007\r\n\r\n", 7, false, true, false, false, "h"},
		{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: , Chunked\r\n\r\n", -1, true, true, false, false, "h"},
		{"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n", 0, false, true, true, false, "h"},
		{"GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n", 0, false, true, false, false, "h"},
		{"CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nContent-Length: 5\r\n\r\n", 0, false, true, true, false, "h:443"},
		{"PUT / HTTP/1.1\r\nHost: [::1]:80\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n", 1, false, true, false, true, "[::1]:80"},
		{"PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", 0, false, false, false, false, ""},
		{"OPTIONS * HTTP/1.1\r\nHost: \r\n\r\n", 0, false, true, false, false, ""},
		{"GET http://x/y HTTP/1.1\r\nHost: x\r\n\r\n", 0, false, true, false, false, "x"},
		{"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip;q=1, chunked\r\n\r\n", -1, true, true, false, false, "h"},
	}
	for _, tc := range tests {
		var p Parser
		n, ev, _, err := p.Feed([]byte(tc.in))
		if err != nil || ev != EventHead || n != len(tc.in) {
			t.Fatalf("%q: n %d ev %v err %v", tc.in, n, ev, err)
		}
		r := p.Request()
		if r.ContentLength != tc.cl || r.Chunked != tc.chunked || r.KeepAlive != tc.keepAlive ||
			r.Upgrade != tc.upgrade || r.Expect100 != tc.expect100 || string(r.Host) != tc.host {
			t.Errorf("%q: %+v", tc.in, *r)
		}
	}
}

func TestHeaderValues(t *testing.T) {
	var p Parser
	in := "GET /a?b HTTP/1.1\r\nHost:h\r\nX-A: \t v a l \t\r\nx-b:\r\nX-C: caf\xc3\xa9\r\n\r\n"
	if _, ev, _, err := p.Feed([]byte(in)); ev != EventHead || err != nil {
		t.Fatal(ev, err)
	}
	r := p.Request()
	if string(r.Method) != "GET" || string(r.Target) != "/a?b" || r.Minor != 1 {
		t.Fatalf("%q %q %d", r.Method, r.Target, r.Minor)
	}
	want := []string{"Host: h", "X-A: v a l", "x-b: ", "X-C: caf\xc3\xa9"}
	if got := fields(r.Headers); !slices.Equal(got, want) {
		t.Fatalf("%q", got)
	}
	if v, ok := r.Headers.Get("X-B"); !ok || len(v) != 0 {
		t.Fatal("Get x-b")
	}
	if v, _ := r.Headers.Get("x-a"); string(v) != "v a l" {
		t.Fatalf("Get x-a %q", v)
	}
	if _, ok := r.Headers.Get("x-d"); ok {
		t.Fatal("Get x-d found")
	}
	// Capacity ends at the length: appending cannot overwrite the next field.
	v, _ := r.Headers.Get("x-a")
	_ = append(v, "ZZZZ"...)
	if v2, _ := r.Headers.Get("x-b"); string(r.Headers[2].Name) != "x-b" || len(v2) != 0 {
		t.Fatal("append wrote into the buffer")
	}
}

// A Content-Length body comes as sub-slices of the input, then EventEnd.
func TestBodyZeroCopy(t *testing.T) {
	var p Parser
	in := []byte("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET")
	n, ev, _, _ := p.Feed(in)
	if ev != EventHead {
		t.Fatal(ev)
	}
	m, ev, body, err := p.Feed(in[n:])
	if ev != EventBody || string(body) != "hello" || &body[0] != &in[n] || m != 5 || err != nil {
		t.Fatalf("%v %q %d %v", ev, body, m, err)
	}
	if k, ev, _, _ := p.Feed(in[n+m:]); ev != EventEnd || k != 0 {
		t.Fatalf("%v %d", ev, k)
	}
}

func TestChunkedTrailers(t *testing.T) {
	var p Parser
	in := "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5;a=b;c=\"d\\\"\" ; e\r\nhello\r\nA\r\n0123456789\r\n0\r\nT1: x\r\nT2: y\r\n\r\n"
	evs, body, err := feedAll(t, &p, in)
	if err != nil || body != "hello0123456789" {
		t.Fatalf("%v %q", err, body)
	}
	if !slices.Equal(evs, []Event{EventHead, EventBody, EventBody, EventEnd}) {
		t.Fatal(evs)
	}
	if got := fields(p.Trailers()); !slices.Equal(got, []string{"T1: x", "T2: y"}) {
		t.Fatal(got)
	}
}

func TestResponses(t *testing.T) {
	tests := []struct {
		method, in string
		status     int
		body       string
		cl         int64
		chunked    bool
		untilClose bool
		keepAlive  bool
		upgrade    bool
	}{
		{"GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", 2, false, false, true, false},
		{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", 200, "", 0, false, false, true, false},
		{"HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 200, "", 0, false, false, true, false},
		{"GET", "HTTP/1.1 204 No Content\r\n\r\n", 204, "", 0, false, false, true, false},
		{"GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 304, "", 0, false, false, true, false},
		{"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok", -1, true, false, true, false},
		{"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw", 200, "raw", -1, false, true, false, false},
		{"GET", "HTTP/1.0 200 OK\r\n\r\nuntil close", 200, "until close", -1, false, true, false, false},
		{"GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 101, "", 0, false, false, true, true},
		{"CONNECT", "HTTP/1.1 200 Connection established\r\n\r\n", 200, "", 0, false, false, true, true},
		{"GET", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false, false, true, false},
		{"GET", "HTTP/1.1 200 OK\r\nHost: a b\r\nHost: c\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false, false, true, false},
		{"GET", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 200, "x", 1, false, false, false, false},
	}
	for _, tc := range tests {
		var p Parser
		p.Init(Responses, Config{})
		p.SetRequestMethod(tc.method)
		evs, body, err := feedAll(t, &p, tc.in)
		if err != nil || len(evs) == 0 || evs[0] != EventHead {
			t.Fatalf("%q: %v %v", tc.in, evs, err)
		}
		if tc.untilClose {
			if ev, err := p.Finish(); ev != EventEnd || err != nil {
				t.Fatalf("%q: Finish %v %v", tc.in, ev, err)
			}
		} else if evs[len(evs)-1] != EventEnd {
			t.Fatalf("%q: %v", tc.in, evs)
		}
		r := p.Response()
		if r.Status != tc.status || body != tc.body || r.ContentLength != tc.cl || r.Chunked != tc.chunked ||
			r.UntilClose != tc.untilClose || r.KeepAlive != tc.keepAlive || r.Upgrade != tc.upgrade {
			t.Errorf("%q: body %q %+v", tc.in, body, *r)
		}
	}
}

// An informational response is followed by the final one; the request
// method applies to one final response only.
func TestResponseSequence(t *testing.T) {
	var p Parser
	p.Init(Responses, Config{})
	p.SetRequestMethod("HEAD")
	in := "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n" +
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
	evs, body, err := feedAll(t, &p, in)
	want := []Event{EventHead, EventEnd, EventHead, EventEnd, EventHead, EventEnd, EventHead, EventBody, EventEnd}
	if err != nil || body != "abc" || !slices.Equal(evs, want) {
		t.Fatalf("%v %q %v", evs, body, err)
	}
}

func TestFinish(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ev   Event
		fail bool
	}{
		{"", EventNone, false},
		{"\r\n\r\n", EventNone, false},
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", EventNone, false},
		{"GET / HT", EventNone, true},
		{"GET / HTTP/1.1\r\nHost: a\r\n", EventNone, true},
		{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab", EventNone, true},
		{"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na", EventNone, true},
	} {
		var p Parser
		feedAll(t, &p, tc.in)
		ev, err := p.Finish()
		if ev != tc.ev || (err != nil) != tc.fail || err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: %v %v", tc.in, ev, err)
		}
		if _, _, _, err := p.Feed([]byte("x")); err == nil {
			t.Errorf("%q: Feed after Finish accepted", tc.in)
		}
	}
	// A message whose end is pending is reported by Finish.
	var p Parser
	p.Init(Requests, Config{})
	p.Feed([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
	if ev, err := p.Finish(); ev != EventEnd || err != nil {
		t.Fatalf("pending end: %v %v", ev, err)
	}
}

// Reset makes a failed parser usable for a new connection.
func TestReset(t *testing.T) {
	var p Parser
	if _, _, err := feedAll(t, &p, "BAD\r\n"); err == nil {
		t.Fatal("accepted")
	}
	p.Reset()
	evs, _, err := feedAll(t, &p, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if err != nil || !slices.Equal(evs, []Event{EventHead, EventEnd}) {
		t.Fatal(evs, err)
	}
}

// Keep-alive requests one after another in one input, with the CRLF some
// clients add between them.
func TestPipelined(t *testing.T) {
	in := "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
	tr := run(runOpts{}, []byte(in), nil)
	if tr.err != nil || len(tr.msgs) != 3 || tr.msgs[2].target != "/3" || string(tr.msgs[1].body) != "x" {
		t.Fatal(tr)
	}
}

// A body read until close may reach the limit exactly.
func TestUntilCloseLimit(t *testing.T) {
	var p Parser
	p.Init(Responses, Config{MaxBodySize: 10})
	evs, body, err := feedAll(t, &p, "HTTP/1.1 200 OK\r\n\r\n0123456789")
	if err != nil || body != "0123456789" || len(evs) != 2 {
		t.Fatal(evs, body, err)
	}
	if ev, err := p.Finish(); ev != EventEnd || err != nil {
		t.Fatal(ev, err)
	}
}
