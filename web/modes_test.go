package web_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
)

// The tests of this file run each body over every way the server can
// listen, as net/http's clientserver tests run theirs over HTTP/1 and
// HTTP/2: TCP over IPv4 and IPv6, a Unix socket, and TLS. Each mode gets
// its own loop and server, and checks that nothing leaks once they stop.

// A mode is one way to listen.
type mode struct {
	name    string
	network string // web.Network
	host    string // of the address; a Unix socket's path is made per test
	tls     bool
}

var modes = []mode{
	{name: "tcp4", network: "tcp4", host: "127.0.0.1"},
	{name: "tcp6", network: "tcp6", host: "::1"},
	{name: "unix", network: "unix"},
	{name: "tls", network: "tcp4", host: "127.0.0.1", tls: true},
}

// modeServer is one mode's running server and its clients.
type modeServer struct {
	mode
	addr   string // host:port, or the socket's path
	client *http.Client
	tlsCli *tls.Config // the TLS mode's client config, trusting the server
	base   string      // URL prefix for the client: scheme://host
	loop   *aio.Loop
	srv    *aio.Server
	done   chan error // aio.Run's result
	excs   []error    // what reached the loop's exception handler
	stop   sync.Once
	errs   error // Shutdown's and aio.Run's
}

// runModes runs body as a subtest for each mode, with a server of the
// app newApp returns (one per mode: an App binds to its loop's state).
func runModes(t *testing.T, newApp func() *web.App, body func(t *testing.T, s *modeServer)) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			aiotest.CheckGoroutines(t)
			aiotest.CheckFDs(t)
			aiotest.RequireLoopback(t, m.network) // skips tcp6 without ::1
			s := startMode(t, m, newApp())
			body(t, s)
		})
	}
}

// startMode serves app in mode m on a loop of its own until the test
// ends (or s.shutdown).
func startMode(t *testing.T, m mode, app *web.App) *modeServer {
	t.Helper()
	s := &modeServer{mode: m, done: make(chan error, 1)}
	opts := []web.Option{web.Network(m.network)}
	if m.network == "unix" {
		opts = append(opts, web.Addr(filepath.Join(t.TempDir(), "web.sock")))
	} else {
		opts = append(opts, web.Addr(net.JoinHostPort(m.host, "0")))
	}
	if m.tls {
		var srvCfg *tls.Config
		srvCfg, s.tlsCli = aiotest.TLSConfigs(t) // ECDSA P-256 for 127.0.0.1
		opts = append(opts, web.TLS(srvCfg))
	}
	type started struct {
		l   *aio.Loop
		srv *aio.Server
		err error
	}
	ready := make(chan started, 1)
	go func() {
		s.done <- aio.Run(func(tk *aio.Task) error {
			srv, err := web.Serve(tk, app, opts...)
			ready <- started{tk.Loop(), srv, err}
			if err != nil {
				return err
			}
			return srv.WaitClosed(tk)
		}, aio.NoSignalHandlers(), aio.WithExceptionHandler(func(_ *aio.Loop, c aio.ExceptionContext) {
			s.excs = append(s.excs, fmt.Errorf("loop exception: %s: %w", c.Message, c.Err))
		}))
	}()
	st := <-ready
	if st.err != nil {
		<-s.done
		t.Fatalf("Serve %s: %v", m.name, st.err)
	}
	s.loop, s.srv, s.addr = st.l, st.srv, st.srv.Addr().String()
	tr := &http.Transport{DisableCompression: true}
	s.base = "http://" + s.addr
	switch {
	case m.network == "unix":
		s.base = "http://unix"
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", s.addr)
		}
	case m.tls:
		s.base = "https://" + s.addr
		tr.TLSClientConfig = s.tlsCli
	}
	s.client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := s.shutdown(nil); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// shutdown stops the server gracefully and waits for its loop to end.
// then, if not nil, runs on the loop once the shutdown has told every
// connection to close when idle. Later calls return the first's result.
func (s *modeServer) shutdown(then func()) error {
	s.stop.Do(func() {
		cf, err := aio.RunCoroutineThreadsafe(s.loop, func(t *aio.Task) (struct{}, error) {
			sh := aio.CreateTask(t.Loop(), func(t *aio.Task) (struct{}, error) {
				return struct{}{}, s.srv.Shutdown(t)
			})
			if then != nil {
				// sh ran first: the ready queue is FIFO, and sh's
				// first step (Close, CloseWhenIdle) does not suspend.
				if err := aio.Sleep(t, 0); err != nil {
					return struct{}{}, err
				}
				then()
			}
			_, err := aio.Await(t, sh)
			return struct{}{}, err
		})
		if err == nil {
			_, err = cf.ResultTimeout(30 * time.Second)
		}
		s.errs = errors.Join(err, <-s.done)
		s.errs = errors.Join(append([]error{s.errs}, s.excs...)...) // s.done ordered the loop's writes
	})
	return s.errs
}

// dial opens a raw connection to the server (TLS in the TLS mode).
func (s *modeServer) dial(t *testing.T) net.Conn {
	t.Helper()
	var c net.Conn
	var err error
	switch {
	case s.tls:
		c, err = tls.Dial("tcp", s.addr, s.tlsCli)
	case s.network == "unix":
		c, err = net.Dial("unix", s.addr)
	default:
		c, err = net.Dial("tcp", s.addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard only
	t.Cleanup(func() { c.Close() })
	return c
}

// get requests path and returns the response with its body read.
func (s *modeServer) do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return resp, b
}

func (s *modeServer) request(t *testing.T, method, path string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

const fixedBody = "fixed body over every mode"

// fixedApp answers GET / with fixedBody.
func fixedApp() *web.App {
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(fixedBody), nil
	})
	return app
}

// GET three times: the same body each time, over TLS in the TLS mode
// only, and the later requests reuse the first connection (keep-alive).
func TestModesKeepAlive(t *testing.T) {
	runModes(t, fixedApp, func(t *testing.T, s *modeServer) {
		for i := range 3 {
			var reused bool
			req := s.request(t, "GET", "/", nil)
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused },
			}))
			resp, b := s.do(t, req)
			if resp.StatusCode != 200 || string(b) != fixedBody {
				t.Fatalf("GET #%d: %d %q", i, resp.StatusCode, b)
			}
			if (resp.TLS != nil) != s.tls {
				t.Errorf("GET #%d: TLS state %v in mode %s", i, resp.TLS != nil, s.name)
			}
			if i > 0 && !reused {
				t.Errorf("GET #%d made a new connection: keep-alive not kept", i)
			}
		}
	})
}

// POST of 1 MiB comes back whole (the default body limit is 1 MiB).
func TestModesPostEcho(t *testing.T) {
	runModes(t, echoApp, func(t *testing.T, s *modeServer) {
		body := make([]byte, 1<<20)
		rand.Read(body)
		resp, b := s.do(t, s.request(t, "POST", "/echo", bytes.NewReader(body)))
		if resp.StatusCode != 200 || !bytes.Equal(b, body) {
			t.Fatalf("POST /echo: %d, %d bytes back, equal %v", resp.StatusCode, len(b), bytes.Equal(b, body))
		}
	})
}

func echoApp() *web.App {
	app := web.NewApp()
	app.Post("/echo", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		return web.Bytes("application/octet-stream", b), nil
	})
	return app
}

// A streamed response of unknown length goes out chunked, every piece in
// order.
func TestModesStream(t *testing.T) {
	const pieces = 200
	runModes(t, func() *web.App {
		app := web.NewApp()
		app.Get("/stream", func(t *aio.Task, r *web.Request) (*web.Response, error) {
			s := web.NewStreamResponse(200)
			if err := s.Prepare(t, r); err != nil {
				return nil, err
			}
			for i := range pieces {
				if err := s.Write(t, []byte(fmt.Sprintf("piece %d %s\n", i, strings.Repeat("x", i*50)))); err != nil {
					return nil, err
				}
				if i%50 == 0 {
					if err := s.Drain(t); err != nil {
						return nil, err
					}
				}
			}
			return s.Finish(t)
		})
		return app
	}, func(t *testing.T, s *modeServer) {
		resp, b := s.do(t, s.request(t, "GET", "/stream", nil))
		if resp.StatusCode != 200 || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
			t.Fatalf("GET /stream: %d, transfer encoding %v", resp.StatusCode, resp.TransferEncoding)
		}
		var want strings.Builder
		for i := range pieces {
			fmt.Fprintf(&want, "piece %d %s\n", i, strings.Repeat("x", i*50))
		}
		if string(b) != want.String() {
			t.Fatalf("GET /stream: %d bytes, want %d", len(b), want.Len())
		}
	})
}

// ServeFile of 3 MiB, whole and in a range: sendfile on a plain socket,
// reads and writes through the TLS transport.
func TestModesServeFile(t *testing.T) {
	content := make([]byte, 3<<20)
	rand.Read(content)
	name := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(name, content, 0o644); err != nil {
		t.Fatal(err)
	}
	runModes(t, func() *web.App {
		app := web.NewApp()
		app.Get("/file", func(t *aio.Task, r *web.Request) (*web.Response, error) {
			return web.ServeFile(t, r, name)
		})
		return app
	}, func(t *testing.T, s *modeServer) {
		resp, b := s.do(t, s.request(t, "GET", "/file", nil))
		if resp.StatusCode != 200 || !bytes.Equal(b, content) {
			t.Fatalf("GET /file: %d, %d bytes, equal %v", resp.StatusCode, len(b), bytes.Equal(b, content))
		}
		const first, last = 1<<20 + 7, 3<<20 - 2
		req := s.request(t, "GET", "/file", nil)
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", first, last))
		resp, b = s.do(t, req)
		wantRange := fmt.Sprintf("bytes %d-%d/%d", first, last, len(content))
		if resp.StatusCode != 206 || resp.Header.Get("Content-Range") != wantRange || !bytes.Equal(b, content[first:last+1]) {
			t.Fatalf("GET /file with a range: %d %q, %d bytes, equal %v", resp.StatusCode,
				resp.Header.Get("Content-Range"), len(b), bytes.Equal(b, content[first:last+1]))
		}
	})
}

// HEAD answers the GET route's headers with no body; an unknown path is
// 404.
func TestModesHeadAnd404(t *testing.T) {
	runModes(t, fixedApp, func(t *testing.T, s *modeServer) {
		resp, b := s.do(t, s.request(t, "HEAD", "/", nil))
		if resp.StatusCode != 200 || len(b) != 0 || resp.ContentLength != int64(len(fixedBody)) {
			t.Errorf("HEAD /: %d, length %d, body %q", resp.StatusCode, resp.ContentLength, b)
		}
		resp, b = s.do(t, s.request(t, "GET", "/nope", nil))
		if resp.StatusCode != 404 || string(b) != "404: Not Found" {
			t.Errorf("GET /nope: %d %q", resp.StatusCode, b)
		}
		// The connection is still good after both.
		resp, b = s.do(t, s.request(t, "GET", "/", nil))
		if resp.StatusCode != 200 || string(b) != fixedBody {
			t.Errorf("GET / after HEAD and 404: %d %q", resp.StatusCode, b)
		}
	})
}

// Requests written in one go over a raw connection are answered in
// order, the last one closing.
func TestModesPipelined(t *testing.T) {
	runModes(t, func() *web.App {
		app := web.NewApp()
		app.Get("/n/{n}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
			if r.Param("n") == "2" { // one handler suspends: order must hold
				if err := aio.Sleep(t, time.Millisecond); err != nil {
					return nil, err
				}
			}
			return web.Text("n=" + r.Param("n")), nil
		})
		return app
	}, func(t *testing.T, s *modeServer) {
		const n = 5
		c := s.dial(t)
		var reqs strings.Builder
		for i := range n {
			conn := ""
			if i == n-1 {
				conn = "Connection: close\r\n"
			}
			fmt.Fprintf(&reqs, "GET /n/%d HTTP/1.1\r\nHost: x\r\n%s\r\n", i, conn)
		}
		if _, err := io.WriteString(c, reqs.String()); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		for i := range n {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("response %d: %v", i, err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(b) != fmt.Sprintf("n=%d", i) {
				t.Fatalf("response %d: %q, %v", i, b, err)
			}
		}
		if b, err := io.ReadAll(br); len(b) != 0 || err != nil {
			t.Errorf("after Connection: close: %q, %v; want the end", b, err)
		}
	})
}

// A client that goes away cancels the handler serving it.
func TestModesClientGone(t *testing.T) {
	cancelled := make(chan error, 1)
	started := make(chan struct{}, 1)
	runModes(t, func() *web.App {
		app := web.NewApp()
		app.Get("/wait", func(t *aio.Task, r *web.Request) (*web.Response, error) {
			started <- struct{}{}
			err := aio.Sleep(t, time.Hour)
			cancelled <- err
			return nil, err
		})
		return app
	}, func(t *testing.T, s *modeServer) {
		c := s.dial(t)
		if _, err := io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		<-started
		c.Close()
		select {
		case err := <-cancelled:
			if !errors.Is(err, aio.ErrCancelled) {
				t.Errorf("the handler's Sleep ended with %v, want a cancellation", err)
			}
		case <-time.After(30 * time.Second): // a hang guard only
			t.Fatal("the handler was not cancelled when the client went away")
		}
	})
}

// A graceful shutdown lets the request in flight finish: its response
// arrives whole, then the connection closes and no new one is accepted.
func TestModesGracefulShutdown(t *testing.T) {
	started := make(chan struct{}, 1)
	var release *aio.Event // the current mode's; set on its loop
	runModes(t, func() *web.App {
		release = new(aio.Event)
		ev := release
		app := web.NewApp()
		app.Get("/slow", func(t *aio.Task, r *web.Request) (*web.Response, error) {
			started <- struct{}{}
			if err := ev.Wait(t); err != nil {
				return nil, err
			}
			return web.Text("finished"), nil
		})
		return app
	}, func(t *testing.T, s *modeServer) {
		c := s.dial(t)
		if _, err := io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		<-started
		if err := s.shutdown(release.Set); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("the request in flight got no response: %v", err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "finished" || err != nil {
			t.Fatalf("the request in flight: %d %q, %v", resp.StatusCode, b, err)
		}
		if !resp.Close {
			t.Errorf("the last response before shutdown does not say Connection: close")
		}
		if b, err := io.ReadAll(br); len(b) != 0 || err != nil {
			t.Errorf("after the response: %q, %v; want the end", b, err)
		}
		network := "tcp"
		if s.network == "unix" {
			network = "unix"
		}
		if c2, err := net.Dial(network, s.addr); err == nil {
			c2.Close()
			t.Errorf("a connection was accepted after the shutdown")
		}
	})
}

// RunApp with TLS says https in its banner and serves HTTPS on a
// Runner's loops.
func TestRunAppTLS(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	srvCfg, cli := aiotest.TLSConfigs(t)
	app := fixedApp()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- web.RunAppContext(ctx, app, web.Addr("127.0.0.1:0"), web.Loops(1), web.TLS(srvCfg), web.PrintTo(pw))
		pw.Close()
	}()
	banner, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	addr, ok := strings.CutPrefix(strings.TrimSuffix(banner, " ========\n"), "======== Running on https://")
	if err != nil || !ok {
		cancel()
		t.Fatalf("banner %q, %v", banner, err)
	}
	tr := &http.Transport{TLSClientConfig: cli}
	resp, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tr.CloseIdleConnections()
	if resp.StatusCode != 200 || string(b) != fixedBody {
		t.Errorf("GET over TLS: %d %q", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// NetOptions reaches a Runner's listeners: with a handshake timeout of 0
// (at once) the server closes a connection before any client hello.
func TestRunnerNetOptions(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	srvCfg, _ := aiotest.TLSConfigs(t)
	rn := web.NewRunner(web.NewApp(), web.Addr("127.0.0.1:0"), web.Loops(1), web.TLS(srvCfg),
		web.NetOptions(aio.TLSHandshakeTimeout(0)))
	if err := rn.Start(); err != nil {
		t.Fatal(err)
	}
	defer rn.Shutdown(context.Background())
	c, err := net.Dial("tcp", rn.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang guard only
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read %d, %v; want the server to close at once (io.EOF)", n, err)
	}
}

// A graceful shutdown closes a connection that has sent nothing yet (in
// the TLS mode, one still in its handshake) without an error.
func TestModesShutdownSilentClient(t *testing.T) {
	runModes(t, fixedApp, func(t *testing.T, s *modeServer) {
		var c net.Conn
		var err error
		if s.network == "unix" {
			c, err = net.Dial("unix", s.addr)
		} else {
			c, err = net.Dial("tcp", s.addr) // no TLS: the handshake never starts
		}
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The server has the connection once a request on another is
		// answered: the loop accepts in order.
		if resp, b := s.do(t, s.request(t, "GET", "/", nil)); string(b) != fixedBody {
			t.Fatalf("GET /: %d %q", resp.StatusCode, b)
		}
		s.client.CloseIdleConnections()
		if err := s.shutdown(nil); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		c.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang guard only
		if n, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("read %d, %v; want the server to have closed (io.EOF)", n, err)
		}
	})
}
