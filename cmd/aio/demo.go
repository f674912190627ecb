package main

import (
	"bytes"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// The demo app answers with a small HTTP/1.1 responder written directly on
// aio's protocol layer: it parses each request in DataReceived, runs the
// handler as a task (the asynchronous sleep of the tutorial), and writes
// the response from there. It is strict: anything it does not understand
// gets a 4xx and a close. It stands in for the web package until that
// exists.

const (
	maxHeaderBytes = 8 << 10
	handlerDelay   = 500 * time.Millisecond
)

// demoProtocol serves one connection, one request at a time; pipelined
// requests wait in buf while reading is paused.
type demoProtocol struct {
	tr      aio.Transport
	loop    *aio.Loop
	buf     []byte
	busy    *aio.Future[struct{}] // the request being handled
	closing bool
}

func newDemoProtocol() *demoProtocol { return &demoProtocol{} }

func (p *demoProtocol) ConnectionMade(tr aio.Transport) {
	p.tr = tr
	p.loop = tr.Loop()
}

func (p *demoProtocol) DataReceived(data []byte) {
	p.buf = append(p.buf, data...)
	p.next()
}

func (p *demoProtocol) ConnectionLost(error) {
	if p.busy != nil {
		p.busy.Cancel()
	}
}

// request is what the demo needs of a parsed request.
type request struct {
	method, path string
	keepAlive    bool
}

// next starts on the next complete request in the buffer, if idle.
func (p *demoProtocol) next() {
	if p.busy != nil || p.closing {
		return
	}
	end := bytes.Index(p.buf, []byte("\r\n\r\n"))
	if end < 0 {
		if len(p.buf) > maxHeaderBytes {
			p.fail(http.StatusRequestHeaderFieldsTooLarge)
		}
		return
	}
	req, status := parseRequest(p.buf[:end])
	p.buf = p.buf[end+4:]
	if status != 0 {
		p.fail(status)
		return
	}
	p.tr.PauseReading()
	p.busy = aio.CreateTask(p.loop, func(t *aio.Task) (struct{}, error) {
		return struct{}{}, p.handle(t, req)
	})
}

// handle runs the route for req and writes the response.
func (p *demoProtocol) handle(t *aio.Task, req request) error {
	status, body := route(req.path)
	if status == http.StatusOK {
		if err := aio.Sleep(t, handlerDelay); err != nil {
			return err // the connection went away
		}
	}
	keepAlive := req.keepAlive && !p.closing // closing: the server stops
	if req.method == http.MethodHead {
		p.respond(status, body, keepAlive, false)
	} else {
		p.respond(status, body, keepAlive, true)
	}
	p.busy = nil
	if !keepAlive {
		p.closing = true
		p.tr.Close()
		return nil
	}
	p.tr.ResumeReading()
	p.loop.CallSoonNoHandle(p.next) // a pipelined request may be waiting
	return nil
}

// route is the seed's application: two pages.
func route(path string) (int, string) {
	switch {
	case path == "/":
		return http.StatusOK, "<h1>Index</h1>"
	case strings.HasPrefix(path, "/hello/") && len(path) > len("/hello/") && !strings.Contains(path[len("/hello/"):], "/"):
		return http.StatusOK, "<h1>hello, " + html.EscapeString(path[len("/hello/"):]) + "!</h1>"
	}
	return http.StatusNotFound, "<h1>404: Not Found</h1>"
}

func (p *demoProtocol) respond(status int, body string, keepAlive, withBody bool) {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	b.WriteString("Content-Type: text/html; charset=utf-8\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b.WriteString("Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	b.WriteString("Server: aio-demo\r\n")
	if !keepAlive {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	if withBody {
		b.WriteString(body)
	}
	p.tr.Write([]byte(b.String()))
}

// fail answers a bad request and closes the connection.
func (p *demoProtocol) fail(status int) {
	p.closing = true
	p.respond(status, "<h1>"+strconv.Itoa(status)+": "+http.StatusText(status)+"</h1>", false, true)
	p.tr.Close()
}

// parseRequest reads a request head (without the final CRLFCRLF). It
// returns a non-zero status for a request the demo refuses.
func parseRequest(head []byte) (request, int) {
	lines := strings.Split(string(head), "\r\n")
	parts := strings.Split(lines[0], " ")
	if len(parts) != 3 || parts[1] == "" || parts[1][0] != '/' {
		return request{}, http.StatusBadRequest
	}
	req := request{method: parts[0], path: parts[1]}
	switch parts[2] {
	case "HTTP/1.1":
		req.keepAlive = true
	case "HTTP/1.0":
	default:
		return request{}, http.StatusHTTPVersionNotSupported
	}
	if i := strings.IndexByte(req.path, '?'); i >= 0 {
		req.path = req.path[:i]
	}
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return request{}, http.StatusBadRequest
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "connection":
			switch strings.ToLower(value) {
			case "close":
				req.keepAlive = false
			case "keep-alive":
				req.keepAlive = true
			}
		case "content-length":
			if value != "0" {
				return request{}, http.StatusRequestEntityTooLarge // the demo takes no bodies
			}
		case "transfer-encoding":
			return request{}, http.StatusNotImplemented
		}
	}
	if req.method != http.MethodGet && req.method != http.MethodHead {
		return request{}, http.StatusMethodNotAllowed
	}
	return req, 0
}
