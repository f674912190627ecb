package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// get fetches url and returns the status and body, for the examples.
func get(url string, header ...string) (int, http.Header, string) {
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return 0, nil, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// start serves app on a free port and returns its base URL and a stop
// function, for the examples.
func start(app *web.App, opts ...web.Option) (string, func()) {
	rn := web.NewRunner(app, append([]web.Option{web.Addr("127.0.0.1:0"), web.Loops(1)}, opts...)...)
	if err := rn.Start(); err != nil {
		panic(err)
	}
	return "http://" + rn.Addr().String(), func() { rn.Shutdown(context.Background()) }
}

func ExampleApp_Static() {
	dir, _ := os.MkdirTemp("", "static")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from a file"), 0o644)

	app := web.NewApp()
	if err := app.Static("/files", dir); err != nil {
		panic(err)
	}
	base, stop := start(app)
	defer stop()

	status, h, body := get(base + "/files/hello.txt")
	fmt.Println(status, h.Get("Content-Type"), body)
	status, _, body = get(base+"/files/hello.txt", "Range", "bytes=11-")
	fmt.Println(status, body)
	status, _, _ = get(base + "/files/../secret")
	fmt.Println(status)
	// Output:
	// 200 text/plain; charset=utf-8 hello from a file
	// 206 a file
	// 404
}

func ExampleNewEventStream() {
	app := web.NewApp()
	app.Get("/clock", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		es, err := web.NewEventStream(t, r)
		if err != nil {
			return nil, err
		}
		for i := range 3 {
			if err := es.Send(t, web.ServerSentEvent{Event: "tick", Data: fmt.Sprint(i)}); err != nil {
				return nil, err // the client went away
			}
		}
		return es.Close(t)
	})
	base, stop := start(app)
	defer stop()
	_, _, body := get(base + "/clock")
	fmt.Print(strings.ReplaceAll(body, "\n\n", "\n"))
	// Output:
	// event: tick
	// data: 0
	// event: tick
	// data: 1
	// event: tick
	// data: 2
}

func ExampleWrapHandler() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /legacy/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "net/http says hello to %s", r.PathValue("name"))
	})
	app := web.NewApp()
	app.Any("/legacy/{rest:.*}", web.WrapHandler(mux))
	base, stop := start(app)
	defer stop()
	_, _, body := get(base + "/legacy/gopher")
	fmt.Println(body)
	// Output: net/http says hello to gopher
}

func ExampleCompress() {
	app := web.NewApp()
	app.Use(web.Compress(0))
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(strings.Repeat("squeeze ", 500)), nil
	})
	base, stop := start(app)
	defer stop()
	_, h, body := get(base+"/", "Accept-Encoding", "gzip")
	fmt.Println(h.Get("Content-Encoding"), len(body) < 4000)
	// Output: gzip true
}
