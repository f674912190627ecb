package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// ckServer is the peer of the cookie tests: /set/NAME=VALUE answers
// with that Set-Cookie (raw, Path=/), /redirect/NAME=VALUE?to=URL sets
// it and redirects (302) to URL, and any other path answers with the
// Cookie fields it got, joined by " | " (so two fields show).
func ckServer(t *testing.T) *httptest.Server {
	return clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, ok := strings.CutPrefix(r.URL.Path, "/set/"); ok {
			w.Header().Add("Set-Cookie", ck+"; Path=/")
			return
		}
		if ck, ok := strings.CutPrefix(r.URL.Path, "/redirect/"); ok {
			w.Header().Add("Set-Cookie", ck+"; Path=/")
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		io.WriteString(w, strings.Join(r.Header["Cookie"], " | "))
	}))
}

// ckGet gets url with c, with the Cookie header cookie if not empty,
// and returns the body.
func ckGet(tk *aio.Task, c *web.Client, url, cookie string) (string, error) {
	req, err := web.NewClientRequest("GET", url)
	if err != nil {
		return "", err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(tk, req)
	if err != nil {
		return "", err
	}
	return clRead(tk, resp)
}

// ckExpect gets url with c and fails t unless the server saw want.
func ckExpect(t *testing.T, tk *aio.Task, c *web.Client, what, url, cookie, want string) error {
	t.Helper()
	got, err := ckGet(tk, c, url, cookie)
	if err != nil {
		return err
	}
	if got != want {
		t.Errorf("%s: server got Cookie %q, want %q", what, got, want)
	}
	return nil
}

// TestClientCookieDefault: a client made without ClientCookieJar keeps
// the cookies a response sets and sends them back; CookieJar shows them
// and deletes one.
func TestClientCookieDefault(t *testing.T) {
	srv := ckServer(t)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		if err := ckExpect(t, tk, c, "before any cookie", srv.URL+"/echo", "", ""); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "setting a", srv.URL+"/set/a=1", "", ""); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "after a", srv.URL+"/echo", "", "a=1"); err != nil {
			return err
		}
		// A quoted value goes back quoted.
		if _, err := ckGet(tk, c, srv.URL+`/set/q="x"`, ""); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "after q", srv.URL+"/echo", "", `a=1; q="x"`); err != nil {
			return err
		}
		jar := c.CookieJar()
		if jar == nil {
			t.Fatal("CookieJar of a default client is nil")
		}
		u, _ := url.Parse(srv.URL + "/")
		if got := jar.Cookies(u); len(got) != 2 || got[0].Name != "a" || got[0].Value != "1" {
			t.Errorf("jar.Cookies = %v, want a=1 and q", got)
		}
		jar.SetCookies(u, []*http.Cookie{{Name: "a", Path: "/", MaxAge: -1}, {Name: "q", Path: "/", MaxAge: -1}})
		return ckExpect(t, tk, c, "after deleting both", srv.URL+"/echo", "", "")
	})
}

// TestClientCookieFromOutside: a cookie stored in the default jar
// through CookieJar, not from a response, is sent too (the jar's
// never-stored shortcut sees it).
func TestClientCookieFromOutside(t *testing.T) {
	srv := ckServer(t)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		if err := ckExpect(t, tk, c, "before", srv.URL+"/echo", "", ""); err != nil {
			return err
		}
		u, _ := url.Parse(srv.URL)
		c.CookieJar().SetCookies(u, []*http.Cookie{{Name: "token", Value: "t0"}})
		return ckExpect(t, tk, c, "after SetCookies", srv.URL+"/echo", "", "token=t0")
	})
}

// TestClientCookieOff: ClientCookieJar(nil) keeps no cookie, and sends
// only the request's own Cookie header.
func TestClientCookieOff(t *testing.T) {
	srv := ckServer(t)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientCookieJar(nil))
		defer c.Close()
		if jar := c.CookieJar(); jar != nil {
			t.Errorf("CookieJar with cookies off = %v, want nil", jar)
		}
		if _, err := ckGet(tk, c, srv.URL+"/set/a=1", ""); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "cookies off", srv.URL+"/echo", "", ""); err != nil {
			return err
		}
		return ckExpect(t, tk, c, "cookies off, own header", srv.URL+"/echo", "own=1", "own=1")
	})
}

// TestClientCookieCustomJar: the jar ClientCookieJar gives is the one
// used, CookieJar returns it, and what is in it beforehand is sent.
func TestClientCookieCustomJar(t *testing.T) {
	srv := ckServer(t)
	clRun(t, func(tk *aio.Task) error {
		jar, _ := cookiejar.New(nil)
		u, _ := url.Parse(srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "pre", Value: "0"}})
		c := web.NewClient(web.ClientCookieJar(jar))
		defer c.Close()
		if got := c.CookieJar(); got != jar {
			t.Errorf("CookieJar = %v, want the jar given", got)
		}
		if err := ckExpect(t, tk, c, "seeded jar", srv.URL+"/echo", "", "pre=0"); err != nil {
			return err
		}
		if _, err := ckGet(tk, c, srv.URL+"/set/b=2", ""); err != nil {
			return err
		}
		if got := jar.Cookies(u); len(got) != 2 {
			t.Errorf("the given jar holds %v, want pre and b", got)
		}
		return nil
	})
}

// TestClientCookieOneField: the request's own Cookie header, or else the
// client's default one, and the jar's cookies go in one Cookie field.
func TestClientCookieOneField(t *testing.T) {
	srv := ckServer(t)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientHeaders(http.Header{"Cookie": {"def=0"}}))
		defer c.Close()
		if err := ckExpect(t, tk, c, "default header only", srv.URL+"/echo", "", "def=0"); err != nil {
			return err
		}
		if _, err := ckGet(tk, c, srv.URL+"/set/a=1", ""); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "default header and jar", srv.URL+"/echo", "", "def=0; a=1"); err != nil {
			return err
		}
		if err := ckExpect(t, tk, c, "own header and jar", srv.URL+"/echo", "own=1", "own=1; a=1"); err != nil {
			return err
		}
		req, _ := web.NewClientRequest("GET", srv.URL+"/echo")
		req.Header["Cookie"] = []string{"x=1", "y=2"}
		resp, err := c.Do(tk, req)
		if err != nil {
			return err
		}
		if got, _ := clRead(tk, resp); got != "x=1; y=2; a=1" {
			t.Errorf("two own fields and jar: server got Cookie %q, want %q", got, "x=1; y=2; a=1")
		}
		return nil
	})
}

// TestClientCookieLogin: log in with a POST answered by a 303 that sets
// the session cookie; the redirect's next hop and every later request
// carry it (aiohttp's "log in, then fetch").
func TestClientCookieLogin(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("user") != "alice" || r.FormValue("password") != "secret" {
			http.Error(w, "bad login", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s-alice", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("session")
		if err != nil || ck.Value != "s-alice" {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "welcome alice")
	})
	srv := clServer(t, nil, mux)
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.PostForm(tk, srv.URL+"/login", url.Values{"user": {"alice"}, "password": {"secret"}})
		if err != nil {
			return err
		}
		body, err := clRead(tk, resp)
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || resp.URL.Path != "/home" || body != "welcome alice" {
			t.Errorf("login: %d %v %q, want 200 /home \"welcome alice\"", resp.StatusCode, resp.URL, body)
		}
		resp, err = c.Get(tk, srv.URL+"/home")
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); resp.StatusCode != 200 || body != "welcome alice" {
			t.Errorf("fetch after login: %d %q", resp.StatusCode, body)
		}
		return nil
	})
}

// TestClientCookieCrossHost: a redirect to another host (localhost
// rather than 127.0.0.1) carries neither the request's own Cookie header
// nor the cookie the redirect set, which the jar keeps for 127.0.0.1;
// back on 127.0.0.1 both are sent.
func TestClientCookieCrossHost(t *testing.T) {
	srv := ckServer(t)
	other := ckServer(t)
	otherURL, _ := url.Parse(other.URL)
	elsewhere := "http://localhost:" + otherURL.Port() + "/echo"
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		err := ckExpect(t, tk, c, "redirect to localhost", srv.URL+"/redirect/a=1?to="+url.QueryEscape(elsewhere), "own=1", "")
		if err != nil {
			return err
		}
		err = ckExpect(t, tk, c, "redirect to the same host", srv.URL+"/redirect/b=2?to=/echo", "own=1", "own=1; a=1; b=2")
		if err != nil {
			return err
		}
		return ckExpect(t, tk, c, "localhost afterwards", elsewhere, "", "")
	})
}

// TestClientCookieZeroAllocHostName: a client that never got a cookie
// does not look in its jar, so a GET to a host name (whose jar lookup
// would allocate) allocates nothing either, as TestClientZeroAlloc
// checks for an IP address.
func TestClientCookieZeroAllocHostName(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		// With a Cookie header of its own, that is the whole field.
		for _, own := range []string{"", "own=1"} {
			allocs, err := clAllocsPerGet(tk, "localhost", own)
			if err != nil {
				return err
			}
			if allocs != 0 {
				t.Errorf("Cookie %q: %v allocations per request to localhost, want 0", own, allocs)
			}
		}
		return nil
	})
}

// A session keeps cookies, as aiohttp's does: log in, then fetch a page
// that needs the session cookie the login set.
func ExampleClient_CookieJar() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s-" + r.FormValue("user"), Path: "/"})
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("session")
		if err != nil {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "profile of %s", strings.TrimPrefix(ck.Value, "s-"))
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient() // with a cookie jar of its own
		defer c.Close()
		resp, err := c.PostForm(t, srv.URL+"/login", url.Values{"user": {"alice"}})
		if err != nil {
			return err
		}
		resp.Close()
		resp, err = c.Get(t, srv.URL+"/profile")
		if err != nil {
			return err
		}
		text, err := resp.Text(t)
		if err != nil {
			return err
		}
		fmt.Println(text)
		u, _ := url.Parse(srv.URL)
		for _, ck := range c.CookieJar().Cookies(u) {
			fmt.Println("jar:", ck.Name, ck.Value)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// profile of alice
	// jar: session s-alice
}
