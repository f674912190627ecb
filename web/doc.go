// Package web is an aiohttp-style HTTP/1.1 server on aio's event loop:
// an [App] with routes and middlewares, handlers that take the request
// and return a [Response], and [RunApp] to serve it on one loop per core.
//
//	app := web.NewApp()
//	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
//		return web.HTML("<h1>Index</h1>"), nil
//	})
//	app.Get("/hello/{name}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
//		if err := aio.Sleep(t, 500*time.Millisecond); err != nil {
//			return nil, err
//		}
//		return web.HTML("<h1>hello, " + html.EscapeString(r.Param("name")) + "!</h1>"), nil
//	})
//	err := web.RunApp(app, web.Addr("127.0.0.1:8000"))
//
// # How a connection is served
//
// Each connection is an [aio.Protocol]: the loop hands it the bytes it
// reads, and it parses them there, in the callback, with the strict
// parser of internal/http1. When a request's head is complete, its
// [Handler] starts in a task from the loop's pool of coroutines, at once
// (an eager task). A handler that never suspends runs to its end inside
// that callback, and its response joins the connection's gathered write,
// so the answers to pipelined requests leave in one send; one that
// suspends (awaits the body, a sleep, another service) leaves the loop
// free, and the requests pipelined behind it begin meanwhile, up to 16
// per connection: their handlers run concurrently, and their responses
// wait in the server until the earlier ones are out, so responses always
// leave in request order. A request with a body is followed only once
// its handler has read the body.
//
// An idle keep-alive connection holds no task, no coroutine and no
// buffer: the parser, the input buffer and the [Request] belong to an
// exchange that the connection takes from its loop's pool when a request
// begins and gives back when it ends. Serving a request whose handler
// returns a fixed body allocates nothing.
//
// Timeouts (idle, header, body: [IdleTimeout], [HeaderTimeout],
// [BodyTimeout]) are checked by one sweep per loop over its connections,
// a few times per timeout, never by a timer per request.
//
// # Errors
//
// A handler's error becomes the answer: an [*HTTPError] (the sentinels
// such as [ErrNotFound], or [Errorf]) gives its status, anything else 500.
// A malformed request gets the parser's status (400, 413, 414, 431, 505)
// and the connection closes. A panicking handler answers 500 and closes
// its connection; the loop serves on. A client that goes away cancels its
// handlers' tasks.
//
// # Lifetimes
//
// A [Request] and the handler's task are reused for the connection's
// next request: returning from the handler ends the request, and neither
// may be used after that. A [Response] made by the package's helpers is
// recycled after it is sent: return it once.
package web
