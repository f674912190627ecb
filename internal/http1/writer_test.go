package http1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	var d Date
	if d.Bytes() != nil {
		t.Fatal("zero Date not empty")
	}
	t0 := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	d.Update(t0.In(time.FixedZone("X", 3600)))
	if got := string(d.Bytes()); got != "Sun, 06 Nov 1994 08:49:37 GMT" {
		t.Fatalf("%q", got)
	}
	b := d.Bytes()
	d.Update(t0.Add(999 * time.Millisecond)) // same second: same value
	if string(b) != "Sun, 06 Nov 1994 08:49:37 GMT" {
		t.Fatalf("%q", b)
	}
	d.Update(t0.Add(time.Second))
	if got := string(d.Bytes()); got != "Sun, 06 Nov 1994 08:49:38 GMT" {
		t.Fatalf("%q", got)
	}
	if _, err := http.ParseTime(string(d.Bytes())); err != nil {
		t.Fatal(err)
	}
}

// A Date never updated writes no Date field (a server without a clock).
func TestWriterNoDate(t *testing.T) {
	var w Writer
	var d Date
	w.StatusLine(204, "")
	w.Date(&d)
	w.EndHead()
	if got := string(w.AppendTo(nil)); got != "HTTP/1.1 204 No Content\r\n\r\n" {
		t.Fatalf("%q", got)
	}
}

// Every status line, whether from the table of registered codes or
// built, is "HTTP/1.1 code reason", the reason defaulting to StatusText.
func TestWriterStatusLines(t *testing.T) {
	var w Writer
	for code := 100; code <= 999; code++ {
		for _, reason := range []string{"", "Custom Reason"} {
			w.Reset()
			if err := w.StatusLine(code, reason); err != nil {
				t.Fatalf("%d %q: %v", code, reason, err)
			}
			want := reason
			if want == "" {
				want = StatusText(code)
			}
			want = "HTTP/1.1 " + strconv.Itoa(code) + " " + want + "\r\n"
			if got := string(w.AppendTo(nil)); got != want {
				t.Fatalf("%d %q: %q, want %q", code, reason, got, want)
			}
		}
	}
}

// The same second is not formatted again: the cache's point. (TestDate's
// same-second check cannot see a reformat, which writes the same bytes;
// this one can.)
func TestDateCached(t *testing.T) {
	var d Date
	t0 := time.Unix(1e9, 0)
	if !d.Update(t0) {
		t.Error("the first Update reported no change")
	}
	d.b[0] = 'X' // a reformat would overwrite this
	if d.Update(t0.Add(500 * time.Millisecond)) {
		t.Error("an Update within the same second reported a change")
	}
	if d.b[0] != 'X' {
		t.Fatal("reformatted within the same second")
	}
	if !d.Update(t0.Add(time.Second)) || d.b[0] == 'X' {
		t.Error("the next second was not taken")
	}
}

// A Prefix saved after the head's first lines starts a later message
// with the same bytes; none is saved after an error or body bytes.
func TestWriterPrefix(t *testing.T) {
	var w Writer
	var p Prefix
	w.StatusLine(200, "")
	w.Header("Content-Type", "text/plain")
	if !w.SavePrefix(&p) {
		t.Fatal("SavePrefix refused a valid head's start")
	}
	w.ContentLength(2)
	w.EndHead()
	w.Body([]byte("ok"))
	first := string(w.AppendTo(nil))

	w.Reset()
	w.UsePrefix(&p)
	w.ContentLength(2)
	w.EndHead()
	w.Body([]byte("ok"))
	if got := string(w.AppendTo(nil)); got != first {
		t.Errorf("with the prefix:\n%q\nwant\n%q", got, first)
	}
	if w.SavePrefix(&p) || len(p.b) != 0 {
		t.Error("a prefix was saved after body bytes")
	}
	w.Reset()
	w.StatusLine(200, "")
	w.Header("X", "a\r\nb")
	if w.SavePrefix(&p) || len(p.b) != 0 {
		t.Error("a prefix was saved after an error")
	}
}

func TestWriterResponse(t *testing.T) {
	var w Writer
	var d Date
	d.Update(time.Unix(0, 0))
	body := []byte(strings.Repeat("b", 1000))
	bufs := buildResponse(&w, &d, body)
	if len(bufs) != 2 || &bufs[1][0] != &body[0] {
		t.Fatalf("%d buffers; a large body should be referenced", len(bufs))
	}
	want := "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nServer: aio\r\nContent-Length: 1000\r\n\r\n" + string(body)
	if got := string(w.AppendTo(nil)); got != want {
		t.Fatalf("%q", got)
	}
	small := buildResponse(&w, &d, []byte("hi"))
	if len(small) != 1 {
		t.Fatalf("%d buffers: a small body should be copied", len(small))
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(w.AppendTo(nil))), nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "hi" || resp.StatusCode != 200 {
		t.Fatalf("%d %q", resp.StatusCode, b)
	}
}

// A chunked response reads back the same through net/http and through
// this package's parser.
func TestWriterChunked(t *testing.T) {
	var w Writer
	large := []byte(strings.Repeat("L", 300))
	buildChunked(&w, large)
	out := w.AppendTo(nil)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	want := string(large) + string(large[:10])
	if err != nil || string(b) != want || resp.Trailer.Get("T") != "v" {
		t.Fatalf("%v %q %v", err, b, resp.Trailer)
	}
	tr := run(runOpts{mode: Responses}, out, nil)
	if tr.err != nil || len(tr.msgs) != 1 || string(tr.msgs[0].body) != want || tr.msgs[0].trailers[0] != "T: v" {
		t.Fatal(tr)
	}
}

func TestWriterRequest(t *testing.T) {
	var w Writer
	w.Reset()
	w.RequestLine("POST", "/submit?a=1")
	w.Header("Host", "example.com")
	w.ContentLength(3)
	w.EndHead()
	w.Body([]byte("abc"))
	if err := w.End(nil); err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(w.AppendTo(nil))))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(req.Body); req.Method != "POST" || req.RequestURI != "/submit?a=1" || req.Host != "example.com" || string(b) != "abc" {
		t.Fatalf("%+v %q", req, b)
	}
}

// A field written before is not checked again (Writer.checked), yet a
// different string, even an equal one in other bytes, still is, and a
// bad one is refused after good ones filled the memo.
func TestWriterCheckedFields(t *testing.T) {
	var w Writer
	head := func(name, value string) (string, error) {
		w.Reset()
		w.StatusLine(200, "")
		err := w.Header(name, value)
		w.EndHead()
		return string(w.AppendTo(nil)), err
	}
	if _, err := head("", ""); !errors.Is(err, ErrInvalidHeader) { // the empty memo holds "" too
		t.Errorf("Header(\"\", \"\") on a fresh Writer = %v, want ErrInvalidHeader", err)
	}
	const ct = "text/plain; charset=utf-8"
	for i := range 6 { // more rounds than memo entries
		got, err := head("Content-Type", ct)
		if err != nil || got != "HTTP/1.1 200 OK\r\nContent-Type: "+ct+"\r\n\r\n" {
			t.Fatalf("round %d: %q, %v", i, got, err)
		}
		if _, err := head(fmt.Sprint("X-", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	bad := []byte(ct)
	bad[4] = '\n' // same length as ct, other bytes
	for _, tc := range []struct{ name, value string }{
		{"Content-Type", string(bad)},
		{"Content-Type", "a\r\nSet-Cookie: x"},
		{"Content Type", ct},
		{"", ""},
	} {
		if _, err := head(tc.name, tc.value); !errors.Is(err, ErrInvalidHeader) {
			t.Errorf("Header(%q, %q) = %v, want ErrInvalidHeader", tc.name, tc.value, err)
		}
	}
}

// Whatever would split the message is refused, and the error sticks.
func TestWriterRefuses(t *testing.T) {
	for name, f := range map[string]func(w *Writer) error{
		"CRLF in value": func(w *Writer) error { return w.Header("X", "a\r\nSet-Cookie: evil") },
		"LF in value":   func(w *Writer) error { return w.Header("X", "a\nb") },
		"CR in value":   func(w *Writer) error { return w.HeaderBytes("X", []byte("a\rb")) },
		"NUL in value":  func(w *Writer) error { return w.Header("X", "a\x00") },
		"CRLF in name":  func(w *Writer) error { return w.Header("X\r\nY", "a") },
		"colon in name": func(w *Writer) error { return w.Header("X:", "a") },
		"empty name":    func(w *Writer) error { return w.Header("", "a") },
		"status code":   func(w *Writer) error { return w.StatusLine(42, "") },
		"reason CRLF":   func(w *Writer) error { return w.StatusLine(200, "OK\r\nX: y") },
		"method":        func(w *Writer) error { return w.RequestLine("GE T", "/") },
		"target":        func(w *Writer) error { return w.RequestLine("GET", "/a b") },
		"trailer":       func(w *Writer) error { w.Chunked(); return w.End(Headers{{Name: []byte("T"), Value: []byte("\n")}}) },
		"short body":    func(w *Writer) error { w.ContentLength(5); w.Body([]byte("abc")); return w.End(nil) },
		"long body":     func(w *Writer) error { w.ContentLength(1); w.Body([]byte("abc")); return w.End(nil) },
	} {
		var w Writer
		w.Reset()
		before := len(w.AppendTo(nil))
		err := f(&w)
		if !errors.Is(err, ErrInvalidHeader) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, berr := w.Buffers(); berr != err {
			t.Errorf("%s: Buffers error %v", name, berr)
		}
		if name != "trailer" && name != "short body" && name != "long body" && len(w.AppendTo(nil)) != before {
			t.Errorf("%s: refused bytes were written", name)
		}
	}
}

func TestStatusText(t *testing.T) {
	// RFC 9110's names where net/http keeps RFC 7231's.
	renamed := map[int]bool{413: true, 414: true, 416: true, 418: true, 422: true}
	for code := 100; code < 600; code++ {
		if ours, theirs := StatusText(code), http.StatusText(code); ours != theirs && !renamed[code] {
			t.Errorf("%d: %q, net/http %q", code, ours, theirs)
		}
	}
	if StatusText(413) != "Content Too Large" || StatusText(999) != "" {
		t.Fatal(StatusText(413))
	}
}

// A response to HEAD announces a length it does not send.
func TestWriterOmitBody(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		var w Writer
		w.Reset()
		w.StatusLine(200, "")
		if chunked {
			w.Chunked()
		} else {
			w.ContentLength(100)
		}
		w.EndHead()
		w.OmitBody()
		w.Body([]byte("ignored"))
		if err := w.End(nil); err != nil {
			t.Fatal(err)
		}
		got := string(w.AppendTo(nil))
		if !strings.HasSuffix(got, "\r\n\r\n") || strings.Contains(got, "ignored") || strings.Contains(got, "\r\n\r\n0\r\n") {
			t.Fatalf("%q", got)
		}
		if tr := run(runOpts{mode: Responses, methods: []string{"HEAD"}}, []byte(got), nil); tr.err != nil || len(tr.msgs) != 1 || !tr.msgs[0].complete {
			t.Fatal(tr)
		}
	}
}
