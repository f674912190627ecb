package web_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// rawConn dials the server with a plain socket, bounded in time.
func rawConn(t *testing.T, s *webtest.Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a timing
	return c, bufio.NewReader(c)
}

func readResp(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading a response: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading a body: %v", err)
	}
	return resp, string(b)
}

// expectEOF checks that the server closed the connection with nothing
// more to say.
func expectEOF(t *testing.T, br *bufio.Reader) {
	t.Helper()
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Fatalf("after the last response: %q, %v; want the end of the connection", rest, err)
	}
}

func text(s string) web.Handler {
	return func(t *aio.Task, r *web.Request) (*web.Response, error) { return web.Text(s), nil }
}

func sleepy(d time.Duration, s string) web.Handler {
	return func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(t, d); err != nil {
			return nil, err
		}
		return web.Text(s), nil
	}
}

// Pipelined requests are answered in order on one connection, whether
// their handlers suspend or not, and keep-alive holds across them.
func TestPipelinedInOrder(t *testing.T) {
	app := web.NewApp()
	app.Get("/slow", sleepy(20*time.Millisecond, "slow"))
	app.Get("/fast", text("fast"))
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	req := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n" }
	order := []string{"/slow", "/fast", "/fast", "/slow", "/fast"}
	var all strings.Builder
	for _, p := range order {
		all.WriteString(req(p))
	}
	if _, err := io.WriteString(c, all.String()+"GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(order, "/fast") {
		resp, body := readResp(t, br, "GET")
		if body != p[1:] || resp.StatusCode != 200 {
			t.Fatalf("got %d %q, want the answer to %s", resp.StatusCode, body, p)
		}
	}
	expectEOF(t, br)
}

// A request split into many reads (one byte at a time) is parsed the
// same, and the connection stays open for the next.
func TestSplitRequest(t *testing.T) {
	app := web.NewApp()
	app.Post("/echo", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		return web.Bytes("application/octet-stream", b), nil
	})
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	msg := "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	for i := 0; i < len(msg); i++ {
		if _, err := c.Write([]byte{msg[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if _, body := readResp(t, br, "POST"); body != "hello world" {
		t.Fatalf("body %q", body)
	}
	io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
	if _, body := readResp(t, br, "POST"); body != "abc" {
		t.Fatalf("second body %q", body)
	}
}

// Go's client: keep-alive reuses one connection; bodies of every framing
// arrive.
func TestNetHTTPClient(t *testing.T) {
	app := web.NewApp()
	app.Post("/len", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		return web.Text(strings.Repeat("x", len(b))), nil
	})
	s := webtest.NewServer(t, app)
	var conns atomic.Int32
	s.Client.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conns.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	for _, n := range []int{0, 1, 100, 70000, 1 << 20} {
		status, _, body := s.Do(t, "POST", "/len", strings.Repeat("a", n), nil)
		if status != 200 || len(body) != n {
			t.Fatalf("%d bytes: %d, %d bytes back", n, status, len(body))
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 keep-alive requests, want 1", n)
	}
	// The server answers 413 at the limit, while the client still sends:
	// it must get the answer, not a reset.
	if status, _, body := s.Do(t, "POST", "/len", strings.Repeat("a", 3<<19), nil); status != 413 {
		t.Errorf("a body over MaxBodySize: %d %q", status, body)
	}
}

// HTTP/1.0 closes after the response unless it asks for keep-alive;
// Connection: close on HTTP/1.1 closes; HEAD gets the head only.
func TestConnectionClose(t *testing.T) {
	app := web.NewApp()
	app.Get("/", text("index"))
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	io.WriteString(c, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nHEAD / HTTP/1.0\r\n\r\n")
	resp, body := readResp(t, br, "GET")
	if body != "index" || resp.Header.Get("Connection") != "keep-alive" {
		t.Fatalf("HTTP/1.0 keep-alive: %q %v", body, resp.Header)
	}
	resp, body = readResp(t, br, "HEAD")
	if body != "" || !resp.Close || resp.ContentLength != int64(len("index")) {
		t.Fatalf("HEAD over HTTP/1.0: %q close=%v length %d", body, resp.Close, resp.ContentLength)
	}
	expectEOF(t, br)

	c, br = rawConn(t, s)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, _ := readResp(t, br, "GET"); !resp.Close {
		t.Fatal("Connection: close not answered with close")
	}
	expectEOF(t, br)
}

// Malformed requests get the parser's status, then the connection
// closes; nothing after them is read.
func TestParseErrors(t *testing.T) {
	app := web.NewApp()
	app.Get("/", text("index"))
	s := webtest.NewServer(t, app, web.MaxBodySize(10))
	cases := []struct{ req, status string }{
		{"garbage\r\n\r\n", "400"},
		{"GET / HTTP/1.1\r\n\r\n", "400"}, // no Host
		{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"},
		{"GET /" + strings.Repeat("a", 9000) + " HTTP/1.1\r\n", "414"},
		{"GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 40000), "431"},
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", "413"},
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nbad\r\n\r\n", "200"},
	}
	for _, tc := range cases {
		c, br := rawConn(t, s)
		io.WriteString(c, tc.req)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Errorf("%.40q: %v", tc.req, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		if got := resp.Status[:3]; got != tc.status {
			t.Errorf("%.40q: status %s, want %s", tc.req, resp.Status, tc.status)
		}
		if tc.status == "200" {
			resp, _ = http.ReadResponse(br, nil)
			if resp == nil || resp.StatusCode != 400 {
				t.Errorf("the bad request after a good one: %v", resp)
				continue
			}
			io.Copy(io.Discard, resp.Body)
		}
		if !resp.Close {
			t.Errorf("%.40q: the error response does not say Connection: close", tc.req)
		}
		expectEOF(t, br)
	}
}

// Expect: 100-continue gets the interim answer when the handler reads
// the body, not before; a handler that does not read closes instead.
func TestExpectContinue(t *testing.T) {
	app := web.NewApp()
	app.Post("/read", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s, err := r.Text(t)
		if err != nil {
			return nil, err
		}
		return web.Text("got " + s), nil
	})
	app.Post("/deny", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return nil, web.ErrForbidden
	})
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	io.WriteString(c, "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("interim answer %q, %v", line, err)
	}
	if blank, _ := br.ReadString('\n'); blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q", blank)
	}
	io.WriteString(c, "body")
	if _, body := readResp(t, br, "POST"); body != "got body" {
		t.Fatalf("final answer %q", body)
	}

	c, br = rawConn(t, s)
	io.WriteString(c, "POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	resp, _ := readResp(t, br, "POST")
	if resp.StatusCode != 403 || !resp.Close {
		t.Fatalf("refused upload: %d close=%v", resp.StatusCode, resp.Close)
	}
	expectEOF(t, br)

	// Go's client waits for the 100 before sending.
	status, _, body := s.Do(t, "POST", "/read", "xyz", []string{"Expect", "100-continue"})
	if status != 200 || body != "got xyz" {
		t.Fatalf("net/http with Expect: %d %q", status, body)
	}
}

// A panicking handler answers 500 and closes its connection; the loop
// and other connections go on.
func TestHandlerPanic(t *testing.T) {
	app := web.NewApp()
	app.Get("/boom", func(t *aio.Task, r *web.Request) (*web.Response, error) { panic("boom") })
	app.Get("/", text("fine"))
	var reports atomic.Int32
	s := webtest.NewServer(t, app, web.LoopOptions(aio.WithExceptionHandler(func(l *aio.Loop, c aio.ExceptionContext) {
		if strings.Contains(c.Err.Error(), "boom") {
			reports.Add(1)
		}
	})))
	other, obr := rawConn(t, s)
	c, br := rawConn(t, s)
	io.WriteString(c, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := readResp(t, br, "GET")
	if resp.StatusCode != 500 || !resp.Close || body != "500: Internal Server Error" {
		t.Fatalf("panic: %d close=%v %q", resp.StatusCode, resp.Close, body)
	}
	expectEOF(t, br)
	io.WriteString(other, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := readResp(t, obr, "GET"); body != "fine" {
		t.Fatalf("another connection after the panic: %q", body)
	}
	if reports.Load() != 1 {
		t.Errorf("%d reports of the panic, want 1", reports.Load())
	}
}

// A client that disconnects mid-request cancels its handler's task.
func TestDisconnectCancelsHandler(t *testing.T) {
	started := make(chan struct{})
	ended := make(chan error, 1)
	app := web.NewApp()
	app.Get("/wait", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		close(started)
		err := aio.Sleep(t, time.Hour)
		ended <- err
		return nil, err
	})
	s := webtest.NewServer(t, app)
	c, _ := rawConn(t, s)
	io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
	<-started
	c.Close()
	select {
	case err := <-ended:
		if !errors.Is(err, aio.ErrCancelled) {
			t.Fatalf("the handler's sleep ended with %v, want a cancellation", err)
		}
	case <-time.After(10 * time.Second): // a watchdog, not a timing: the sleep is an hour
		t.Fatal("the handler was not cancelled 10 s after its client went away")
	}
}

// A request asking to upgrade is answered by its route; then the
// connection closes, and the bytes after the request are not parsed as
// HTTP.
func TestUpgradeCloses(t *testing.T) {
	app := web.NewApp()
	app.Get("/ws", text("no websocket here"))
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := readResp(t, br, "GET")
	if body != "no websocket here" || !resp.Close {
		t.Fatalf("upgrade request: %q close=%v", body, resp.Close)
	}
	expectEOF(t, br)
}

// Graceful shutdown answers the request in flight, with Connection:
// close, and closes idle connections at once.
func TestShutdownFinishesInFlight(t *testing.T) {
	started := make(chan struct{})
	app := web.NewApp()
	app.Get("/slow", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		close(started)
		if err := aio.Sleep(t, 50*time.Millisecond); err != nil {
			return nil, err
		}
		return web.Text("done"), nil
	})
	app.Get("/", text("idle"))
	s := webtest.NewServer(t, app)
	idle, ibr := rawConn(t, s)
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	readResp(t, ibr, "GET")
	c, br := rawConn(t, s)
	io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-started
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	resp, body := readResp(t, br, "GET")
	if body != "done" || !resp.Close {
		t.Fatalf("in-flight request during shutdown: %q close=%v", body, resp.Close)
	}
	expectEOF(t, br)
	expectEOF(t, ibr)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// The access log hook sees each request with its status, size and start.
func TestAccessLogHook(t *testing.T) {
	type entry struct {
		line   string
		status int
		sent   int64
		start  bool
	}
	log := make(chan entry, 4)
	app := web.NewApp()
	app.Get("/", text("12345"))
	s := webtest.NewServer(t, app, web.AccessLog(func(r *web.Request, resp *web.Response) {
		log <- entry{r.Method() + " " + r.Target(), resp.StatusCode(), resp.BytesSent(), !r.Start().IsZero()}
	}))
	c, br := rawConn(t, s)
	io.WriteString(c, "GET /?q=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
	readResp(t, br, "GET")
	readResp(t, br, "GET")
	e := <-log
	if e.line != "GET /?q=1" || e.status != 200 || e.sent < 5 || !e.start {
		t.Errorf("first entry %+v", e)
	}
	if e := <-log; e.line != "GET /missing" || e.status != 404 {
		t.Errorf("second entry %+v", e)
	}
}

var _ = aiotest.Run // the virtual-clock tests are in timeout_test.go

// While a handler suspends, a client that pipelines far more than the
// server holds (64 KiB) is paused, not buffered without bound, and every
// request is still answered, in order.
func TestPipelineBackpressure(t *testing.T) {
	app := web.NewApp()
	app.Get("/slow", sleepy(20*time.Millisecond, "slow"))
	app.Get("/n/{i}", echoParams("i"))
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	const n = 5000 // about 200 KiB of requests
	go func() {
		var b strings.Builder
		b.WriteString("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
		for i := range n {
			fmt.Fprintf(&b, "GET /n/%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		}
		io.WriteString(c, b.String())
	}()
	if _, body := readResp(t, br, "GET"); body != "slow" {
		t.Fatalf("first: %q", body)
	}
	for i := range n {
		if _, body := readResp(t, br, "GET"); body != fmt.Sprintf("GET i=%d", i) {
			t.Fatalf("response %d: %q", i, body)
		}
	}
}

// A client that sends its whole oversized body before reading gets the
// 413: the server drops the rest of the body instead of closing on it
// (which would reset the connection and lose the answer).
func TestTooLargeLingers(t *testing.T) {
	app := web.NewApp()
	app.Post("/", text("never"))
	s := webtest.NewServer(t, app, web.MaxBodySize(64<<10))
	c, br := rawConn(t, s)
	const n = 512 << 10
	if _, err := io.WriteString(c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", n, strings.Repeat("a", n))); err != nil {
		t.Fatalf("writing the body: %v", err)
	}
	if resp, _ := readResp(t, br, "POST"); resp.StatusCode != 413 || !resp.Close {
		t.Fatalf("%d close=%v", resp.StatusCode, resp.Close)
	}
}

// A body the handler does not read is skipped when it is all there, and
// the connection serves on; a handler's 1xx status is refused with 500.
func TestUnreadBodyAndInterimStatus(t *testing.T) {
	app := web.NewApp()
	app.Post("/ignore", text("ignored"))
	app.Get("/interim", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.NewResponse(103), nil
	})
	s := webtest.NewServer(t, app, web.LoopOptions(aio.WithExceptionHandler(func(*aio.Loop, aio.ExceptionContext) {})))
	c, br := rawConn(t, s)
	io.WriteString(c, "POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"+
		"POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"+
		"GET /interim HTTP/1.1\r\nHost: x\r\n\r\n")
	for i := range 2 {
		if resp, body := readResp(t, br, "POST"); body != "ignored" || resp.Close {
			t.Fatalf("request %d: %q close=%v", i, body, resp.Close)
		}
	}
	if resp, _ := readResp(t, br, "GET"); resp.StatusCode != 500 {
		t.Fatalf("a 103 response: %d", resp.StatusCode)
	}
}

// A request in absolute form (as sent to a proxy) is routed by its path.
func TestAbsoluteFormTarget(t *testing.T) {
	app := web.NewApp()
	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(r.Param("name") + " " + r.Path() + " " + r.RawQuery() + " " + r.Target()), nil
	})
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	io.WriteString(c, "GET http://example.com/hello/y%21?z=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if _, body := readResp(t, br, "GET"); body != "y! /hello/y! z=1 http://example.com/hello/y%21?z=1" {
		t.Fatalf("absolute form: %q", body)
	}
}
