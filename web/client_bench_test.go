package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// clMinimalReply is the minimal server's answer to every request.
var clMinimalReply = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!")

// clRequestEnds finds the ends of requests without bodies in a byte
// stream: each empty line.
type clRequestEnds struct{ seen int } // bytes of "\r\n\r\n" matched

// feed returns how many requests b completes.
func (e *clRequestEnds) feed(b []byte) int {
	n := 0
	for _, c := range b {
		switch {
		case c == "\r\n\r\n"[e.seen]:
			e.seen++
		case c == '\r':
			e.seen = 1
		default:
			e.seen = 0
		}
		if e.seen == 4 {
			e.seen = 0
			n++
		}
	}
	return n
}

// clMinimalProtocol is the minimal server as a protocol on the client's
// own loop.
type clMinimalProtocol struct {
	tr   aio.Transport
	ends clRequestEnds
}

func (p *clMinimalProtocol) ConnectionMade(tr aio.Transport) { p.tr = tr }
func (p *clMinimalProtocol) ConnectionLost(error)            {}
func (p *clMinimalProtocol) DataReceived(b []byte) {
	for range p.ends.feed(b) {
		p.tr.Write(clMinimalReply)
	}
}

// clMinimalServer answers every request on a connection with the same
// 13-byte response, allocating nothing per request: the peer of the
// allocation test and of the benchmarks. A request is whatever ends in
// an empty line (the clients send no body).
func clMinimalServer(tb testing.TB) string {
	return clRawServer(tb, func(c net.Conn) {
		var buf [4096]byte
		var ends clRequestEnds
		for {
			n, err := c.Read(buf[:])
			if err != nil {
				return
			}
			for range ends.feed(buf[:n]) {
				if _, err := c.Write(clMinimalReply); err != nil {
					return
				}
			}
		}
	}) + "/"
}

// clGetInto does one GET with a reused request and response, the body read
// into buf.
func clGetInto(tk *aio.Task, c *web.Client, req *web.ClientRequest, resp *web.ClientResponse, buf []byte) (int, error) {
	if err := c.DoInto(tk, req, resp); err != nil {
		return 0, err
	}
	n := 0
	for {
		k, err := resp.Read(tk, buf[n:])
		n += k
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// TestClientZeroAlloc: in steady state, a GET on a pooled connection with
// the body read into the caller's buffer allocates nothing. The count is
// the process's, so the server is a protocol on the same loop: a server
// goroutine would make the loop park while it runs (AllocsPerRun sets
// GOMAXPROCS to 1), and parking allocates in the runtime's poller.
func TestClientZeroAlloc(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		allocs, err := clAllocsPerGet(tk, "127.0.0.1", "")
		if err != nil {
			return err
		}
		if allocs != 0 {
			t.Errorf("%v allocations per request, want 0", allocs)
		}
		return nil
	})
}

// clAllocsPerGet returns the allocations of a steady-state GET, its body
// read into the caller's buffer, from a new client to a minimal server on
// tk's loop, reached by host (an IP address or a name); a cookie, if not
// empty, is the request's own Cookie header.
func clAllocsPerGet(tk *aio.Task, host, cookie string) (float64, error) {
	srv, err := aio.CreateServer(tk, func() *clMinimalProtocol { return &clMinimalProtocol{} }, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	defer srv.AbortClients()
	_, port, _ := strings.Cut(srv.Addr().String(), ":")
	c := web.NewClient()
	defer c.Close()
	req, err := web.NewClientRequest("GET", "http://"+host+":"+port+"/")
	if err != nil {
		return 0, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp := new(web.ClientResponse)
	buf := make([]byte, 64)
	for range 100 { // warm up: buffers grow, timers arm
		if _, err := clGetInto(tk, c, req, resp, buf); err != nil {
			return 0, err
		}
	}
	var ferr error
	allocs := testing.AllocsPerRun(1000, func() {
		if n, err := clGetInto(tk, c, req, resp, buf); err != nil || n != 13 {
			ferr = fmt.Errorf("GET: %d bytes, %v", n, err)
		}
	})
	return allocs, ferr
}

// BenchmarkClientGet: our client, one loop, requests in a row on one
// pooled connection against the minimal server.
func BenchmarkClientGet(b *testing.B) {
	url := clMinimalServer(b)
	clBenchLoop(b, func(tk *aio.Task) error { return clBenchGets(b, tk, url) })
}

// clBenchLoop runs body as a task on a new loop, failing b if it fails.
func clBenchLoop(b *testing.B, body func(tk *aio.Task) error) {
	b.ReportAllocs()
	l, err := aio.NewLoop(aio.NoSignalHandlers())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	f := aio.CreateTask(l, func(tk *aio.Task) (struct{}, error) { return struct{}{}, body(tk) })
	if _, err := aio.RunUntilComplete(l, f); err != nil {
		b.Fatal(err)
	}
}

// clBenchGets measures GETs of url in a row from a new client, the body
// read into the caller's buffer, after one to open the connection.
func clBenchGets(b *testing.B, tk *aio.Task, url string) error {
	c := web.NewClient()
	defer c.Close()
	req, err := web.NewClientRequest("GET", url)
	if err != nil {
		return err
	}
	resp := new(web.ClientResponse)
	buf := make([]byte, 64)
	if _, err := clGetInto(tk, c, req, resp, buf); err != nil {
		return err
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := clGetInto(tk, c, req, resp, buf); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkNetHTTPClientGet: net/http's client doing the same, for
// comparison in the same process.
func BenchmarkNetHTTPClientGet(b *testing.B) {
	url := clMinimalServer(b)
	b.ReportAllocs()
	c := &http.Client{Transport: &http.Transport{DisableCompression: false}}
	defer c.CloseIdleConnections()
	buf := make([]byte, 64)
	get := func() {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, buf[:13]); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
	get()
	b.ResetTimer()
	for b.Loop() {
		get()
	}
}

// BenchmarkClientGetSameLoop: the minimal server as a protocol on the
// client's loop, so that no goroutine wakes another: what a request
// costs the loop itself, both ends of the socket included.
func BenchmarkClientGetSameLoop(b *testing.B) {
	clBenchLoop(b, func(tk *aio.Task) error {
		srv, err := aio.CreateServer(tk, func() *clMinimalProtocol { return &clMinimalProtocol{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		defer srv.AbortClients()
		return clBenchGets(b, tk, "http://"+srv.Addr().String()+"/")
	})
}
