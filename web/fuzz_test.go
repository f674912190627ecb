package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// FuzzServe sends arbitrary bytes to a server on a virtual-clock loop,
// then closes its side: the server must answer with HTTP/1.1 responses
// (or nothing), close, and report nothing to the loop's exception handler
// (aiotest fails the run on a report, a panic or a task left behind).
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /hello/a%20b HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.0\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nGET / HTTP/1.1\r\n",
		"garbage\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http://x/hello/y?z HTTP/1.1\r\nHost: x\r\n\r\n",
		"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		f.Add(seed)
	}
	app := web.NewApp()
	app.Get("/", text("index"))
	app.Get("/hello/{name}", echoParams("name"))
	app.Post("/echo", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.ReadAll(t)
		if err != nil {
			return nil, err
		}
		return web.Bytes("", b), nil
	})
	f.Fuzz(func(t *testing.T, in string) {
		aiotest.Run(t, func(tk *aio.Task) error {
			srv, err := webtest.Start(tk, app, web.MaxBodySize(1<<10))
			if err != nil {
				return err
			}
			defer srv.Server.Close()
			c, err := srv.Dial(tk)
			if err != nil {
				return err
			}
			defer c.Close()
			c.Send(in)
			c.W.WriteEOF()
			var out string
			err = aio.Timeout(tk, time.Hour, func(tk *aio.Task) (err error) {
				out, err = c.ReadToEOF(tk)
				return err
			})
			if err != nil {
				return fmt.Errorf("%q: %v", in, err)
			}
			if out != "" && !strings.HasPrefix(out, "HTTP/1.1 ") {
				return fmt.Errorf("%q: answer %q", in, out)
			}
			return nil
		})
	})
}
