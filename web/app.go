package web

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/aio-go/aio"
)

// An App is a web application (aiohttp's web.Application): its routes,
// middlewares, lifecycle hooks and shared values. Build it, then serve it
// with [RunApp], a [Runner] or [Serve]; serving freezes it, and adding
// routes or middlewares afterwards panics. Building is for one goroutine;
// a frozen App is read-only and may be served on many loops at once.
type App struct {
	// RedirectTrailingSlash, set before the App serves, answers a path
	// that has no route but whose other form does ("/a/" for "/a", or the
	// reverse) with a 308 redirect to it, query kept. Off by default, as
	// in aiohttp: "/a" and "/a/" are different routes, and a request for
	// the form that has none gets 404.
	RedirectTrailingSlash bool

	routes []routeDef
	mws    []Middleware
	mounts []mounted

	startup, shutdown, cleanup []Hook

	mu     sync.Mutex // guards values: loops read them concurrently
	values map[any]any

	freezeOnce sync.Once
	freezeErr  error
	m          *router
	notFound   Handler // the middleware chain around the 404/405/OPTIONS answers
}

// A Hook is a function of an App's lifecycle (aiohttp's on_startup,
// on_shutdown, on_cleanup signals). It runs in a task on the runner's
// loop, not on a serving loop.
type Hook func(t *aio.Task, a *App) error

type routeDef struct {
	method, pattern, name string
	h                     Handler
}

type mounted struct {
	prefix string
	sub    *App
}

// A RouteOption changes how a route is added.
type RouteOption struct{ name string }

// Name names the route, for [App.URL] (aiohttp's name=...).
func Name(name string) RouteOption { return RouteOption{name: name} }

// NewApp returns an empty application.
func NewApp() *App { return &App{} }

// Get adds h for GET requests on the pattern (and HEAD, which gets the
// same answer without a body). A pattern is a path whose segments may be
// parameters: "{name}" matches one segment, "{id:[0-9]+}" one matching
// the regular expression, and a last "{path:.*}" the rest of the path,
// slashes included. [Request.Param] returns their values,
// percent-decoded. It panics on an invalid pattern, on a route added
// twice and on a frozen App.
func (a *App) Get(pattern string, h Handler, opts ...RouteOption) {
	a.Route("GET", pattern, h, opts...)
}

// Post adds h for POST requests on the pattern (see [App.Get]).
func (a *App) Post(pattern string, h Handler, opts ...RouteOption) {
	a.Route("POST", pattern, h, opts...)
}

// Put adds h for PUT requests on the pattern (see [App.Get]).
func (a *App) Put(pattern string, h Handler, opts ...RouteOption) {
	a.Route("PUT", pattern, h, opts...)
}

// Delete adds h for DELETE requests on the pattern (see [App.Get]).
func (a *App) Delete(pattern string, h Handler, opts ...RouteOption) {
	a.Route("DELETE", pattern, h, opts...)
}

// Patch adds h for PATCH requests on the pattern (see [App.Get]).
func (a *App) Patch(pattern string, h Handler, opts ...RouteOption) {
	a.Route("PATCH", pattern, h, opts...)
}

// Head adds h for HEAD requests on the pattern, instead of the GET
// handler's answer (see [App.Get]).
func (a *App) Head(pattern string, h Handler, opts ...RouteOption) {
	a.Route("HEAD", pattern, h, opts...)
}

// Options adds h for OPTIONS requests on the pattern. Without it, OPTIONS
// is answered 204 with an Allow field listing the path's methods.
func (a *App) Options(pattern string, h Handler, opts ...RouteOption) {
	a.Route("OPTIONS", pattern, h, opts...)
}

// Any adds h for every method on the pattern that has no handler of its
// own (aiohttp's method "*").
func (a *App) Any(pattern string, h Handler, opts ...RouteOption) {
	a.Route("*", pattern, h, opts...)
}

// Route adds h for the method (a token such as "GET", or "*" for any)
// on the pattern (see [App.Get]).
func (a *App) Route(method, pattern string, h Handler, opts ...RouteOption) {
	a.checkOpen("Route")
	if h == nil {
		panic("web: nil handler for " + method + " " + pattern)
	}
	// A trial Add checks the method and the pattern now: a bad one is a
	// programming error, as in net/http's ServeMux.
	if _, err := new(router).Add(method, pattern, h); err != nil {
		panic("web: " + err.Error())
	}
	d := routeDef{method: method, pattern: pattern, h: h}
	for _, o := range opts {
		if o.name != "" {
			d.name = o.name
		}
	}
	a.routes = append(a.routes, d)
}

// Use adds middlewares, which wrap every handler of the App and of the
// Apps mounted in it, in the order added (the first is outermost).
func (a *App) Use(mws ...Middleware) {
	a.checkOpen("Use")
	a.mws = append(a.mws, mws...)
}

// Mount serves sub under prefix (aiohttp's add_subapp): sub's route
// "/x" answers at prefix+"/x", wrapped by a's middlewares then sub's.
// Its named routes are named in a as well. sub's hooks run with a's.
// prefix must start with "/" and not end with one.
func (a *App) Mount(prefix string, sub *App) {
	a.checkOpen("Mount")
	if !strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") || strings.Contains(prefix, "{") {
		panic(fmt.Sprintf("web: Mount prefix %q must start with / and not end with one, and be static", prefix))
	}
	if sub == a {
		panic("web: an App cannot be mounted in itself")
	}
	a.mounts = append(a.mounts, mounted{prefix, sub})
}

// OnStartup adds a hook run before the App starts serving.
func (a *App) OnStartup(h Hook) { a.startup = append(a.startup, h) }

// OnShutdown adds a hook run when a graceful shutdown begins, while
// requests in flight are still being answered.
func (a *App) OnShutdown(h Hook) { a.shutdown = append(a.shutdown, h) }

// OnCleanup adds a hook run after the server stopped, in the reverse
// order of adding (to release what startup hooks acquired).
func (a *App) OnCleanup(h Hook) { a.cleanup = append(a.cleanup, h) }

// SetValue stores an app-wide value (aiohttp's app["key"]). Safe for
// concurrent use; values shared by several loops must be safe for
// concurrent use themselves.
func (a *App) SetValue(key, v any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values == nil {
		a.values = map[any]any{}
	}
	a.values[key] = v
}

// Value returns the app-wide value stored under key, or nil.
func (a *App) Value(key any) any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.values[key]
}

// URL returns the path of the route named name (see [Name]) with its
// parameters given as name, value pairs, percent-encoded (aiohttp's
// url_for): app.URL("user", "id", "42"). It freezes the App.
func (a *App) URL(name string, params ...string) (string, error) {
	if err := a.freeze(); err != nil {
		return "", err
	}
	return a.m.URL(name, params...)
}

// Static serves the files under dir at prefix+"/..." (aiohttp's
// add_static) with [ServeFile]'s rules: GET and HEAD, content type from
// the extension, conditional requests and byte ranges, sendfile(2).
// Directories and missing files answer 404, and so does any path that
// would lead out of dir: ".." segments, percent-encoded ones ("%2e%2e")
// and encoded slashes included, and symbolic links to outside dir.
func (a *App) Static(prefix, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("web: Static: %w", err)
	}
	prefix = strings.TrimSuffix(prefix, "/")
	a.Get(prefix+"/{path:.*}", staticHandler(root))
	return nil
}

func (a *App) checkOpen(what string) {
	if a.m != nil {
		panic("web: App." + what + " on an App that is already serving")
	}
}

// freeze builds the router from the routes of a and the Apps mounted in
// it; only the first call does it.
func (a *App) freeze() error {
	a.freezeOnce.Do(func() {
		m := new(router)
		m.RedirectTrailingSlash = a.RedirectTrailingSlash
		if err := a.addRoutes(m, "", nil); err != nil {
			a.freezeErr = err
			return
		}
		a.notFound = chain(a.mws, noRoute)
		a.m = m
	})
	return a.freezeErr
}

// addRoutes adds a's routes to m under prefix, in the middlewares outer
// and then a's own.
func (a *App) addRoutes(m *router, prefix string, outer []Middleware) error {
	mws := append(outer[:len(outer):len(outer)], a.mws...)
	for _, d := range a.routes {
		if err := addRoute(m, d.method, prefix+d.pattern, d.name, chain(mws, d.h)); err != nil {
			return err
		}
	}
	for _, sub := range a.mounts {
		if err := sub.sub.addRoutes(m, prefix+sub.prefix, mws); err != nil {
			return err
		}
	}
	return nil
}

// hooks returns a's hooks of one kind followed by those of its mounted
// Apps.
func (a *App) hooks(kind func(*App) []Hook) []Hook {
	hs := kind(a)
	for _, sub := range a.mounts {
		hs = append(hs, sub.sub.hooks(kind)...)
	}
	return hs
}
