package web_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// curl: two URLs on one keep-alive connection, an upload of 100 KiB
// (curl sends Expect: 100-continue for it), HEAD, and HTTP/1.0.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl")
	}
	app := web.NewApp()
	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("hello " + r.Param("name") + "\n"), nil
	})
	app.Post("/size", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		return web.Text(strings.Repeat("#", len(b)/1024) + "\n"), nil
	})
	s := webtest.NewServer(t, app)
	run := func(args ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, curl, append([]string{"-sS", "-v"}, args...)...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, errb.String())
		}
		return out.String(), errb.String()
	}
	out, log := run(s.URL+"/hello/a", s.URL+"/hello/b%20c")
	if out != "hello a\nhello b c\n" || !strings.Contains(log, "Re-using existing connection") {
		t.Errorf("two URLs: %q\n%s", out, log)
	}
	out, log = run("-H", "Expect: 100-continue", "--data-binary", strings.Repeat("x", 100<<10), s.URL+"/size")
	if out != strings.Repeat("#", 100)+"\n" || !strings.Contains(log, "HTTP/1.1 100 Continue") {
		t.Errorf("upload: %q\n%s", out, log)
	}
	out, log = run("-I", s.URL+"/hello/h")
	if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Content-Length: 8\r\n") {
		t.Errorf("HEAD: %q\n%s", out, log)
	}
	out, log = run("-0", s.URL+"/hello/old")
	if out != "hello old\n" || !strings.Contains(log, "Connection: close") {
		t.Errorf("HTTP/1.0: %q\n%s", out, log)
	}
}
