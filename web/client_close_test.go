package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
)

// TestClientCloseInFlight: Close ends the requests in progress and the
// ones waiting for a connection, and releases every fd and goroutine.
func TestClientCloseInFlight(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, clCanned)
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient(web.ClientLimit(2, 0), web.ClientTimeouts(web.ClientTimeout{}))
		idle, err := c.Get(tk, ls.url+"/fine")
		if err != nil {
			return err
		}
		if _, err := clRead(tk, idle); err != nil {
			return err
		}
		partial, err := c.Get(tk, ls.url+"/partial")
		if err != nil {
			return err
		}
		inflight := aio.Spawn(tk, func(tk *aio.Task) (*web.ClientResponse, error) { return c.Get(tk, ls.url+"/silent") })
		waiting := aio.Spawn(tk, func(tk *aio.Task) (*web.ClientResponse, error) { return c.Get(tk, ls.url+"/fine") })
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		c.Close()
		if _, err := aio.Await(tk, inflight); !errors.Is(err, web.ErrClientConnClosed) {
			t.Errorf("request in flight: %v, want ErrClientConnClosed", err)
		}
		if _, err := aio.Await(tk, waiting); !errors.Is(err, web.ErrClientClosed) {
			t.Errorf("request waiting for a connection: %v, want ErrClientClosed", err)
		}
		if _, err := partial.Bytes(tk); !errors.Is(err, web.ErrClientConnClosed) {
			t.Errorf("body being read: %v, want ErrClientConnClosed", err)
		}
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		if ls.ended != 2 {
			t.Errorf("server saw %d connections end, want 2", ls.ended)
		}
		return nil
	})
}

// TestClientLargeBody: a body of bytes larger than what goes with the
// head is sent as the transport drains, with or without 100-continue.
func TestClientLargeBody(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/count" {
			n, _ := io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "n=%d", n)
			return
		}
		clEcho(w, r)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, expect := range []bool{false, true} {
			req, _ := web.NewClientRequest("PUT", srv.URL+"/big")
			req.SetBody([]byte(big))
			req.ExpectContinue = expect
			resp, err := c.Do(tk, req)
			if err != nil {
				return err
			}
			got, err := clRead(tk, resp)
			if err != nil || !strings.Contains(got, "length=1048576\n") || !strings.Contains(got, "body="+big+"\n") {
				t.Errorf("expect %v: %d bytes back, %v", expect, len(got), err)
			}
		}
		// Past the transport's 64 MiB hard limit: only sending as it
		// drains gets it through.
		huge := make([]byte, 80<<20)
		resp, err := c.Put(tk, srv.URL+"/count", "application/octet-stream", huge)
		if err != nil {
			return err
		}
		if got, err := clRead(tk, resp); got != "n=83886080" || err != nil {
			t.Errorf("80 MiB body: %q, %v", got, err)
		}
		return nil
	})
}
