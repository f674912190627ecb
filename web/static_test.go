package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aio-go/aio/web"
)

func TestStaticCannotEscape(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(root, "index.html"), []byte("index"), 0o644))
	must(os.WriteFile(filepath.Join(root, "sub", "a b.txt"), []byte("spaced"), 0o644))
	must(os.WriteFile(filepath.Join(base, "secret.txt"), []byte("secret"), 0o644))
	must(os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(root, "out.txt")))
	must(os.Symlink("../secret.txt", filepath.Join(root, "rel.txt")))
	must(os.Symlink("index.html", filepath.Join(root, "in.html")))

	app := web.NewApp()
	if err := app.Static("/static", root); err != nil {
		t.Fatal(err)
	}
	addr := serveFor(t, app)
	for _, c := range []struct {
		target string
		status int
		body   string
	}{
		{"/static/index.html", 200, "index"},
		{"/static/sub/a%20b.txt", 200, "spaced"},
		{"/static/in.html", 200, "index"},
		{"/static/../secret.txt", 404, ""},
		{"/static/sub/../../secret.txt", 404, ""},
		{"/static/%2e%2e/secret.txt", 404, ""},
		{"/static/%2E%2E%2Fsecret.txt", 404, ""},
		{"/static/sub%2F..%2F..%2Fsecret.txt", 404, ""},
		{"/static/..%5csecret.txt", 404, ""},
		{"/static/out.txt", 404, ""},
		{"/static/rel.txt", 404, ""},
		{"/static/sub", 404, ""},
		{"/static/", 404, ""},
		{"/static/missing", 404, ""},
		{"/static/index.html%00", 404, ""},
	} {
		resp, body := rawGet(t, addr, c.target)
		if resp.StatusCode != c.status || (c.status == 200 && body != c.body) {
			t.Errorf("GET %s: %d %q, want %d %q", c.target, resp.StatusCode, body, c.status, c.body)
		}
		if body == "secret" {
			t.Errorf("GET %s escaped the root", c.target)
		}
	}
	if err := web.NewApp().Static("/x", filepath.Join(base, "missing")); err == nil {
		t.Error("Static on a missing directory: no error")
	}
}
