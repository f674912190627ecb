package web_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// benchApp has a fixed-body route, a static route and a {var} route.
func benchApp() *web.App {
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("Hello, World!"), nil
	})
	app.Get("/a/b/c", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("static"), nil
	})
	app.Get("/users/{id}/posts/{post}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("var"), nil
	})
	for _, p := range []string{"/x1", "/x2/{a}", "/x3/{a}/{b}", "/x4", "/x5/{a:[0-9]+}"} {
		app.Get(p, func(t *aio.Task, r *web.Request) (*web.Response, error) { return nil, web.ErrGone })
	}
	return app
}

// rawClient is a keep-alive client over a real socket that reuses its
// buffers: it allocates nothing per request, so what a benchmark counts
// is the server's.
type rawClient struct {
	c   net.Conn
	buf []byte
	n   int // bytes read not yet consumed
}

func dialRaw(tb testing.TB, addr string) *rawClient {
	tb.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(addr, "http://"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &rawClient{c: c, buf: make([]byte, 64<<10)}
}

// roundTrip sends req (count pipelined requests) and reads count
// responses, each ending with end.
func (rc *rawClient) roundTrip(tb testing.TB, req []byte, count int, end []byte) {
	if _, err := rc.c.Write(req); err != nil {
		tb.Fatal(err)
	}
	for got := 0; got < count; {
		if i := bytes.Index(rc.buf[:rc.n], end); i >= 0 {
			k := i + len(end)
			copy(rc.buf, rc.buf[k:rc.n])
			rc.n -= k
			got++
			continue
		}
		m, err := rc.c.Read(rc.buf[rc.n:])
		if err != nil {
			if err == io.EOF {
				tb.Fatalf("server closed; have %q", rc.buf[:rc.n])
			}
			tb.Fatal(err)
		}
		rc.n += m
	}
}

func benchServer(b *testing.B, path, end string, pipeline int) {
	base := startRunner(b, benchApp())
	rc := dialRaw(b, base)
	req := bytes.Repeat([]byte("GET "+path+" HTTP/1.1\r\nHost: bench\r\n\r\n"), pipeline)
	endb := []byte(end)
	rc.roundTrip(b, req, pipeline, endb) // warm the pools
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += pipeline {
		rc.roundTrip(b, req, pipeline, endb)
	}
}

func BenchmarkServerFixed(b *testing.B)    { benchServer(b, "/", "Hello, World!", 1) }
func BenchmarkServerStatic(b *testing.B)   { benchServer(b, "/a/b/c", "static", 1) }
func BenchmarkServerVar(b *testing.B)      { benchServer(b, "/users/42/posts/7", "var", 1) }
func BenchmarkServerPipeline(b *testing.B) { benchServer(b, "/", "Hello, World!", 16) }

// BenchmarkNetHTTPFixed is BenchmarkServerFixed on net/http's server, for
// the ratio.
func BenchmarkNetHTTPFixed(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Hello, World!"))
	})}
	go srv.Serve(ln)
	defer srv.Close()
	rc := dialRaw(b, ln.Addr().String())
	req := []byte("GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
	end := []byte("Hello, World!")
	rc.roundTrip(b, req, 1, end)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rc.roundTrip(b, req, 1, end)
	}
}
