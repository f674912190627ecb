package main

import (
	"html"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// handlerDelay is the demo's asynchronous wait before each answer (the
// tutorial's asyncio.sleep(0.5)).
const handlerDelay = 500 * time.Millisecond

// demoApp is the tutorials' web app (seed 000's aiohttp server): "/"
// answers <h1>Index</h1> and "/hello/{name}" <h1>hello, NAME!</h1> (NAME
// percent-decoded, then HTML-escaped), each after an asynchronous wait of
// delay (none for 0).
func demoApp(delay time.Duration) *web.App {
	wait := func(t *aio.Task) error {
		if delay <= 0 {
			return nil
		}
		return aio.Sleep(t, delay)
	}
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := wait(t); err != nil {
			return nil, err
		}
		return web.HTML("<h1>Index</h1>"), nil
	})
	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := wait(t); err != nil {
			return nil, err
		}
		return web.HTML("<h1>hello, " + html.EscapeString(r.Param("name")) + "!</h1>"), nil
	})
	return app
}
