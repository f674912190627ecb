package web_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

func echoParams(names ...string) web.Handler {
	return func(t *aio.Task, r *web.Request) (*web.Response, error) {
		var b strings.Builder
		b.WriteString(r.Method())
		for _, n := range names {
			b.WriteString(" " + n + "=" + r.Param(n))
		}
		return web.Text(b.String()), nil
	}
}

func TestRouting(t *testing.T) {
	app := web.NewApp()
	app.Get("/", echoParams())
	app.Get("/hello/{name}", echoParams("name"))
	app.Get("/n/{id:[0-9]+}", echoParams("id"))
	app.Get("/static/{path:.*}", echoParams("path"))
	app.Post("/form", echoParams())
	app.Put("/form", echoParams())
	app.Delete("/form", echoParams())
	app.Patch("/form", echoParams())
	app.Any("/any", echoParams())
	app.Options("/opt", echoParams())
	app.Head("/head", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		resp := web.NewResponse(204)
		resp.Header.Set("X-Head", "own")
		return resp, nil
	})
	app.Get("/café", echoParams()) // patterns are written decoded
	s := webtest.NewServer(t, app)
	cases := []struct {
		method, path string
		status       int
		body         string
		header       string // "Name: value" expected, if any
	}{
		{"GET", "/", 200, "GET", ""},
		{"GET", "/hello/J%C3%BCrgen%20%3Cb%3E", 200, "GET name=Jürgen <b>", ""},
		{"GET", "/hello/a%2Fb", 200, "GET name=a/b", ""},
		{"GET", "/hello/", 404, "404: Not Found", ""},
		{"GET", "/n/12", 200, "GET id=12", ""},
		{"GET", "/n/x", 404, "404: Not Found", ""},
		{"GET", "/static/css/site.css", 200, "GET path=css/site.css", ""},
		{"POST", "/form", 200, "POST", ""},
		{"PATCH", "/form", 200, "PATCH", ""},
		{"GET", "/form", 405, "405: Method Not Allowed", "Allow: DELETE, OPTIONS, PATCH, POST, PUT"},
		{"OPTIONS", "/form", 204, "", "Allow: DELETE, OPTIONS, PATCH, POST, PUT"},
		{"OPTIONS", "/opt", 200, "OPTIONS", ""},
		{"MKCOL", "/any", 200, "MKCOL", ""},
		{"HEAD", "/", 200, "", "Content-Length: 3"},
		{"HEAD", "/head", 204, "", "X-Head: own"},
		{"GET", "/café", 200, "GET", ""},
		{"GET", "/nope", 404, "404: Not Found", ""},
	}
	for _, c := range cases {
		status, h, body := s.Do(t, c.method, c.path, "", nil)
		if status != c.status || body != c.body {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, status, body, c.status, c.body)
		}
		if name, v, ok := strings.Cut(c.header, ": "); ok {
			got := h.Get(name)
			if name == "Content-Length" && c.method == "HEAD" {
				continue // net/http hides it; TestConnectionClose checks it
			}
			if got != v {
				t.Errorf("%s %s: %s %q, want %q", c.method, c.path, name, got, v)
			}
		}
	}
}

// Middlewares run in the order added, the app's around a mounted app's;
// a mounted app answers under its prefix and its named routes build
// URLs there.
func TestMiddlewareAndMount(t *testing.T) {
	trace := func(name string) web.Middleware {
		return func(t *aio.Task, r *web.Request, next web.Handler) (*web.Response, error) {
			r.SetValue("trace", r.Value("trace").(string)+name+">")
			resp, err := next(t, r)
			if resp != nil {
				resp.Header.Add("X-Trace", name)
			}
			return resp, err
		}
	}
	start := func(t *aio.Task, r *web.Request, next web.Handler) (*web.Response, error) {
		r.SetValue("trace", "")
		return next(t, r)
	}
	show := func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(r.Value("trace").(string) + r.Path()), nil
	}
	app := web.NewApp()
	app.Use(start, trace("a"), trace("b"))
	app.Get("/x", show)
	api := web.NewApp()
	api.Use(trace("api"))
	api.Get("/users/{id}", show, web.Name("user"))
	api.Get("/", show)
	app.Mount("/api", api)
	s := webtest.NewServer(t, app)
	for path, want := range map[string]string{
		"/x":            "a>b>/x",
		"/api/users/7":  "a>b>api>/api/users/7",
		"/api/":         "a>b>api>/api/",
		"/api/users/7/": "404: Not Found",
	} {
		if _, _, body := s.Get(t, path); body != want {
			t.Errorf("GET %s: %q, want %q", path, body, want)
		}
	}
	_, h, _ := s.Get(t, "/api/users/7")
	if got := strings.Join(h.Values("X-Trace"), ","); got != "api,b,a" {
		t.Errorf("X-Trace %q: the responses pass the middlewares inside out", got)
	}
	u, err := app.URL("user", "id", "a b/c")
	if err != nil || u != "/api/users/a%20b%2Fc" {
		t.Errorf("URL: %q %v", u, err)
	}
}

func TestURL(t *testing.T) {
	app := web.NewApp()
	app.Get("/", echoParams(), web.Name("index"))
	app.Get("/n/{id:[0-9]+}", echoParams(), web.Name("num"))
	app.Get("/f/{path:.*}", echoParams(), web.Name("file"))
	good := map[string][]string{
		"/":          {"index"},
		"/n/42":      {"num", "id", "42"},
		"/f/a/b%20c": {"file", "path", "a/b c"},
	}
	for want, args := range good {
		if u, err := app.URL(args[0], args[1:]...); err != nil || u != want {
			t.Errorf("URL%q: %q %v, want %q", args, u, err, want)
		}
	}
	for _, args := range [][]string{{"nope"}, {"num"}, {"num", "id", "x"}, {"num", "id"}, {"index", "a", "b"}, {"num", "id", "1", "extra", "2"}} {
		if u, err := app.URL(args[0], args[1:]...); err == nil {
			t.Errorf("URL%q: %q, want an error", args, u)
		}
	}
}

func TestRouteMisuse(t *testing.T) {
	mustPanic := func(name string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		fn()
	}
	app := web.NewApp()
	mustPanic("no slash", func() { app.Get("x", echoParams()) })
	mustPanic("bad regexp", func() { app.Get("/{id:[}", echoParams()) })
	mustPanic("tail not last", func() { app.Get("/{p:.*}/x", echoParams()) })
	mustPanic("partial segment", func() { app.Get("/a{b}", echoParams()) })
	mustPanic("bad method", func() { app.Route("GE T", "/", echoParams()) })
	mustPanic("nil handler", func() { app.Get("/", nil) })
	mustPanic("bad mount", func() { app.Mount("/x/", web.NewApp()) })

	dup := web.NewApp()
	dup.Get("/a", echoParams())
	dup.Get("/a", echoParams())
	rn := web.NewRunner(dup, web.Addr("127.0.0.1:0"), web.Loops(1))
	if err := rn.Start(); err == nil || !strings.Contains(err.Error(), "clashes") {
		rn.Shutdown(context.Background())
		t.Errorf("a route added twice: %v", err)
	}

	frozen := web.NewApp()
	frozen.Get("/", echoParams())
	webtest.NewServer(t, frozen)
	mustPanic("frozen", func() { frozen.Get("/late", echoParams()) })
}

// Startup hooks run before serving, shutdown and cleanup hooks after, in
// reverse order for cleanup; a failing startup hook stops Start and runs
// the cleanup hooks.
func TestHooks(t *testing.T) {
	var log []string
	hook := func(name string, err error) web.Hook {
		return func(t *aio.Task, a *web.App) error {
			log = append(log, name)
			return err
		}
	}
	app := web.NewApp()
	app.OnStartup(hook("start1", nil))
	app.OnStartup(hook("start2", nil))
	app.OnShutdown(hook("shutdown", nil))
	app.OnCleanup(hook("clean1", nil))
	app.OnCleanup(hook("clean2", nil))
	app.SetValue("db", "conn")
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(r.App().Value("db").(string)), nil
	})
	s := webtest.NewServer(t, app)
	if _, _, body := s.Get(t, "/"); body != "conn" {
		t.Errorf("app value: %q", body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(log, " "); got != "start1 start2 shutdown clean2 clean1" {
		t.Errorf("hooks ran as %q", got)
	}

	log = nil
	errStart := errors.New("no database")
	bad := web.NewApp()
	bad.OnStartup(hook("start", errStart))
	bad.OnCleanup(hook("clean", nil))
	if err := web.NewRunner(bad, web.Addr("127.0.0.1:0")).Start(); !errors.Is(err, errStart) {
		t.Errorf("Start with a failing hook: %v", err)
	}
	if got := strings.Join(log, " "); got != "start clean" {
		t.Errorf("hooks ran as %q", got)
	}
}
