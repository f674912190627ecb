package web_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

func TestCompress(t *testing.T) {
	long := strings.Repeat("compress me, ", 200)
	app := web.NewApp()
	app.Use(web.Compress(0))
	app.Get("/text", func(t *aio.Task, r *web.Request) (*web.Response, error) { return web.Text(long), nil })
	app.Get("/short", func(t *aio.Task, r *web.Request) (*web.Response, error) { return web.Text("short"), nil })
	app.Get("/png", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Bytes("image/png", []byte(long)), nil
	})
	shared := &web.Response{Header: web.Header{}}
	shared.Header.Set("Content-Type", "application/json")
	shared.SetBodyString(`{"k":"` + long + `"}`)
	app.Get("/shared", func(t *aio.Task, r *web.Request) (*web.Response, error) { return shared, nil })
	addr := serveFor(t, app)

	decode := map[string]func(io.Reader) (io.Reader, error){
		"gzip":    func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"deflate": func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) },
		"":        func(r io.Reader) (io.Reader, error) { return r, nil },
	}
	for _, c := range []struct {
		path, accept, coding, want string
	}{
		{"/text", "gzip, deflate", "gzip", long},
		{"/text", "deflate", "deflate", long},
		{"/text", "br", "", long},
		{"/text", "", "", long},
		{"/short", "gzip", "", "short"},
		{"/png", "gzip", "", long},
		{"/shared", "gzip", "gzip", `{"k":"` + long + `"}`},
		{"/shared", "gzip", "gzip", `{"k":"` + long + `"}`},
	} {
		var hdr []string
		if c.accept != "" {
			hdr = append(hdr, "Accept-Encoding: "+c.accept)
		}
		resp, body := rawGet(t, addr, c.path, hdr...)
		if got := resp.Header.Get("Content-Encoding"); got != c.coding {
			t.Errorf("%s with %q: Content-Encoding %q, want %q", c.path, c.accept, got, c.coding)
			continue
		}
		r, err := decode[c.coding](strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != c.want {
			t.Errorf("%s with %q: decoded %d bytes, %v", c.path, c.accept, len(got), err)
		}
		if c.coding != "" && len(body) >= len(c.want) {
			t.Errorf("%s: %d bytes compressed to %d", c.path, len(c.want), len(body))
		}
		if (c.path == "/text" || c.path == "/shared") && resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", c.path, resp.Header.Get("Vary"))
		}
	}
	if shared.Header.Has("Content-Encoding") || !bytes.Contains(shared.Body(), []byte(long)) {
		t.Error("Compressed changed a shared Response")
	}
}
