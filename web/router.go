package web

import (
	"fmt"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/route"
)

// An App's routes, its mounted Apps' included under their prefixes, go
// into one internal/route Router when the App is frozen: static
// segments before regexp variables before {name} before tails, with
// backtracking, percent-decoded values, and no allocation per lookup.
// Mounted Apps are flattened into it (each route wrapped in the
// middlewares of the Apps above it), so a request is one lookup however
// deep the mounts go.
type router = route.Router[Handler]

// addRoute adds h for method and pattern to m, under name if it is not
// "".
func addRoute(m *router, method, pattern, name string, h Handler) error {
	rt, err := m.Add(method, pattern, h)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if name != "" {
		if err := rt.Name(name); err != nil {
			return fmt.Errorf("web: %w", err)
		}
	}
	return nil
}

// noRoute answers a request no route took, as its lookup said: 404, 405
// with Allow, 204 with Allow for OPTIONS (and without for "OPTIONS *"),
// 400 for a path whose
// percent-encoding is invalid, 308 to the other form of a trailing slash
// (see [App.RedirectTrailingSlash]).
func noRoute(t *aio.Task, r *Request) (*Response, error) {
	switch r.miss.Kind {
	case route.BadPath:
		return nil, ErrBadRequest
	case route.MethodNotAllowed:
		e := &HTTPError{Status: 405}
		e.Header.Add("Allow", r.miss.Allow)
		return nil, e
	case route.AutoOptions:
		resp := NewResponse(204)
		resp.Header.Add("Allow", r.miss.Allow)
		return resp, nil
	case route.NotFound:
		if r.method == "OPTIONS" && r.rawPath == "*" {
			// "OPTIONS *" asks about the server, not a resource (RFC 9110
			// section 9.3.7): it is there.
			return NewResponse(204), nil
		}
	case route.Redirect:
		loc := r.miss.Location
		if r.rawQuery != "" {
			loc += "?" + r.rawQuery
		}
		return Redirect(308, loc), nil
	}
	return nil, ErrNotFound
}

// dispatch routes r to its handler.
func (a *App) dispatch(t *aio.Task, r *Request) (*Response, error) {
	var res route.Result[Handler]
	a.m.LookupInto(&res, r.method, r.rawPath, &r.ps)
	if res.Kind == route.Found {
		return res.Handler(t, r)
	}
	r.miss = missed{Kind: res.Kind, Allow: res.Allow, Location: res.Location}
	return a.notFound(t, r)
}

// missed is what a failed lookup said, for noRoute.
type missed struct {
	Kind     route.Kind
	Allow    string
	Location string
}
