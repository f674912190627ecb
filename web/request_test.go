package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

func TestRequestAccessors(t *testing.T) {
	app := web.NewApp()
	app.Get("/info/{x}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		c, _ := r.Cookie("session")
		_, missing := r.Cookie("nope")
		h := r.Header()
		return web.JSON(map[string]any{
			"method": r.Method(), "target": r.Target(), "path": r.Path(), "raw": r.RawPath(),
			"query": r.Query()["q"], "rawq": r.RawQuery(), "x": r.Param("x"), "none": r.Param("none"),
			"agent": h.Get("user-agent"), "multi": h.Values("X-Multi"), "hv": r.HeaderValue("X-MULTI"),
			"cookie": c, "missing": missing, "host": r.Host(), "v": r.Version(),
			"remote": strings.HasPrefix(r.RemoteAddr().String(), "127.0.0.1:"),
			"ctx":    r.Context().Err() == nil, "body": r.HasBody(),
		})
	})
	s := webtest.NewServer(t, app)
	_, hdr, body := s.Do(t, "GET", "/info/a%20b?q=1&q=two+2&z", "", []string{
		"User-Agent", "test/1", "X-Multi", "one", "X-Multi", "two", "Cookie", "session=abc; other=1"})
	want := `{"agent":"test/1","body":false,"cookie":"abc","ctx":true,"host":"` + s.Addr() + `","hv":"one",` +
		`"method":"GET","missing":false,"multi":["one","two"],"none":"","path":"/info/a b","query":["1","two 2"],` +
		`"raw":"/info/a%20b","rawq":"q=1\u0026q=two+2\u0026z","remote":true,"target":"/info/a%20b?q=1\u0026q=two+2\u0026z","v":1,"x":"a b"}`
	if body != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
	if hdr.Get("Content-Type") != "application/json" {
		t.Errorf("JSON content type %q", hdr.Get("Content-Type"))
	}
}

func TestRequestBodies(t *testing.T) {
	app := web.NewApp()
	app.Post("/json", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		var v struct{ N int }
		if err := r.DecodeJSON(t, &v); err != nil {
			return nil, err
		}
		return web.Text(fmt.Sprint(v.N * 2)), nil
	})
	app.Post("/form", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		f, err := r.Form(t)
		if err != nil {
			return nil, err
		}
		return web.Text(f.Get("a") + "," + f.Get("b")), nil
	})
	app.Post("/upload", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		mr, err := r.Multipart(t)
		if err != nil {
			return nil, err
		}
		var out []string
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			b, _ := io.ReadAll(p)
			out = append(out, p.FormName()+"="+string(b))
		}
		return web.Text(strings.Join(out, ";")), nil
	})
	app.Post("/read", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		var got []string
		p := make([]byte, 3)
		for {
			n, err := r.Read(t, p)
			if n > 0 {
				got = append(got, string(p[:n]))
			}
			if err == io.EOF {
				return web.Text(strings.Join(got, "|")), nil
			}
			if err != nil {
				return nil, err
			}
		}
	})
	s := webtest.NewServer(t, app)
	ct := func(v string) []string { return []string{"Content-Type", v} }
	check := func(path, body string, header []string, status int, want string) {
		t.Helper()
		if st, _, got := s.Do(t, "POST", path, body, header); st != status || got != want {
			t.Errorf("POST %s %.30q: %d %q, want %d %q", path, body, st, got, status, want)
		}
	}
	check("/json", `{"N": 21}`, nil, 200, "42")
	check("/json", `{"N": `, nil, 400, "400: invalid JSON body")
	check("/form", url.Values{"a": {"1"}, "b": {"x y"}}.Encode(), ct("application/x-www-form-urlencoded"), 200, "1,x y")
	check("/form", "a=1", ct("text/plain"), 415, "415: expected a form body")
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("a", "first")
	fw, _ := mw.CreateFormFile("b", "b.txt")
	fw.Write([]byte("file body"))
	mw.Close()
	check("/form", mp.String(), ct(mw.FormDataContentType()), 200, "first,")
	check("/upload", mp.String(), ct(mw.FormDataContentType()), 200, "a=first;b=file body")
	check("/upload", "x", ct("text/plain"), 415, "415: expected a multipart body")
	check("/read", "abcdefgh", nil, 200, "abc|def|gh")

	// Chunked, in a raw request: the reads see the decoded bytes.
	c, br := rawConn(t, s)
	io.WriteString(c, "POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n5\r\ncdefg\r\n0\r\n\r\n")
	if _, body := readResp(t, br, "POST"); strings.ReplaceAll(body, "|", "") != "abcdefg" || strings.Contains(body, "||") {
		t.Errorf("chunked reads: %q", body)
	}
}

func TestResponses(t *testing.T) {
	var reports atomic.Int32
	app := web.NewApp()
	app.Get("/redirect", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Redirect(http.StatusSeeOther, "/target"), nil
	})
	app.Get("/cookie", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		resp := web.Text("c")
		resp.SetCookie(&http.Cookie{Name: "a", Value: "1", HttpOnly: true})
		resp.SetCookie(&http.Cookie{Name: "bad name", Value: "x"})
		resp.Header.Set("X-Custom", "v")
		resp.Header.Set("Content-Length", "999") // the server's to write
		return resp, nil
	})
	app.Get("/status", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		resp := web.Bytes("", []byte("made"))
		resp.Status, resp.Reason = 201, "Made It"
		return resp, nil
	})
	app.Get("/errorf", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return nil, web.Errorf(409, "version %d is stale", 3)
	})
	app.Get("/plain-error", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return nil, errors.New("database down")
	})
	app.Get("/nothing", func(t *aio.Task, r *web.Request) (*web.Response, error) { return nil, nil })
	app.Get("/bad-header", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		resp := web.Text("x")
		resp.Header.Set("X-Evil", "a\r\nInjected: yes")
		return resp, nil
	})
	app.Get("/json-error", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.JSON(func() {})
	})
	fixed := &web.Response{Status: 202}
	fixed.SetBodyString("shared")
	app.Get("/fixed", func(t *aio.Task, r *web.Request) (*web.Response, error) { return fixed, nil })
	s := webtest.NewServer(t, app, web.LoopOptions(aio.WithExceptionHandler(func(*aio.Loop, aio.ExceptionContext) {
		reports.Add(1)
	})))
	s.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	type want struct {
		status int
		body   string
		header map[string]string
	}
	for path, w := range map[string]want{
		"/redirect":    {303, "", map[string]string{"Location": "/target"}},
		"/cookie":      {200, "c", map[string]string{"Set-Cookie": "a=1; HttpOnly", "X-Custom": "v", "Content-Length": "1"}},
		"/status":      {201, "made", map[string]string{"Content-Type": ""}},
		"/errorf":      {409, "409: version 3 is stale", map[string]string{"Content-Type": "text/plain; charset=utf-8"}},
		"/plain-error": {500, "500: Internal Server Error", nil},
		"/nothing":     {500, "500: Internal Server Error", nil},
		"/bad-header":  {500, "", map[string]string{"Injected": ""}},
		"/json-error":  {500, "500: Internal Server Error", nil},
		"/fixed":       {202, "shared", nil},
	} {
		for range 2 { // a shared, unpooled response serves twice
			status, h, body := s.Get(t, path)
			if status != w.status || body != w.body {
				t.Errorf("GET %s: %d %q, want %d %q", path, status, body, w.status, w.body)
			}
			for k, v := range w.header {
				if h.Get(k) != v {
					t.Errorf("GET %s: %s %q, want %q", path, k, h.Get(k), v)
				}
			}
		}
	}
	if n := reports.Load(); n != 8 {
		t.Errorf("%d reports to the exception handler, want 8 (the 500s)", n)
	}
	if !errors.Is(web.Errorf(404, "x"), web.ErrNotFound) || errors.Is(web.ErrNotFound, web.ErrGone) {
		t.Error("HTTPError classes by status")
	}
	cause := errors.New("cause")
	if e := web.Errorf(500, "wrapped: %w", cause); !errors.Is(e, cause) || e.Error() != "web: 500 Internal Server Error: wrapped: cause" {
		t.Errorf("Errorf with %%w: %v", e)
	}
}
