package route

import (
	"fmt"
	"slices"
	"strings"
)

// A Router maps a method and a request path to a handler of type H. The
// zero value is an empty router ready for use.
//
// Configure a router ([Router.Add], [Router.Mount], [Route.Name], and the
// RedirectTrailingSlash field) from one goroutine before it serves;
// afterwards [Router.Lookup] and [Router.URL] may be called from any
// number of goroutines at once, as they only read it.
type Router[H any] struct {
	// RedirectTrailingSlash makes a lookup that finds no route for the
	// path, but finds one for the same path with a trailing '/' added or
	// removed, report [Redirect] to that path instead of [NotFound].
	RedirectTrailingSlash bool

	root    node[H]
	entries []entry[H]           // every route in root, own and mounted
	exact   map[string]*node[H]  // the nodes of all-static patterns, by path
	lens    uint64               // bit len%64 set for each key of exact
	names   map[string]*Route[H] // this router's named routes

	parent     *Router[H] // the router this one is mounted in
	prefix     string     // the mount prefix within parent
	prefixSegs []segment  // prefix, parsed
}

// A Route is one handler registered by [Router.Add]. Its methods may be
// called from any goroutine once the router is configured.
type Route[H any] struct {
	router  *Router[H]
	method  string
	pattern string
	handler H
	name    string
	segs    []segment
	vars    []string // variable names in pattern order
}

// An entry is a route and its segments relative to the router whose trie
// holds it (the route's own segments behind any mount prefixes).
type entry[H any] struct {
	segs  []segment
	route *Route[H]
}

// A node is a position in the segment trie: the children of each kind in
// precedence order, and the routes of the patterns ending here.
type node[H any] struct {
	seg     segment    // how the parent reaches this node
	statics []*node[H] // literal children
	regexps []*node[H] // {name:expr} children, in the order added
	param   *node[H]   // the {name} child
	tails   []*node[H] // {name:.*} and {name:.+} children, in the order added

	methods     []*Route[H] // routes for single methods
	any         *Route[H]   // the "*" route
	allow       []string    // the Allow list: methods, HEAD with GET, OPTIONS; sorted
	allowJoined string      // allow joined with ", "
}

// Add registers h for requests with the given method whose path matches
// pattern, and returns the route so it can be named. Method "*" matches
// any method not registered on its own for the same pattern (and HEAD
// only when there is no GET route to fall back to).
//
// Add returns an error wrapping [ErrMethod], [ErrPattern] or
// [ErrConflict] and changes nothing when the method or pattern is
// invalid or the route would clash with an existing one here or, through
// mounts, in an enclosing router.
func (r *Router[H]) Add(method, pattern string, h H) (*Route[H], error) {
	if method != "*" && !isToken(method) {
		return nil, fmt.Errorf("%w %q", ErrMethod, method)
	}
	segs, err := parsePattern(pattern)
	if err != nil {
		return nil, err
	}
	rt := &Route[H]{router: r, method: method, pattern: pattern, handler: h, segs: segs}
	for _, s := range segs {
		if s.kind != segStatic {
			rt.vars = append(rt.vars, s.name)
		}
	}
	if err := r.register([]entry[H]{{segs, rt}}); err != nil {
		return nil, err
	}
	return rt, nil
}

// Mount makes every route of sub, present and future, answer under
// prefix as well, like aiohttp's add_subapp: a pattern /p of sub matches
// the path prefix+/p in r. The prefix is static text starting with '/'
// and not ending with '/'. Names stay in sub's namespace: build their
// URLs with sub.URL, which then includes the prefix (and those of the
// routers r is mounted in). sub still answers lookups of its own,
// unprefixed paths.
//
// Mount returns an error wrapping [ErrMount] or [ErrConflict] and changes
// nothing if the prefix is invalid, sub is r, contains r, or is already
// mounted, or a route of sub would clash with one of r.
func (r *Router[H]) Mount(prefix string, sub *Router[H]) error {
	segs, err := parsePattern(prefix)
	switch {
	case err != nil:
		return fmt.Errorf("%w: prefix %q: %w", ErrMount, prefix, err)
	case strings.HasSuffix(prefix, "/"):
		return fmt.Errorf("%w: prefix %q ends with '/'", ErrMount, prefix)
	case slices.ContainsFunc(segs, func(s segment) bool { return s.kind != segStatic }):
		return fmt.Errorf("%w: prefix %q holds a variable", ErrMount, prefix)
	case sub == nil:
		return fmt.Errorf("%w: nil router", ErrMount)
	case sub.parent != nil:
		return fmt.Errorf("%w: the router is already mounted at %q", ErrMount, sub.prefix)
	}
	for a := r; a != nil; a = a.parent {
		if a == sub {
			return fmt.Errorf("%w: a router cannot be mounted in itself or in a router mounted in it", ErrMount)
		}
	}
	batch := make([]entry[H], len(sub.entries))
	for i, e := range sub.entries {
		batch[i] = entry[H]{slices.Concat(segs, e.segs), e.route}
	}
	if err := r.register(batch); err != nil {
		return err
	}
	sub.parent, sub.prefix, sub.prefixSegs = r, prefix, segs
	return nil
}

// register adds batch to r and, behind their mount prefixes, to every
// router r is mounted in, after checking all of them for conflicts so
// that a refused batch changes nothing.
func (r *Router[H]) register(batch []entry[H]) error {
	type level struct {
		r   *Router[H]
		pre []segment // the prefixes between level.r and r
	}
	var levels []level
	var pre []segment
	for a := r; a != nil; a = a.parent {
		levels = append(levels, level{a, pre})
		pre = slices.Concat(a.prefixSegs, pre)
	}
	for _, l := range levels {
		for _, e := range batch {
			if err := l.r.root.check(slices.Concat(l.pre, e.segs), e.route); err != nil {
				return err
			}
		}
	}
	for _, l := range levels {
		for _, e := range batch {
			segs := slices.Concat(l.pre, e.segs)
			l.r.root.insert(segs, e.route)
			l.r.index(segs)
			l.r.entries = append(l.r.entries, entry[H]{segs, e.route})
		}
	}
	return nil
}

// index lists the node of an all-static pattern under the path it
// matches, for [Router.Lookup]'s one-probe path. A pattern with a
// segment holding '/' (from an escape in the pattern) or a literal '%'
// is left out: only a path with escapes reaches it, and the search
// decodes such a path.
func (r *Router[H]) index(segs []segment) {
	var b strings.Builder
	for _, s := range segs {
		if s.kind != segStatic || strings.ContainsAny(s.text, "/%") {
			return
		}
		b.WriteString("/")
		b.WriteString(s.text)
	}
	if r.exact == nil {
		r.exact = make(map[string]*node[H])
	}
	r.exact[b.String()] = r.root.find(segs, false)
	r.lens |= 1 << (b.Len() % 64)
}

// find returns the node reached by segs, creating missing nodes when
// create is set and returning nil for a missing one otherwise.
func (n *node[H]) find(segs []segment, create bool) *node[H] {
	for _, s := range segs {
		if n = n.child(s, create); n == nil {
			return nil
		}
	}
	return n
}

// child returns n's child for s (same kind and text), or nil; with
// create it makes a missing one.
func (n *node[H]) child(s segment, create bool) *node[H] {
	var list *[]*node[H]
	switch s.kind {
	case segStatic:
		list = &n.statics
	case segRegexp:
		list = &n.regexps
	case segTail:
		list = &n.tails
	default:
		if n.param == nil && create {
			n.param = &node[H]{seg: s}
		}
		return n.param
	}
	for _, c := range *list {
		if c.seg.text == s.text {
			return c
		}
	}
	if !create {
		return nil
	}
	c := &node[H]{seg: s}
	*list = append(*list, c)
	return c
}

// check reports whether a route for rt's method at segs would clash.
func (n *node[H]) check(segs []segment, rt *Route[H]) error {
	at := n.find(segs, false)
	if at == nil {
		return nil
	}
	if clash := at.route(rt.method); clash != nil {
		return fmt.Errorf("%w: %s %s clashes with %s", ErrConflict, rt.method, rt.pattern, clash)
	}
	return nil
}

// route returns the route registered for exactly method ("*" included).
func (n *node[H]) route(method string) *Route[H] {
	if method == "*" {
		return n.any
	}
	for _, rt := range n.methods {
		if rt.method == method {
			return rt
		}
	}
	return nil
}

// insert adds rt at segs; check must have passed.
func (n *node[H]) insert(segs []segment, rt *Route[H]) {
	at := n.find(segs, true)
	if rt.method == "*" {
		at.any = rt
		return
	}
	at.methods = append(at.methods, rt)
	at.allow = append(at.allow, rt.method, "OPTIONS")
	if rt.method == "GET" {
		at.allow = append(at.allow, "HEAD")
	}
	slices.Sort(at.allow)
	at.allow = slices.Compact(at.allow)
	at.allowJoined = strings.Join(at.allow, ", ")
}

// Name gives the route a name unique within its router, for
// [Router.URL]. It returns an error wrapping [ErrName] if name is empty
// or taken, or the route already has a name.
func (rt *Route[H]) Name(name string) error {
	r := rt.router
	switch {
	case name == "":
		return fmt.Errorf("%w: empty name", ErrName)
	case rt.name != "":
		return fmt.Errorf("%w: route %s is already named %q", ErrName, rt, rt.name)
	case r.names[name] != nil:
		return fmt.Errorf("%w: %q is taken by %s", ErrName, name, r.names[name])
	}
	if r.names == nil {
		r.names = make(map[string]*Route[H])
	}
	r.names[name] = rt
	rt.name = name
	return nil
}

// Named returns the name given by [Route.Name], or "".
func (rt *Route[H]) Named() string { return rt.name }

// Method returns the method the route was added for ("*" for any).
func (rt *Route[H]) Method() string { return rt.method }

// Pattern returns the pattern the route was added with, relative to its
// router (without mount prefixes).
func (rt *Route[H]) Pattern() string { return rt.pattern }

// Handler returns the route's handler.
func (rt *Route[H]) Handler() H { return rt.handler }

// String returns the method and pattern, as "GET /users/{id}".
func (rt *Route[H]) String() string { return rt.method + " " + rt.pattern }
