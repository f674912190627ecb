package web_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
)

// startRunner serves app on one loop at a free port until the test ends.
func startRunner(t testing.TB, app *web.App, opts ...web.Option) string {
	t.Helper()
	rn := web.NewRunner(app, append([]web.Option{web.Addr("127.0.0.1:0"), web.Loops(1)}, opts...)...)
	if err := rn.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rn.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return "http://" + rn.Addr().String()
}

// The seed app's routes, and a Runner that releases every goroutine and
// fd when it shuts down.
func TestSmoke(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.HTML("<h1>Index</h1>"), nil
	})
	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(t, time.Millisecond); err != nil {
			return nil, err
		}
		return web.Text("hello, " + r.Param("name")), nil
	})
	base := startRunner(t, app)
	c := &http.Client{}
	defer c.CloseIdleConnections()
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/", "<h1>Index</h1>", 200},
		{"/hello/b%20c", "hello, b c", 200},
		{"/", "<h1>Index</h1>", 200},
		{"/nope", "404: Not Found", 404},
	} {
		resp, err := c.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(b) != tc.want {
			t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}
