package web

import "github.com/aio-go/aio"

// A Handler answers one request (aiohttp's request handler, an async def
// taking the request). It runs in a task of the loop that serves the
// connection, started when the request's head has arrived and ended when
// it returns: it may suspend (await the body, a database, [aio.Sleep])
// without holding up the loop's other connections.
//
// It returns the [Response] to send, or an error: an [*HTTPError] (such
// as [ErrNotFound]) answers with its status, any other error with 500
// (and is reported to the loop's exception handler). A panic answers 500
// too and closes that connection; the loop serves on.
//
// Returning signals that the request is finished: the [Request] and the
// task t may be reused for the connection's next request, so neither may
// be kept or used by other tasks after that.
//
// Cancellation: t is cancelled when the client disconnects before the
// response is sent, and when a graceful shutdown's grace period ends; the
// handler's awaits then return an error matching [aio.ErrCancelled],
// which it should return.
type Handler func(t *aio.Task, r *Request) (*Response, error)

// A Middleware wraps every handler of an [App] (aiohttp's @middleware):
// it receives the request and the next handler in the chain, and may
// answer itself, change the request, or call next and change its
// response. Middlewares run in the order they were added with
// [App.Use]: the first added is the outermost.
type Middleware func(t *aio.Task, r *Request, next Handler) (*Response, error)
