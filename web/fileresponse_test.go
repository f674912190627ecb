package web_test

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

func TestServeFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.txt")
	if err := os.WriteFile(small, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 3<<20+17)
	for i := range big {
		big[i] = byte(rand.IntN(256))
	}
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Get("/f/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.ServeFile(t, r, filepath.Join(dir, r.Param("name")))
	})
	addr := serveFor(t, app)

	resp, body := rawGet(t, addr, "/f/small.txt")
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || body != "0123456789" || etag == "" || lm == "" ||
		resp.Header.Get("Accept-Ranges") != "bytes" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = rawGet(t, addr, "/f/big.bin")
	if resp.StatusCode != 200 || !bytes.Equal([]byte(body), big) || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("GET big: %d, %d bytes, equal %v", resp.StatusCode, len(body), bytes.Equal([]byte(body), big))
	}

	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	for _, c := range []struct {
		name   string
		header []string
		status int
		body   string
		cr     string
	}{
		{"not modified by etag", []string{"If-None-Match: " + etag}, 304, "", ""},
		{"not modified by date", []string{"If-Modified-Since: " + lm}, 304, "", ""},
		{"modified", []string{`If-None-Match: "other"`}, 200, "0123456789", ""},
		{"range", []string{"Range: bytes=2-5"}, 206, "2345", "bytes 2-5/10"},
		{"suffix range", []string{"Range: bytes=-3"}, 206, "789", "bytes 7-9/10"},
		{"unsatisfiable", []string{"Range: bytes=10-"}, 416, "", "bytes */10"},
		{"disjoint ranges: whole", []string{"Range: bytes=0-1,5-6"}, 200, "0123456789", ""},
		{"if-range matches", []string{"Range: bytes=0-0", "If-Range: " + etag}, 206, "0", "bytes 0-0/10"},
		{"if-range stale", []string{"Range: bytes=0-0", `If-Range: "old"`}, 200, "0123456789", ""},
		{"if-match fails", []string{`If-Match: "other"`}, 412, "", ""},
		{"if-unmodified-since holds", []string{"If-Unmodified-Since: " + future}, 200, "0123456789", ""},
	} {
		resp, body := rawGet(t, addr, "/f/small.txt", c.header...)
		if resp.StatusCode != c.status || (c.status != 412 && body != c.body) || resp.Header.Get("Content-Range") != c.cr {
			t.Errorf("%s: %d %q Content-Range %q; want %d %q %q", c.name, resp.StatusCode, body,
				resp.Header.Get("Content-Range"), c.status, c.body, c.cr)
		}
	}
	for _, name := range []string{"missing", "..", "%2e%2e"} {
		if resp, _ := rawGet(t, addr, "/f/"+name); resp.StatusCode != 404 {
			t.Errorf("GET /f/%s: %d, want 404", name, resp.StatusCode)
		}
	}
	resp, body = rawGet(t, addr, "/f/small.txt", "Range: bytes=0-2")
	if resp.StatusCode != 206 || body != "012" {
		t.Errorf("range after others: %d %q", resp.StatusCode, body)
	}
}

func TestServeFileHead(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte("<p>hi</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Get("/a", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.ServeFile(t, r, filepath.Join(dir, "a.html"))
	})
	base := "http://" + serveFor(t, app)
	c := &http.Client{}
	defer c.CloseIdleConnections()
	for range 2 { // the second HEAD reuses the connection: no stray body bytes
		resp, err := c.Head(base + "/a")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ContentLength != 9 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("HEAD: %d length %d %v", resp.StatusCode, resp.ContentLength, resp.Header)
		}
	}
	resp, err := c.Get(base + "/a")
	if err != nil {
		t.Fatal(err)
	}
	b := new(bytes.Buffer)
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if b.String() != "<p>hi</p>" {
		t.Errorf("GET after HEAD: %q", b)
	}
}

func TestServeFilePermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file: the 403 case cannot be made")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "secret")
	if err := os.WriteFile(name, []byte("x"), 0o000); err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Get("/s", func(t *aio.Task, r *web.Request) (*web.Response, error) { return web.ServeFile(t, r, name) })
	if resp, _ := rawGet(t, serveFor(t, app), "/s"); resp.StatusCode != 403 {
		t.Errorf("unreadable file: %d, want 403", resp.StatusCode)
	}
}
