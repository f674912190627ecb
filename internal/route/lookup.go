package route

import (
	"slices"
	"strconv"
	"strings"
)

// A Kind is the outcome of a [Router.Lookup].
type Kind uint8

const (
	// NotFound: no route matches the path (404).
	NotFound Kind = iota
	// Found: Result.Handler serves the request.
	Found
	// MethodNotAllowed: routes match the path but none takes the method
	// (405); Result.Allow lists the methods that would be served.
	MethodNotAllowed
	// AutoOptions: an OPTIONS request for a path whose routes have no
	// OPTIONS (or "*") handler; answer it with Result.Allow in an Allow
	// header (200 or 204).
	AutoOptions
	// Redirect: with [Router.RedirectTrailingSlash], only the path with a
	// trailing '/' added or removed has a route for the method;
	// Result.Location is that path (raw, without the query: append the
	// request's). Answer 308 Permanent Redirect, whatever the method, so
	// that the method and body are kept.
	Redirect
	// BadPath: the path holds a '%' not followed by two hex digits (400).
	BadPath
)

var kindNames = [...]string{"NotFound", "Found", "MethodNotAllowed", "AutoOptions", "Redirect", "BadPath"}

// String returns the constant's name, as "MethodNotAllowed".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// A Result is the outcome of [Router.Lookup]: which Kind, and the fields
// that kind uses.
type Result[H any] struct {
	Kind Kind
	// Handler and Route (Found): the route that serves the request.
	Handler H
	Route   *Route[H]
	// HeadFallback (Found): the request is HEAD and Handler is the GET
	// handler; the caller sends the head of its response without the body.
	HeadFallback bool
	// Allow (MethodNotAllowed, AutoOptions): the methods served for the
	// path, sorted, comma-separated ("GET, HEAD, OPTIONS"); HEAD appears
	// with GET and OPTIONS always.
	Allow string
	// Location (Redirect): the path to redirect to.
	Location string
}

// Lookup finds the route for a request with the given method and raw
// path: still percent-encoded, without the query. On [Found] params holds
// the route's variables (see [Params] for how long they stay valid); it
// is reset on every call. A nil params is allowed when the variables are
// not wanted, at the cost of an allocation when the path has any.
//
// A path not starting with '/' (as "*" in "OPTIONS *") is NotFound.
// Lookup allocates nothing for Found, NotFound and a Params whose buffer
// has grown to the decoded size; MethodNotAllowed merging several routes'
// methods, and Redirect to a path with '/' added, allocate.
func (r *Router[H]) Lookup(method, path string, params *Params) (res Result[H]) {
	r.LookupInto(&res, method, path, params)
	return res
}

// LookupInto is [Router.Lookup] filling *res: a caller with a Result of
// its own to fill is spared a copy of the Result returned (in registers,
// then spilled and copied, which stalls the load that joins the pieces).
func (r *Router[H]) LookupInto(res *Result[H], method, path string, params *Params) {
	if params == nil {
		params = new(Params)
	}
	params.Reset()
	if rt := r.static(method, path); rt != nil {
		*res = Result[H]{Kind: Found, Handler: rt.handler, Route: rt}
		return
	}
	escaped := strings.IndexByte(path, '%') >= 0
	if escaped && !validEscapes(path) {
		*res = Result[H]{Kind: BadPath}
		return
	}
	r.lookup(res, method, path, escaped, params)
	if res.Kind != NotFound || !r.RedirectTrailingSlash || len(path) < 2 {
		return
	}
	alt := path + "/"
	if strings.HasSuffix(path, "/") {
		alt = path[:len(path)-1]
	}
	var altRes Result[H]
	r.lookup(&altRes, method, alt, escaped, params)
	params.Reset()
	if altRes.Kind == Found || altRes.Kind == AutoOptions {
		*res = Result[H]{Kind: Redirect, Location: alt}
	}
}

// static returns the route of an all-static pattern that is the path
// itself and takes the method, or nil: one probe of the index, and no
// search. Anything else (no such pattern, HEAD served by GET, a "*"
// route, 405s) the search decides, statics first at every level, so it
// would have found the same route. A path holding '%' is never a key
// (index leaves out the patterns that hold one), so it is left to the
// search's decoding too.
func (r *Router[H]) static(method, path string) *Route[H] {
	if r.lens>>(len(path)%64)&1 == 0 {
		return nil
	}
	if n := r.exact[path]; n != nil {
		return n.route(method)
	}
	return nil
}

// lookup is Lookup without the checks of the whole path and the
// trailing-slash retry. It fills *res rather than returning a Result:
// copying the Result back through the calls was a third of a lookup of
// a static path.
func (r *Router[H]) lookup(res *Result[H], method, path string, escaped bool, params *Params) {
	if !strings.HasPrefix(path, "/") {
		*res = Result[H]{}
		return
	}
	s := search[H]{method: method, params: params, escaped: escaped}
	if s.walk(&r.root, path[1:]) {
		rt := s.found
		params.name(rt.vars)
		*res = Result[H]{Kind: Found, Handler: rt.handler, Route: rt, HeadFallback: s.head}
		return
	}
	switch {
	case s.allow == nil:
		*res = Result[H]{}
	case method == "OPTIONS":
		*res = Result[H]{Kind: AutoOptions, Allow: s.allowString()}
	default:
		*res = Result[H]{Kind: MethodNotAllowed, Allow: s.allowString()}
	}
}

// A search is one depth-first walk of the trie: children in precedence
// order (static, regexp in the order added, {name}, tail), backing out of
// a branch whose rest of the path matches nothing that takes the method.
// The first route taking the method wins; the methods of the routes
// passed by are gathered for a 405's Allow.
type search[H any] struct {
	method  string
	params  *Params
	escaped bool // the path holds '%'

	found *Route[H]
	head  bool // found is GET serving HEAD

	allow  *node[H] // the first path match passed by, if any
	merged []string // the union of the Allow lists, once two nodes are passed by
}

// walk matches rest, the path after the '/' that ended n's segment, below
// n, and reports whether a route was found.
func (s *search[H]) walk(n *node[H], rest string) bool {
	seg, next, more := rest, "", false
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, next, more = rest[:i], rest[i+1:], true
	}
	p := s.params
	mark := len(p.buf)
	val := p.decode(seg, s.escaped)
	for _, c := range n.statics {
		if c.seg.text == val && s.descend(c, next, more) {
			return true
		}
	}
	for _, c := range n.regexps {
		if c.seg.re.MatchString(val) && s.bind(c, val, next, more) {
			return true
		}
	}
	if n.param != nil && val != "" && s.bind(n.param, val, next, more) {
		return true
	}
	if len(n.tails) > 0 {
		p.buf = p.buf[:mark]
		val = p.decode(rest, s.escaped)
		for _, c := range n.tails {
			if (val != "" || c.seg.text == ".*") && s.bind(c, val, "", false) {
				return true
			}
		}
	}
	p.buf = p.buf[:mark] // what this level decoded is no longer referenced
	return false
}

// bind records val as c's variable and matches the rest below c.
func (s *search[H]) bind(c *node[H], val, next string, more bool) bool {
	s.params.push(val)
	if s.descend(c, next, more) {
		return true
	}
	s.params.n--
	return false
}

// descend matches next below c, or, when the path ends at c, c's routes.
func (s *search[H]) descend(c *node[H], next string, more bool) bool {
	if more {
		return s.walk(c, next)
	}
	if len(c.methods) == 0 && c.any == nil {
		return false
	}
	if rt := c.route(s.method); rt != nil {
		s.found = rt
		return true
	}
	if s.method == "HEAD" {
		if rt := c.route("GET"); rt != nil {
			s.found, s.head = rt, true
			return true
		}
	}
	if c.any != nil {
		s.found = c.any
		return true
	}
	s.passBy(c)
	return false
}

// passBy notes that the path matches c's routes but not the method.
func (s *search[H]) passBy(c *node[H]) {
	switch {
	case s.allow == nil:
		s.allow = c
	case s.merged == nil:
		s.merged = slices.Concat(s.allow.allow, c.allow)
	default:
		s.merged = append(s.merged, c.allow...)
	}
}

func (s *search[H]) allowString() string {
	if s.merged == nil {
		return s.allow.allowJoined
	}
	slices.Sort(s.merged)
	return strings.Join(slices.Compact(s.merged), ", ")
}
