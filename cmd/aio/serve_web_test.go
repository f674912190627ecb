package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web/webtest"
)

// The demo's handlers wait -delay before answering, on the loop's clock
// (virtual here, so the wait is exact and instant); -delay 0 does not
// wait at all.
func TestDemoDelay(t *testing.T) {
	for _, delay := range []time.Duration{handlerDelay, 0} {
		aiotest.Run(t, func(tk *aio.Task) error {
			srv, err := webtest.Start(tk, demoApp(delay))
			if err != nil {
				return err
			}
			defer func() { srv.Server.Close(); srv.Server.AbortClients() }()
			c, err := srv.Dial(tk)
			if err != nil {
				return err
			}
			defer c.Close()
			for _, path := range []string{"/", "/hello/%3Cme%3E"} {
				start := tk.Loop().Time()
				resp, body, err := c.Get(tk, path)
				if err != nil {
					return err
				}
				took := tk.Loop().Time() - start
				if resp.StatusCode != 200 || took < delay || took >= delay+handlerDelay/2 {
					return fmt.Errorf("delay %v: GET %s: %d %q after %v", delay, path, resp.StatusCode, body, took)
				}
			}
			return nil
		})
	}
}

func TestServeAccessLogAndStatic(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("static file"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("secret"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "link"))

	ctl := &serveControl{ready: make(chan string, 1), stop: make(chan struct{})}
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- serve(serveOptions{addr: "127.0.0.1:0", loops: 1, accessLog: true, static: dir}, &out, ctl)
	}()
	var addr string
	select {
	case addr = <-ctl.ready:
	case err := <-done:
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/static/a.txt":       "200 static file",
		"/static/sub":         "404 404: Not Found",
		"/static/../serve.go": "404 404: Not Found",
		"/static/%2e%2e/x":    "404 404: Not Found",
		"/static/link":        "404 404: Not Found",
		"/static/missing.txt": "404 404: Not Found",
		"/hello/log":          "200 <h1>hello, log!</h1>",
	} {
		status, body, _ := get(t, "http://"+addr+path)
		if got := fmt.Sprint(status, " ", body); got != want {
			t.Errorf("GET %s: %q, want %q", path, got, want)
		}
	}
	close(ctl.stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"GET /hello/log HTTP/1.1" 200 `) {
		t.Errorf("no access log line for /hello/log in %q", out.String())
	}
}

// A port already in use fails with one clear line and exit status 1.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out, errs, code := runCommand(t, "serve", "-addr", ln.Addr().String(), "-loops", "1")
	if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "address already in use") ||
		!strings.HasPrefix(errs, "aio: ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
