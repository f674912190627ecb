package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// The seed app: two routes, one with a path parameter, served on one
// loop at a free port, queried with net/http, then shut down (RunApp
// does the same and waits for Ctrl-C in between).
func Example() {
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.HTML("<h1>Index</h1>"), nil
	})
	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(t, 10*time.Millisecond); err != nil {
			return nil, err // the client went away
		}
		return web.HTML("<h1>hello, " + html.EscapeString(r.Param("name")) + "!</h1>"), nil
	})
	rn := web.NewRunner(app, web.Addr("127.0.0.1:0"), web.Loops(1))
	if err := rn.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer rn.Shutdown(context.Background())
	for _, path := range []string{"/", "/hello/J%C3%BCrgen%20%3Cb%3E", "/nope"} {
		resp, err := http.Get("http://" + rn.Addr().String() + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 <h1>Index</h1>
	// 200 <h1>hello, Jürgen &lt;b&gt;!</h1>
	// 404 404: Not Found
}

// A middleware that times every request and adds a header.
func ExampleApp_Use() {
	app := web.NewApp()
	app.Use(func(t *aio.Task, r *web.Request, next web.Handler) (*web.Response, error) {
		resp, err := next(t, r)
		if resp != nil {
			resp.Header.Set("X-Served-By", "aio")
		}
		return resp, err
	})
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("ok"), nil
	})
	rn := web.NewRunner(app, web.Addr("127.0.0.1:0"), web.Loops(1))
	if err := rn.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer rn.Shutdown(context.Background())
	resp, err := http.Get("http://" + rn.Addr().String() + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Header.Get("X-Served-By"))
	// Output: aio
}

// Named routes build their URLs, parameters percent-encoded.
func ExampleApp_URL() {
	app := web.NewApp()
	app.Get("/users/{id:[0-9]+}/files/{path:.*}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(r.Param("path")), nil
	}, web.Name("user-file"))
	u, err := app.URL("user-file", "id", "42", "path", "docs/a b.txt")
	fmt.Println(u, err)
	// Output: /users/42/files/docs/a%20b.txt <nil>
}

// A handler that streams its body in chunks.
func ExampleStreamResponse() {
	app := web.NewApp()
	app.Get("/count", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		s.Header.Set("Content-Type", "text/plain")
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		for i := 1; i <= 3; i++ {
			if err := s.Write(t, fmt.Appendf(nil, "%d\n", i)); err != nil {
				return nil, err
			}
			if err := s.Drain(t); err != nil { // send it now
				return nil, err
			}
		}
		return s.Finish(t)
	})
	rn := web.NewRunner(app, web.Addr("127.0.0.1:0"), web.Loops(1))
	if err := rn.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer rn.Shutdown(context.Background())
	resp, err := http.Get("http://" + rn.Addr().String() + "/count")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.TransferEncoding, "\n", string(body))
	// Output:
	// [chunked]
	// 1
	// 2
	// 3
}
