package web_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// The client against our own server: keep-alive, a JSON round trip, a
// streamed response read line by line, a compressed body, a file with a
// range, and a redirect, each checked end to end.
func TestClientAgainstWebServer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Post("/json", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		var in map[string]int
		if err := r.DecodeJSON(t, &in); err != nil {
			return nil, web.ErrBadRequest
		}
		in["n"]++
		return web.JSON(in)
	})
	app.Get("/lines", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		for i := range 3 {
			if err := s.Write(t, []byte(fmt.Sprintf("line %d\n", i))); err != nil {
				return nil, err
			}
			if err := s.Drain(t); err != nil {
				return nil, err
			}
		}
		return s.Finish(t)
	})
	app.Get("/big", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Compressed(r, web.Text(strings.Repeat("zip ", 1000))), nil
	})
	app.Get("/old", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Redirect(302, "/lines"), nil
	})
	if err := app.Static("/files", dir); err != nil {
		t.Fatal(err)
	}
	srv := webtest.NewServer(t, app)

	clRun(t, func(tk *aio.Task) error {
		base, _ := url.Parse(srv.URL)
		c := web.NewClient(web.ClientBaseURL(base))
		defer c.Close()

		resp, err := c.PostJSON(tk, "/json", map[string]int{"n": 41})
		if err != nil {
			return err
		}
		var out map[string]int
		if err := resp.JSON(tk, &out); err != nil || out["n"] != 42 {
			return fmt.Errorf("json: %v %v", out, err)
		}

		for _, path := range []string{"/lines", "/old"} {
			resp, err := c.Get(tk, path)
			if err != nil {
				return err
			}
			var got []string
			for line, err := range resp.Lines(tk) {
				if err != nil {
					return err
				}
				got = append(got, strings.TrimRight(string(line), "\n"))
			}
			if strings.Join(got, "|") != "line 0|line 1|line 2" || resp.StatusCode != 200 {
				return fmt.Errorf("%s: %d %q", path, resp.StatusCode, got)
			}
		}

		resp, err = c.Get(tk, "/big")
		if err != nil {
			return err
		}
		text, err := resp.Text(tk)
		if err != nil || text != strings.Repeat("zip ", 1000) || !resp.Uncompressed {
			return fmt.Errorf("compressed body: %d bytes, uncompressed %v, %v", len(text), resp.Uncompressed, err)
		}

		req, err := web.NewClientRequest("GET", srv.URL+"/files/f.txt")
		if err != nil {
			return err
		}
		req.Header.Set("Range", "bytes=3-5")
		resp, err = c.Do(tk, req)
		if err != nil {
			return err
		}
		body, err := resp.Bytes(tk)
		if err != nil || resp.StatusCode != 206 || string(body) != "345" {
			return fmt.Errorf("range: %d %q %v", resp.StatusCode, body, err)
		}
		return nil
	})
}
