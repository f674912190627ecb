package web

import "github.com/aio-go/aio"

// chain wraps h in the middlewares, the first of them outermost. The
// closures are made once, when the app is frozen, never per request.
func chain(mws []Middleware, h Handler) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		mw, next := mws[i], h
		h = func(t *aio.Task, r *Request) (*Response, error) { return mw(t, r, next) }
	}
	return h
}
