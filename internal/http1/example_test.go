package http1_test

import (
	"fmt"
	"time"

	"github.com/aio-go/aio/internal/http1"
)

// A server feeds each read to the parser as it comes, here in two pieces
// that split the head.
func ExampleParser() {
	var p http1.Parser // reads requests with the default limits
	reads := []string{
		"POST /echo HTTP/1.1\r\nHost: example.com\r\nContent-Le",
		"ngth: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
	}
	for _, read := range reads {
		in := []byte(read)
		for {
			n, ev, body, err := p.Feed(in)
			if err != nil {
				fmt.Println("answer", err.(*http1.Error).Status, "and close:", err)
				return
			}
			in = in[n:]
			switch ev {
			case http1.EventHead:
				r := p.Request()
				fmt.Printf("%s %s length=%d keep-alive=%v\n", r.Method, r.Target, r.ContentLength, r.KeepAlive)
			case http1.EventBody:
				fmt.Printf("body %q\n", body)
			case http1.EventEnd:
				fmt.Println("end")
			}
			if ev == http1.EventNone {
				break // all of this read consumed
			}
		}
	}
	// Output:
	// POST /echo length=5 keep-alive=true
	// body "hello"
	// end
	// GET / length=0 keep-alive=true
	// end
}

// A malformed request gets an error carrying the status to answer.
func ExampleError() {
	var p http1.Parser
	_, _, _, err := p.Feed([]byte("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"))
	if e, ok := err.(*http1.Error); ok {
		fmt.Println(e.Status, e.Reason)
	}
	// Output:
	// 400 both Content-Length and Transfer-Encoding
}

// A client reads a chunked response with trailers.
func ExampleParser_response() {
	var p http1.Parser
	p.Init(http1.Responses, http1.Config{})
	p.SetRequestMethod("GET")
	in := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nChecksum: 1\r\n\r\n")
	for {
		n, ev, body, err := p.Feed(in)
		if err != nil {
			fmt.Println(err)
			return
		}
		in = in[n:]
		switch ev {
		case http1.EventHead:
			fmt.Println(p.Response().Status, "chunked:", p.Response().Chunked)
		case http1.EventBody:
			fmt.Printf("%q\n", body)
		case http1.EventEnd:
			v, _ := p.Trailers().Get("checksum")
			fmt.Printf("trailer %s\n", v)
		}
		if ev == http1.EventNone {
			return
		}
	}
	// Output:
	// 200 chunked: true
	// "abc"
	// trailer 1
}

// A server builds a response for one writev.
func ExampleWriter() {
	var date http1.Date // one per event loop
	date.Update(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

	var w http1.Writer // one per connection, reused
	w.Reset()
	w.StatusLine(200, "")
	w.Date(&date)
	w.Header("Content-Type", "text/plain")
	w.ContentLength(5)
	w.EndHead()
	w.Body([]byte("hello"))
	if err := w.End(nil); err != nil {
		fmt.Println(err)
		return
	}
	bufs, _ := w.Buffers() // hand to writev
	fmt.Println(len(bufs), "buffer(s)")
	fmt.Printf("%q\n", w.AppendTo(nil))
	// Output:
	// 1 buffer(s)
	// "HTTP/1.1 200 OK\r\nDate: Fri, 02 Jan 2026 03:04:05 GMT\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
}

// Chunked framing: each Body call is one chunk; End writes the last chunk
// and the trailers.
func ExampleWriter_chunked() {
	var w http1.Writer
	w.Reset()
	w.StatusLine(200, "OK")
	w.Chunked()
	w.EndHead()
	w.Body([]byte("hello, "))
	w.Body([]byte("world"))
	w.End(http1.Headers{{Name: []byte("Checksum"), Value: []byte("42")}})
	fmt.Printf("%q\n", w.AppendTo(nil))
	// Output:
	// "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nhello, \r\n5\r\nworld\r\n0\r\nChecksum: 42\r\n\r\n"
}

// A header value that would split the response is refused.
func ExampleWriter_Header() {
	var w http1.Writer
	w.Reset()
	w.StatusLine(302, "")
	err := w.Header("Location", "/x\r\nSet-Cookie: admin=1")
	fmt.Println(err)
	// Output:
	// http1: CR, LF, NUL or control character in a header field value
}

// Header lookup ignores case and does not allocate.
func ExampleHeaders_Get() {
	var p http1.Parser
	p.Feed([]byte("GET / HTTP/1.1\r\nHost: example.com\r\nX-Request-Id: 42\r\n\r\n"))
	id, ok := p.Request().Headers.Get("x-request-id")
	fmt.Printf("%s %v\n", id, ok)
	// Output:
	// 42 true
}

// An event loop owns one Date and updates it with the time it already
// has; every response of that second shares one formatting.
func ExampleDate() {
	var d http1.Date
	t := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	d.Update(t)
	d.Update(t.Add(300 * time.Millisecond)) // same second: nothing to do
	fmt.Printf("%s\n", d.Bytes())
	// Output:
	// Mon, 30 Nov 2026 08:00:00 GMT
}
