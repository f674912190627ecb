package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
)

// The client is tested against servers that are not ours: net/http's
// httptest servers, and for exact byte sequences and virtual-clock
// timeouts, raw servers on the client's own loop.

// clRun runs body as a task on a loop with the real clock (the peer is
// another goroutine, so the virtual clock would jump over the time it
// takes to answer) and fails t on an error or a loop exception.
func clRun(t *testing.T, body func(tk *aio.Task) error) {
	t.Helper()
	l, err := aio.NewLoop(aio.NoSignalHandlers(), aio.WithExceptionHandler(func(_ *aio.Loop, c aio.ExceptionContext) {
		t.Errorf("loop exception: %s: %v", c.Message, c.Err)
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if err := aiotest.RunMain(t, l, body); err != nil {
		t.Fatal(err)
	}
}

// clVirtual runs body on the virtual clock (aiotest.Run), for tests whose
// peers are on the same loop or never answer.
func clVirtual(t *testing.T, body func(tk *aio.Task) error) {
	t.Helper()
	aiotest.Run(t, body)
}

// clConnCounter counts a test server's connections, server-side.
type clConnCounter struct {
	mu             sync.Mutex
	opened, closed int
}

func clNewConnCounter() *clConnCounter { return &clConnCounter{} }

func (c *clConnCounter) hook(_ net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.opened++
	case http.StateClosed, http.StateHijacked:
		c.closed++
	}
}

func (c *clConnCounter) get() (opened, closed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opened, c.closed
}

// waitClosed waits (up to 10 s of real time) for the server to see n
// connections closed, letting the loop run meanwhile.
func (c *clConnCounter) waitClosed(tk *aio.Task, n int) error {
	start := time.Now()
	for {
		_, closed := c.get()
		if closed >= n {
			return nil
		}
		if time.Since(start) > 10*time.Second {
			return fmt.Errorf("server saw %d connections closed, want %d", closed, n)
		}
		if err := aio.Sleep(tk, time.Millisecond); err != nil {
			return err
		}
	}
}

// clServer starts an httptest server whose connections cnt counts.
func clServer(t *testing.T, cnt *clConnCounter, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if cnt != nil {
		srv.Config.ConnState = cnt.hook
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// read returns the whole body as a string.
func clRead(tk *aio.Task, resp *web.ClientResponse) (string, error) {
	b, err := resp.Bytes(tk)
	return string(b), err
}

func TestClientGet(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Reply", "yes")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		fmt.Fprintf(w, "hello %s %s ua=%s ae=%s", r.Method, r.URL.RequestURI(), r.UserAgent(), r.Header.Get("Accept-Encoding"))
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(tk, srv.URL+"/path?q=1")
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || resp.Reason() != "OK" || resp.Status() != "200 OK" || resp.ProtoMinor != 1 {
			t.Errorf("status %d %q %q minor %d", resp.StatusCode, resp.Reason(), resp.Status(), resp.ProtoMinor)
		}
		if v := resp.HeaderValue("x-reply"); string(v) != "yes" {
			t.Errorf("HeaderValue(x-reply) = %q", v)
		}
		if v := resp.HeaderValue("X-Absent"); v != nil {
			t.Errorf("HeaderValue(X-Absent) = %q, want nil", v)
		}
		if got := resp.Header()["X-Multi"]; len(got) != 2 || got[0] != "a" || got[1] != "b" {
			t.Errorf("Header()[X-Multi] = %q", got)
		}
		n := 0
		for name := range resp.Fields() {
			if strings.EqualFold(string(name), "X-Multi") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("Fields: %d X-Multi fields, want 2", n)
		}
		body, err := resp.Text(tk)
		want := "hello GET /path?q=1 ua=aio-go/web ae=gzip, deflate"
		if err != nil || body != want {
			t.Errorf("Text = %q, %v; want %q", body, err, want)
		}
		if again, err := resp.Bytes(tk); string(again) != want || err != nil {
			t.Errorf("Bytes after Text = %q, %v", again, err)
		}
		if resp.ContentLength != int64(len(want)) {
			t.Errorf("ContentLength = %d", resp.ContentLength)
		}
		return nil
	})
}

// clEcho answers with what it received, as JSON-like lines.
func clEcho(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "method=%s\nuri=%s\nctype=%s\nlength=%d\nte=%v\nbody=%s\n",
		r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), r.ContentLength, r.TransferEncoding, body)
	if r.MultipartForm != nil || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			f, _, _ := r.FormFile("file")
			fb, _ := io.ReadAll(f)
			fmt.Fprintf(w, "field=%s\nfile=%s\n", r.FormValue("field"), fb)
		}
	}
}

func TestClientRequestBodies(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(clEcho))
	type tc struct {
		name string
		set  func(tk *aio.Task, r *web.ClientRequest) error
		want []string
	}
	cases := []tc{
		{"get query", func(_ *aio.Task, r *web.ClientRequest) error {
			r.AddQuery(url.Values{"a": {"1"}, "b": {"x y"}})
			return nil
		}, []string{"method=GET", "uri=/e?z=0&a=1&b=x+y", "length=0"}},
		{"post bytes", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			r.SetBody([]byte("raw bytes"))
			r.Header.Set("Content-Type", "text/plain")
			return nil
		}, []string{"method=POST", "ctype=text/plain", "length=9", "body=raw bytes"}},
		{"post empty", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			return nil
		}, []string{"method=POST", "length=0", "te=[]"}},
		{"put json", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "PUT"
			return r.SetJSON(map[string]int{"n": 1})
		}, []string{"method=PUT", "ctype=application/json", `body={"n":1}`}},
		{"patch form", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "PATCH"
			r.SetForm(url.Values{"k": {"v&w"}})
			return nil
		}, []string{"method=PATCH", "ctype=application/x-www-form-urlencoded", "body=k=v%26w"}},
		{"delete", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "DELETE"
			return nil
		}, []string{"method=DELETE", "length=0"}},
		{"custom method", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "PROPFIND"
			return nil
		}, []string{"method=PROPFIND"}},
		{"multipart", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			return r.SetMultipart(func(w *multipart.Writer) error {
				if err := w.WriteField("field", "value"); err != nil {
					return err
				}
				fw, err := w.CreateFormFile("file", "a.txt")
				if err != nil {
					return err
				}
				_, err = fw.Write([]byte("file content"))
				return err
			})
		}, []string{"method=POST", "ctype=multipart/form-data; boundary=", "field=value", "file=file content"}},
		{"reader chunked", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			r.SetBodyReader(strings.NewReader(strings.Repeat("x", 100000)), -1)
			return nil
		}, []string{"length=-1", "te=[chunked]", "body=" + strings.Repeat("x", 100000)}},
		{"reader sized", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			r.SetBodyReader(strings.NewReader("sized"), 5)
			return nil
		}, []string{"length=5", "te=[]", "body=sized"}},
		{"stream reader", func(_ *aio.Task, r *web.ClientRequest) error {
			r.Method = "POST"
			s := aio.NewStreamReader(0)
			s.FeedData([]byte("from a "))
			s.FeedData([]byte("stream"))
			s.FeedEOF()
			r.SetBodyStream(s, -1)
			return nil
		}, []string{"te=[chunked]", "body=from a stream"}},
	}
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, tc := range cases {
			req, err := web.NewClientRequest("GET", srv.URL+"/e?z=0")
			if err != nil {
				return err
			}
			if err := tc.set(tk, req); err != nil {
				return fmt.Errorf("%s: %w", tc.name, err)
			}
			resp, err := c.Do(tk, req)
			if err != nil {
				return fmt.Errorf("%s: %w", tc.name, err)
			}
			got, err := clRead(tk, resp)
			if err != nil {
				return fmt.Errorf("%s: %w", tc.name, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s: response lacks %q:\n%s", tc.name, w, got)
				}
			}
		}
		return nil
	})
}

// TestClientBodyFromResponse forwards one response's body as another
// request's body, through ClientBodyReader.
func TestClientBodyFromResponse(t *testing.T) {
	big := strings.Repeat("0123456789", 50000)
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/src" {
			io.WriteString(w, big)
			return
		}
		clEcho(w, r)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		src, err := c.Get(tk, srv.URL+"/src")
		if err != nil {
			return err
		}
		req, _ := web.NewClientRequest("POST", srv.URL+"/echo")
		req.SetBodyFrom(src, src.ContentLength)
		resp, err := c.Do(tk, req)
		if err != nil {
			return err
		}
		got, err := clRead(tk, resp)
		if err != nil {
			return err
		}
		if !strings.Contains(got, "body="+big+"\n") {
			t.Errorf("forwarded body not echoed whole (%d bytes back): %.200s", len(got), got)
		}
		return nil
	})
}

func TestClientErrors(t *testing.T) {
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		if _, err := c.Get(tk, "ftp://127.0.0.1/"); !errors.Is(err, web.ErrClientScheme) {
			t.Errorf("ftp: %v, want ErrClientScheme", err)
		}
		if _, err := c.Get(tk, "/relative"); !errors.Is(err, web.ErrClientScheme) {
			t.Errorf("relative without base: %v, want ErrClientScheme", err)
		}
		if _, err := c.Get(tk, "http://[::1"); err == nil {
			t.Error("bad URL: no error")
		}
		srv := clServer(t, nil, http.HandlerFunc(clEcho))
		for name, value := range map[string]string{"X-Split": "a\r\nInjected: yes", "Bad Name": "v", "X-Nul": "a\x00b"} {
			req, _ := web.NewClientRequest("GET", srv.URL)
			req.Header[name] = []string{value}
			if _, err := c.Do(tk, req); !errors.Is(err, web.ErrClientInvalidHeader) {
				t.Errorf("header %q: %q: %v, want ErrClientInvalidHeader", name, value, err)
			}
		}
		req, _ := web.NewClientRequest("BAD METHOD", srv.URL)
		if _, err := c.Do(tk, req); !errors.Is(err, web.ErrClientInvalidHeader) {
			t.Errorf("bad method: %v, want ErrClientInvalidHeader", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := ln.Addr().String()
		ln.Close()
		_, err = c.Get(tk, "http://"+addr+"/")
		var ce *web.ClientError
		if !errors.As(err, &ce) || ce.Op != "connect" || !strings.Contains(err.Error(), "refused") {
			t.Errorf("refused: %v", err)
		}
		c.Close()
		if _, err := c.Get(tk, "http://"+addr+"/"); !errors.Is(err, web.ErrClientClosed) {
			t.Errorf("after Close: %v, want ErrClientClosed", err)
		}
		return nil
	})
}

// TestClientOtherLoop: a client belongs to the loop of its first use.
func TestClientOtherLoop(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	c := web.NewClient()
	clRun(t, func(tk *aio.Task) error {
		resp, err := c.Get(tk, srv.URL)
		if err != nil {
			return err
		}
		_, err = resp.Bytes(tk)
		return err
	})
	clRun(t, func(tk *aio.Task) error {
		if _, err := c.Get(tk, srv.URL); !errors.Is(err, web.ErrClientLoop) {
			t.Errorf("other loop: %v, want ErrClientLoop", err)
		}
		return nil
	})
}

// TestClientShortcuts: the method shortcuts send what they say.
func TestClientShortcuts(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(clEcho))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		calls := []struct {
			do   func() (*web.ClientResponse, error)
			want string
		}{
			{func() (*web.ClientResponse, error) { return c.Put(tk, srv.URL, "text/a", []byte("p")) }, "method=PUT\nuri=/\nctype=text/a\nlength=1"},
			{func() (*web.ClientResponse, error) { return c.Patch(tk, srv.URL, "text/b", []byte("q")) }, "method=PATCH\nuri=/\nctype=text/b\nlength=1"},
			{func() (*web.ClientResponse, error) { return c.Delete(tk, srv.URL) }, "method=DELETE\nuri=/\nctype=\nlength=0"},
			{func() (*web.ClientResponse, error) { return c.Options(tk, srv.URL) }, "method=OPTIONS\nuri=/\nctype=\nlength=0"},
			{func() (*web.ClientResponse, error) { return c.PostForm(tk, srv.URL, url.Values{"a": {"b"}}) }, "method=POST\nuri=/\nctype=application/x-www-form-urlencoded\nlength=3"},
		}
		for _, call := range calls {
			resp, err := call.do()
			if err != nil {
				return err
			}
			if got, _ := clRead(tk, resp); !strings.HasPrefix(got, call.want) {
				t.Errorf("got %q, want %q...", got, call.want)
			}
		}
		return nil
	})
}
