package web_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// TestClientRedirects runs the method and body rules of each redirect
// status, for each method.
func TestClientRedirects(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, ok := strings.CutPrefix(r.URL.Path, "/r/"); ok {
			w.Header().Set("Location", "/target")
			var n int
			fmt.Sscan(code, &n)
			w.WriteHeader(n)
			io.WriteString(w, "redirect body")
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s body=%q ctype=%q", r.Method, r.URL.Path, body, r.Header.Get("Content-Type"))
	}))
	cases := []struct {
		status int
		method string
		want   string
	}{
		{301, "GET", `GET /target body=""`},
		{301, "POST", `GET /target body="" ctype=""`},
		{301, "PUT", `PUT /target body="data"`},
		{302, "POST", `GET /target body="" ctype=""`},
		{302, "DELETE", `DELETE /target body="data"`},
		{303, "POST", `GET /target body="" ctype=""`},
		{303, "PUT", `GET /target body=""`},
		{303, "HEAD", ``},
		{307, "POST", `POST /target body="data" ctype="text/plain"`},
		{307, "PUT", `PUT /target body="data"`},
		{308, "POST", `POST /target body="data" ctype="text/plain"`},
		{308, "PATCH", `PATCH /target body="data"`},
	}
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, tc := range cases {
			req, _ := web.NewClientRequest(tc.method, fmt.Sprintf("%s/r/%d", srv.URL, tc.status))
			if tc.method != "HEAD" && tc.method != "GET" {
				req.SetBody([]byte("data"))
				req.Header.Set("Content-Type", "text/plain")
			}
			resp, err := c.Do(tk, req)
			if err != nil {
				return err
			}
			body, err := clRead(tk, resp)
			if err != nil || !strings.HasPrefix(body, tc.want) || resp.StatusCode != 200 || resp.URL.Path != "/target" {
				t.Errorf("%d %s: %d %q (URL %v), %v; want %q", tc.status, tc.method, resp.StatusCode, body, resp.URL, err, tc.want)
			}
		}

		// A stream body cannot be sent again: the 307 is returned.
		req, _ := web.NewClientRequest("POST", srv.URL+"/r/307")
		req.SetBodyReader(strings.NewReader("stream"), -1)
		resp, err := c.Do(tk, req)
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); resp.StatusCode != 307 || body != "redirect body" {
			t.Errorf("307 with a stream body: %d %q, want the 307 itself", resp.StatusCode, body)
		}

		// No redirects followed: the redirect is the response.
		nc := web.NewClient(web.ClientMaxRedirects(0))
		defer nc.Close()
		resp, err = nc.Get(tk, srv.URL+"/r/302")
		if err != nil {
			return err
		}
		if resp.StatusCode != 302 || string(resp.HeaderValue("Location")) != "/target" {
			t.Errorf("max 0: %d %q", resp.StatusCode, resp.HeaderValue("Location"))
		}
		resp.Close()
		return nil
	})
}

func TestClientRedirectLimit(t *testing.T) {
	var hops atomic.Int32
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		http.Redirect(w, r, "/loop", http.StatusFound)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientMaxRedirects(3))
		defer c.Close()
		_, err := c.Get(tk, srv.URL+"/loop")
		if !errors.Is(err, web.ErrClientTooManyRedirects) || hops.Load() != 4 {
			t.Errorf("loop: %v after %d requests; want ErrClientTooManyRedirects after 4", err, hops.Load())
		}
		return nil
	})
}

// TestClientRedirectCrossHost: Authorization and the request's Cookie go
// to the same host only.
func TestClientRedirectCrossHost(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	report := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			seen[name] = r.Header.Get("Authorization") + "|" + r.Header.Get("Cookie")
		}
	}
	other := clServer(t, nil, report("other"))
	mux := http.NewServeMux()
	mux.HandleFunc("/same", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/here", 302) })
	mux.HandleFunc("/here", report("same"))
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL+"/there", 307) })
	srv := clServer(t, nil, mux)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, p := range []string{"/same", "/away"} {
			req, _ := web.NewClientRequest("GET", srv.URL+p)
			req.SetBasicAuth("u", "p")
			req.Header.Set("Cookie", "k=v")
			resp, err := c.Do(tk, req)
			if err != nil {
				return err
			}
			resp.Close()
		}
		mu.Lock()
		defer mu.Unlock()
		if seen["same"] != "Basic dTpw|k=v" || seen["other"] != "|" {
			t.Errorf("same host got %q, other host got %q", seen["same"], seen["other"])
		}
		return nil
	})
}

func TestClientCookieJar(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/"})
			http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark", Path: "/"})
			http.Redirect(w, r, "/home", http.StatusSeeOther)
		default:
			var names []string
			for _, ck := range r.Cookies() {
				names = append(names, ck.Name+"="+ck.Value)
			}
			io.WriteString(w, strings.Join(names, ","))
		}
	}))
	clRun(t, func(tk *aio.Task) error {
		jar, _ := cookiejar.New(nil)
		c := web.NewClient(web.ClientCookieJar(jar))
		defer c.Close()
		resp, err := c.Get(tk, srv.URL+"/login")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "session=abc,theme=dark" {
			t.Errorf("after the login redirect: cookies %q", body)
		}
		u, _ := url.Parse(srv.URL)
		if n := len(jar.Cookies(u)); n != 2 {
			t.Errorf("jar holds %d cookies", n)
		}
		// With cookies off nothing is kept.
		plain := web.NewClient(web.ClientCookieJar(nil))
		defer plain.Close()
		resp, err = plain.Get(tk, srv.URL+"/login")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "" {
			t.Errorf("no jar: cookies %q", body)
		}
		return nil
	})
}

func TestClientDefaults(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		fmt.Fprintf(w, "%s %s x=%s ua=%s auth=%s:%s", r.Method, r.URL.Path, r.Header.Get("X-Default"), r.UserAgent(), user, pass)
	}))
	clRun(t, func(tk *aio.Task) error {
		base, _ := url.Parse(srv.URL + "/api/")
		c := web.NewClient(web.ClientBaseURL(base),
			web.ClientHeaders(http.Header{"X-Default": {"d"}, "User-Agent": {"custom"}}),
			web.ClientBasicAuth("alice", "secret"))
		defer c.Close()
		resp, err := c.Get(tk, "items")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "GET /api/items x=d ua=custom auth=alice:secret" {
			t.Errorf("defaults: %q", body)
		}
		req, _ := web.NewClientRequest("GET", "/abs")
		req.Header.Set("X-Default", "mine")
		req.SetBasicAuth("bob", "pw")
		resp, err = c.Do(tk, req)
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "GET /abs x=mine ua=custom auth=bob:pw" {
			t.Errorf("overridden: %q", body)
		}
		u, _ := url.Parse(srv.URL)
		resp, err = c.Get(tk, "http://carol:pw2@"+u.Host+"/userinfo")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "GET /userinfo x=d ua=custom auth=carol:pw2" {
			t.Errorf("URL user info: %q", body)
		}
		return nil
	})
}

func TestClientRaiseForStatus(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusNotFound)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(tk, srv.URL+"/x")
		if err != nil {
			return err
		}
		var se *web.ClientStatusError
		if err := resp.RaiseForStatus(); !errors.As(err, &se) || se.StatusCode != 404 || se.Reason != "Not Found" || !errors.Is(err, web.ErrClientStatus) {
			t.Errorf("RaiseForStatus: %v", err)
		}
		rc := web.NewClient(web.ClientRaiseForStatus(true))
		defer rc.Close()
		if resp, err := rc.Get(tk, srv.URL+"/x"); resp != nil || !errors.Is(err, web.ErrClientStatus) {
			t.Errorf("ClientRaiseForStatus: %v, %v", resp, err)
		}
		return nil
	})
}

// TestClientProxy sends requests through an HTTP proxy: a test server
// that checks the absolute-form target and answers for the origin.
func TestClientProxy(t *testing.T) {
	var mu sync.Mutex
	var targets []string
	proxy := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		targets = append(targets, r.RequestURI+" "+r.Header.Get("Proxy-Authorization"))
		io.WriteString(w, "via proxy")
	}))
	clRun(t, func(tk *aio.Task) error {
		pu, _ := url.Parse(proxy.URL)
		pu.User = url.UserPassword("pu", "pp")
		c := web.NewClient(web.ClientProxy(func(*url.URL) (*url.URL, error) { return pu, nil }))
		defer c.Close()
		resp, err := c.Get(tk, "http://origin.example:8080/page?q=1")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "via proxy" {
			t.Errorf("body %q", body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(targets) != 1 || targets[0] != "http://origin.example:8080/page?q=1 Basic cHU6cHA=" {
			t.Errorf("proxy saw %q", targets)
		}
		return nil
	})
}

// TestClientRedirectBody: a redirect's small body is read so that its
// connection carries the next request; a large one closes it.
func TestClientRedirectBody(t *testing.T) {
	cnt := clNewConnCounter()
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			w.Header().Set("Location", "/done")
			w.WriteHeader(302)
			io.WriteString(w, "moved")
		case "/large":
			w.Header().Set("Location", "/done")
			w.WriteHeader(302)
			w.Write(make([]byte, 8<<20)) // more than the socket buffers and one read hold
		default:
			io.WriteString(w, "done")
		}
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, p := range []string{"/small", "/large"} {
			resp, err := c.Get(tk, srv.URL+p)
			if err != nil {
				return err
			}
			if body, err := clRead(tk, resp); body != "done" || err != nil {
				t.Errorf("%s: %q, %v", p, body, err)
			}
		}
		if opened, _ := cnt.get(); opened != 2 {
			t.Errorf("%d connections, want 2 (one kept through the small redirect, one after the large)", opened)
		}
		return nil
	})
}

// TestClientNetOptions: connect options reach the socket.
func TestClientNetOptions(t *testing.T) {
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, host)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientNetOptions(aio.LocalAddr("127.0.0.2:0")))
		defer c.Close()
		resp, err := c.Get(tk, srv.URL)
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "127.0.0.2" {
			t.Errorf("server saw the client at %q, want 127.0.0.2", body)
		}
		return nil
	})
}

// TestClientBodyFromFile sends an aio.File as the body, read by the
// sending task on the executor.
func TestClientBodyFromFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "body")
	content := strings.Repeat("file line\n", 10000)
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := clServer(t, nil, http.HandlerFunc(clEcho))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		f, err := aio.Open(tk, name)
		if err != nil {
			return err
		}
		defer f.Close(tk)
		req, _ := web.NewClientRequest("POST", srv.URL)
		req.SetBodyFrom(f, int64(len(content)))
		resp, err := c.Do(tk, req)
		if err != nil {
			return err
		}
		if got, _ := clRead(tk, resp); !strings.Contains(got, "length=100000\n") || !strings.Contains(got, "body="+content) {
			t.Errorf("file body not echoed (%d bytes back)", len(got))
		}
		return nil
	})
}
