package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// clLoopServer is a raw HTTP peer on the client's own loop, so that the
// virtual clock sees both sides: each connection is served by serve with
// the request head read. It counts the connections that ended.
type clLoopServer struct {
	srv   *aio.Server
	url   string
	ended int
	heads []string
}

func clStartLoopServer(tk *aio.Task, serve func(tk *aio.Task, head string, r *aio.StreamReader, w *aio.StreamWriter)) (*clLoopServer, error) {
	ls := &clLoopServer{}
	srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
		defer func() { ls.ended++; w.Close() }()
		for {
			head, err := r.ReadUntil(tk, []byte("\r\n\r\n"))
			if err != nil {
				return nil
			}
			ls.heads = append(ls.heads, string(head))
			serve(tk, string(head), r, w)
			if w.IsClosing() {
				return nil
			}
		}
	}, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ls.srv, ls.url = srv, "http://"+srv.Addr().String()
	return ls, nil
}

func (ls *clLoopServer) close(tk *aio.Task) error {
	ls.srv.Close()
	ls.srv.AbortClients()
	return ls.srv.WaitClosed(tk)
}

// clStall waits until the client closes the connection.
func clStall(tk *aio.Task, r *aio.StreamReader) {
	r.ReadAll(tk)
}

func clPath(head string) string { return strings.Fields(head)[1] }

// clCanned answers by path: /silent never, /partial with 3 of 10 body
// bytes and then nothing, /trickle with a body byte a second, anything
// else "ok".
func clCanned(tk *aio.Task, head string, r *aio.StreamReader, w *aio.StreamWriter) {
	switch clPath(head) {
	case "/silent":
		clStall(tk, r)
	case "/partial":
		w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
		clStall(tk, r)
	case "/trickle":
		w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"))
		for range 10 {
			if aio.Sleep(tk, time.Second) != nil || w.Write([]byte("x")) != nil {
				return
			}
		}
	default:
		w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	}
}

func TestClientTimeouts(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, clCanned)
		if err != nil {
			return err
		}
		defer ls.close(tk)
		l := tk.Loop()
		c := web.NewClient(web.ClientLimit(1, 0), web.ClientTimeouts(web.ClientTimeout{Total: 3 * time.Second, SockRead: 2 * time.Second}))
		defer c.Close()
		expect := func(what string, d time.Duration, f func() error) {
			t.Helper()
			start := l.Time()
			err := f()
			var ce *web.ClientError
			if !errors.Is(err, web.ErrClientTimeout) || !errors.Is(err, aio.ErrTimeout) || errors.As(err, &ce) && !ce.Timeout() {
				t.Errorf("%s: %v, want a timeout", what, err)
			}
			if got := l.Time() - start; got != d {
				t.Errorf("%s: timed out after %v, want %v", what, got, d)
			}
		}
		// A pooled connection (whose idle expiry is armed, 15 s away)
		// then the read timeout, 2 s: the timer is re-armed earlier.
		untimed, _ := web.NewClientRequest("GET", ls.url+"/fine")
		untimed.Timeout = &web.ClientTimeout{}
		resp, err := c.Do(tk, untimed)
		if err != nil {
			return err
		}
		if _, err := clRead(tk, resp); err != nil {
			return err
		}
		expect("read timeout, no answer", 2*time.Second, func() error {
			_, err := c.Get(tk, ls.url+"/silent")
			return err
		})
		// The trickle keeps each read under 2 s, but the total is 3 s.
		resp, err = c.Get(tk, ls.url+"/trickle")
		if err != nil {
			return err
		}
		expect("total timeout while reading the body", 3*time.Second, func() error {
			_, err := resp.Bytes(tk)
			return err
		})
		resp, err = c.Get(tk, ls.url+"/partial")
		if err != nil {
			return err
		}
		buf := make([]byte, 10)
		if n, err := resp.Read(tk, buf); n != 3 || err != nil {
			t.Errorf("first read %d, %v", n, err)
		}
		expect("read timeout in the body", 2*time.Second, func() error {
			_, err := resp.Read(tk, buf)
			return err
		})
		if _, err := resp.Read(tk, buf); !errors.Is(err, web.ErrClientTimeout) {
			t.Errorf("read after the timeout: %v, want the same timeout", err)
		}

		// Each timed-out request freed its connection: the limit of one
		// lets the next request through, and the server saw them end
		// (the trickle's at its next write).
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		if ls.ended != 3 {
			t.Errorf("server saw %d connections end, want 3", ls.ended)
		}
		resp, err = c.Get(tk, ls.url+"/fine")
		if err != nil {
			return err
		}
		if body, err := clRead(tk, resp); body != "ok" || err != nil {
			t.Errorf("after the timeouts: %q, %v", body, err)
		}

		// Waiting for a connection counts in Connect: the only one is
		// held by a response not read.
		held, err := c.Get(tk, ls.url+"/partial")
		if err != nil {
			return err
		}
		req, _ := web.NewClientRequest("GET", ls.url+"/fine")
		req.Timeout = &web.ClientTimeout{Connect: 1500 * time.Millisecond}
		expect("connect timeout in the pool's queue", 1500*time.Millisecond, func() error {
			_, err := c.Do(tk, req)
			return err
		})
		held.Close()

		// A timeout of ours around the request cancels it.
		err = aio.Timeout(tk, 500*time.Millisecond, func(tk *aio.Task) error {
			_, err := c.Get(tk, ls.url+"/silent")
			return err
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("aio.Timeout around Get: %v", err)
		}
		return nil
	})
}

// TestClientCancel: cancelling a task in a request aborts the request
// and frees its connection.
func TestClientCancel(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, clCanned)
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient(web.ClientLimit(1, 1), web.ClientTimeouts(web.ClientTimeout{}))
		defer c.Close()
		f := aio.Spawn(tk, func(tk *aio.Task) (*web.ClientResponse, error) { return c.Get(tk, ls.url+"/silent") })
		if err := aio.Sleep(tk, time.Hour); err != nil {
			return err
		}
		f.Cancel()
		if _, err := aio.Await(tk, f); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled Get: %v", err)
		}
		resp, err := c.Get(tk, ls.url+"/next")
		if err != nil {
			return err
		}
		if body, err := clRead(tk, resp); body != "ok" || err != nil {
			t.Errorf("after the cancel: %q, %v", body, err)
		}
		if ls.ended != 1 {
			t.Errorf("server saw %d connections end, want 1", ls.ended)
		}
		return nil
	})
}

// TestClientExpectContinue covers the three answers to Expect: a 100, a
// final status instead (the body is not sent), and silence (the body
// goes after the wait).
func TestClientExpectContinue(t *testing.T) {
	// net/http's server sends 100 Continue when the handler reads.
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "expect=%s body=%s", r.Header.Get("Expect"), b)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		req, _ := web.NewClientRequest("PUT", srv.URL)
		req.ExpectContinue = true
		req.SetBody([]byte("payload"))
		resp, err := c.Do(tk, req)
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "expect=100-continue body=payload" {
			t.Errorf("with 100 Continue: %q", body)
		}
		return nil
	})
	clVirtual(t, func(tk *aio.Task) error {
		var bodies []string
		ls, err := clStartLoopServer(tk, func(tk *aio.Task, head string, r *aio.StreamReader, w *aio.StreamWriter) {
			n, _ := strconv.Atoi(strings.TrimSpace(clBetween(head, "Content-Length:", "\r\n")))
			if clPath(head) == "/refuse" {
				w.Write([]byte("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"))
				rest, _ := r.ReadAll(tk)
				bodies = append(bodies, string(rest))
				w.Close()
				return
			}
			body, _ := r.ReadExactly(tk, n) // no 100: the client sends after its wait
			bodies = append(bodies, string(body))
			w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
		})
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient()
		defer c.Close()
		send := func(p string) (*web.ClientResponse, error) {
			req, _ := web.NewClientRequest("POST", ls.url+p)
			req.ExpectContinue = true
			req.SetBody([]byte("the body"))
			return c.Do(tk, req)
		}
		start := tk.Loop().Time()
		resp, err := send("/silent")
		if err != nil {
			return err
		}
		if d := tk.Loop().Time() - start; resp.StatusCode != 200 || d != web.DefaultClientContinueTimeout {
			t.Errorf("no 100: status %d after %v", resp.StatusCode, d)
		}
		resp, err = send("/refuse")
		if err != nil {
			return err
		}
		if resp.StatusCode != 417 {
			t.Errorf("refused: status %d", resp.StatusCode)
		}
		for ls.ended < 1 {
			if err := aio.Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		if len(bodies) != 2 || bodies[0] != "the body" || bodies[1] != "" {
			t.Errorf("server got bodies %q; want the body after the wait, none after the refusal", bodies)
		}
		if !strings.Contains(ls.heads[0], "Expect: 100-continue\r\n") {
			t.Errorf("head without Expect: %q", ls.heads[0])
		}
		return nil
	})
}

func clBetween(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	before, _, _ := strings.Cut(after, to)
	return before
}

// TestClientPipelinedGarbage: bytes after a complete response (nothing
// asked for them) make the connection unusable: it is not reused.
func TestClientPipelinedGarbage(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, func(tk *aio.Task, head string, r *aio.StreamReader, w *aio.StreamWriter) {
			w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"))
		})
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient()
		defer c.Close()
		for range 2 {
			resp, err := c.Get(tk, ls.url)
			if err != nil {
				return err
			}
			if body, err := clRead(tk, resp); body != "ok" || err != nil {
				t.Errorf("%q, %v", body, err)
			}
		}
		if n := len(ls.heads); n != 2 || ls.ended < 1 {
			t.Errorf("%d requests, %d connections ended; want 2 and the first one closed", n, ls.ended)
		}
		if !bytes.Contains([]byte(ls.heads[1]), []byte("GET / HTTP/1.1")) {
			t.Errorf("second head %q", ls.heads[1])
		}
		return nil
	})
}
