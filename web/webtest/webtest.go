// Package webtest serves a [web.App] for tests, as net/http/httptest does
// for net/http handlers and pytest-aiohttp's aiohttp_client fixture for
// aiohttp applications.
//
// Two forms:
//
//   - [NewServer] serves the App on a loop of its own goroutine at a free
//     loopback port, for ordinary clients (net/http, curl, raw sockets).
//     It runs on the real clock.
//   - [Start] serves it on the calling task's loop, and [LoopServer.Dial]
//     connects a [Conn] from the same loop. Every byte then goes through
//     that loop, so under aio's virtual clock ([aio.VirtualClock],
//     [aiotest.Run]) timeouts run in no time and the same way every
//     time.
package webtest

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// Server is an App served on its own loop for a test.
type Server struct {
	URL    string       // the base URL, "http://127.0.0.1:port"
	Client *http.Client // a client for the server, closed with it
	rn     *web.Runner
}

// NewServer serves app on one loop at a free port of 127.0.0.1 (the
// options may change anything but the address) and closes it when the
// test ends. It runs the App's startup hooks first and its shutdown and
// cleanup hooks at the end, and fails the test if any fails.
func NewServer(tb testing.TB, app *web.App, opts ...web.Option) *Server {
	tb.Helper()
	opts = append([]web.Option{web.Loops(1)}, opts...)
	rn := web.NewRunner(app, append(opts, web.Addr("127.0.0.1:0"), web.Network("tcp"))...)
	if err := rn.Start(); err != nil {
		tb.Fatalf("webtest: %v", err)
	}
	s := &Server{URL: "http://" + rn.Addr().String(), Client: &http.Client{Transport: &http.Transport{}}, rn: rn}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("webtest: closing the server: %v", err)
		}
	})
	return s
}

// Addr returns the server's "host:port".
func (s *Server) Addr() string { return strings.TrimPrefix(s.URL, "http://") }

// Runner returns the server's runner (its loops, for instance).
func (s *Server) Runner() *web.Runner { return s.rn }

// Close shuts the server down gracefully (see [web.Runner.Shutdown]);
// closing again does nothing.
func (s *Server) Close() error {
	if s.rn == nil {
		return nil
	}
	s.Client.CloseIdleConnections()
	rn := s.rn
	s.rn = nil
	return rn.Shutdown(context.Background())
}

// Get requests path with GET and returns the status, header and body,
// failing the test on a transport error.
func (s *Server) Get(tb testing.TB, path string) (int, http.Header, string) {
	tb.Helper()
	return s.Do(tb, "GET", path, "", nil)
}

// Do sends a request with the method, path, body (none if "") and header
// fields (name, value pairs) and returns the status, header and body,
// failing the test on a transport error.
func (s *Server) Do(tb testing.TB, method, path, body string, header []string) (int, http.Header, string) {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		tb.Fatalf("webtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("webtest: %s %s: reading the body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// LoopServer is an App served on a test's own loop (see [Start]).
type LoopServer struct {
	Server *aio.Server
	Addr   string // "127.0.0.1:port"
}

// Start serves app on t's loop at a free port of 127.0.0.1 (see
// [web.Serve]). Close its Server (or shut it down) before the test's task
// returns. Hooks are not run.
//
// Cancellation: Start does not suspend.
func Start(t *aio.Task, app *web.App, opts ...web.Option) (*LoopServer, error) {
	srv, err := web.Serve(t, app, append(opts, web.Addr("127.0.0.1:0"), web.Network("tcp"))...)
	if err != nil {
		return nil, err
	}
	return &LoopServer{Server: srv, Addr: srv.Addr().String()}, nil
}

// Dial connects a client to the server from t's loop.
//
// Cancellation: as [aio.OpenConnection].
func (s *LoopServer) Dial(t *aio.Task) (*Conn, error) {
	r, w, err := aio.OpenConnection(t, "tcp", s.Addr)
	if err != nil {
		return nil, err
	}
	c := &Conn{R: r, W: w}
	c.br = bufio.NewReader(&c.in)
	c.in.r = r
	return c, nil
}

// Conn is one client connection on the test's loop: raw bytes out,
// parsed responses in. It is used by one task at a time.
type Conn struct {
	R  *aio.StreamReader
	W  *aio.StreamWriter
	br *bufio.Reader
	in taskReader
}

// Send writes raw bytes: a request, several pipelined, or a part of one.
func (c *Conn) Send(raw string) error { return c.W.Write([]byte(raw)) }

// ReadResponse reads the next response, to a request of the method
// (which tells whether it has a body), body included.
//
// Cancellation: if t is cancelled while ReadResponse waits, it returns
// an error matching [aio.ErrCancelled]; the connection's framing is then
// lost.
func (c *Conn) ReadResponse(t *aio.Task, method string) (*http.Response, string, error) {
	c.in.t = t
	defer func() { c.in.t = nil }()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b), err
}

// Get sends "GET target" with Host and reads the response.
//
// Cancellation: as [Conn.ReadResponse].
func (c *Conn) Get(t *aio.Task, target string) (*http.Response, string, error) {
	if err := c.Send("GET " + target + " HTTP/1.1\r\nHost: webtest\r\n\r\n"); err != nil {
		return nil, "", err
	}
	return c.ReadResponse(t, "GET")
}

// ReadToEOF reads until the server closes the connection and returns
// what came before the end of file.
//
// Cancellation: as [Conn.ReadResponse].
func (c *Conn) ReadToEOF(t *aio.Task) (string, error) {
	c.in.t = t
	defer func() { c.in.t = nil }()
	b, err := io.ReadAll(c.br)
	return string(b), err
}

// Close closes the connection.
func (c *Conn) Close() error { return c.W.Close() }

// taskReader reads a StreamReader as an io.Reader, suspending its task.
type taskReader struct {
	r *aio.StreamReader
	t *aio.Task
}

func (tr *taskReader) Read(p []byte) (int, error) {
	b, err := tr.r.Read(tr.t, len(p))
	if err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, io.EOF
	}
	return copy(p, b), nil
}
