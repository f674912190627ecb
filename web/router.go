package web

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// matcher is what an App needs of a router. table below is a small
// private one; internal/route's Router is meant to take its place, which
// is why App talks to it only through this interface.
type matcher interface {
	// add registers h for method ("*" for any) and pattern, and for the
	// name if it is not "".
	add(method, pattern, name string, h Handler) error
	// lookup finds the handler of method and path (the raw path, still
	// percent-encoded), putting the path's parameters, percent-decoded, in
	// ps (valid until the next lookup with ps; views of path when
	// nothing needed decoding). With no
	// handler, allow lists the methods the path has (405 when not empty,
	// 404 otherwise). It must not allocate for a static or {var} path.
	lookup(method, path string, ps *params) (h Handler, allow string)
	// url builds the path of the named route from name, value pairs.
	url(name string, pairs []string) (string, error)
}

// maxParams bounds the parameters of one pattern.
const maxParams = 16

// params holds a matched path's parameters, percent-decoded: values that
// needed no decoding are slices of the path, valid while the request is.
type params struct {
	n     int
	names [maxParams]string
	vals  [maxParams]string
}

func (p *params) get(name string) (string, bool) {
	for i := 0; i < p.n; i++ {
		if p.names[i] == name {
			return p.vals[i], true
		}
	}
	return "", false
}

// table is the private matcher: static paths in a map, patterns in the
// order they were added (the first whose path matches wins, as in
// aiohttp's UrlDispatcher).
type table struct {
	static   map[string]*resource
	patterns []*resource
	names    map[string]*resource
}

// resource is one path with its handlers by method.
type resource struct {
	pattern string
	segs    []segment // nil for a static path
	methods []methodHandler
	allow   string // "GET, HEAD, POST"
}

type methodHandler struct {
	method string
	h      Handler
}

// segment is one /-separated piece of a pattern.
type segment struct {
	lit   string         // a literal segment
	name  string         // a parameter's name ("" for a literal)
	re    *regexp.Regexp // the parameter's constraint, if any
	tail  bool           // {name:.*}: takes the rest of the path, slashes included
	empty bool           // tail that may match nothing (.*)
}

var (
	errPattern   = errors.New("web: invalid route pattern")
	errNoRoute   = errors.New("web: no route of that name")
	errURLParams = errors.New("web: parameters do not fit the route")
)

func newTable() *table {
	return &table{static: map[string]*resource{}, names: map[string]*resource{}}
}

func (tb *table) add(method, pattern, name string, h Handler) error {
	if !strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("%w %q: it must start with /", errPattern, pattern)
	}
	res, err := tb.resource(pattern)
	if err != nil {
		return err
	}
	for _, m := range res.methods {
		if m.method == method {
			return fmt.Errorf("web: route %s %s added twice", method, pattern)
		}
	}
	res.methods = append(res.methods, methodHandler{method, h})
	res.allow = allowList(res.methods)
	if name != "" {
		if _, dup := tb.names[name]; dup {
			return fmt.Errorf("web: route name %q used twice", name)
		}
		tb.names[name] = res
	}
	return nil
}

// resource returns the resource of pattern, made if new.
func (tb *table) resource(pattern string) (*resource, error) {
	if !strings.Contains(pattern, "{") {
		res := tb.static[pattern]
		if res == nil {
			res = &resource{pattern: pattern}
			tb.static[pattern] = res
		}
		return res, nil
	}
	for _, res := range tb.patterns {
		if res.pattern == pattern {
			return res, nil
		}
	}
	segs, err := compilePattern(pattern)
	if err != nil {
		return nil, err
	}
	res := &resource{pattern: pattern, segs: segs}
	tb.patterns = append(tb.patterns, res)
	return res, nil
}

func compilePattern(pattern string) ([]segment, error) {
	parts := strings.Split(pattern[1:], "/")
	segs := make([]segment, 0, len(parts))
	names := 0
	for i, p := range parts {
		if !strings.Contains(p, "{") && !strings.Contains(p, "}") {
			segs = append(segs, segment{lit: p})
			continue
		}
		if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
			return nil, fmt.Errorf("%w %q: a parameter must be a whole segment", errPattern, pattern)
		}
		name, expr, hasRE := strings.Cut(p[1:len(p)-1], ":")
		if name == "" || strings.ContainsAny(name, "{}/") {
			return nil, fmt.Errorf("%w %q: bad parameter name %q", errPattern, pattern, name)
		}
		s := segment{name: name}
		if hasRE {
			re, err := regexp.Compile("^(?:" + expr + ")$")
			if err != nil {
				return nil, fmt.Errorf("%w %q: %v", errPattern, pattern, err)
			}
			s.re = re
			if expr == ".*" || expr == ".+" {
				if i != len(parts)-1 {
					return nil, fmt.Errorf("%w %q: {%s} must be the last segment", errPattern, pattern, p[1:len(p)-1])
				}
				s.tail, s.empty, s.re = true, expr == ".*", nil
			}
		}
		if names++; names > maxParams {
			return nil, fmt.Errorf("%w %q: more than %d parameters", errPattern, pattern, maxParams)
		}
		segs = append(segs, s)
	}
	return segs, nil
}

func allowList(ms []methodHandler) string {
	var names []string
	for _, m := range ms {
		if m.method == "*" {
			return "*"
		}
		names = append(names, m.method)
		if m.method == "GET" {
			names = append(names, "HEAD")
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	return strings.Join(names, ", ")
}

func (tb *table) lookup(method, path string, ps *params) (Handler, string) {
	ps.n = 0
	allow := ""
	if res := tb.static[path]; res != nil {
		if h := res.handler(method); h != nil {
			return h, ""
		}
		allow = res.allow
	} else if strings.IndexByte(path, '%') >= 0 {
		if dec, err := url.PathUnescape(path); err == nil {
			if res := tb.static[dec]; res != nil {
				if h := res.handler(method); h != nil {
					return h, ""
				}
				allow = res.allow
			}
		}
	}
	for _, res := range tb.patterns {
		if !res.match(path, ps) {
			continue
		}
		if h := res.handler(method); h != nil {
			return h, ""
		}
		allow = joinAllow(allow, res.allow)
	}
	ps.n = 0
	return nil, allow
}

func joinAllow(a, b string) string {
	if a == "" {
		return b
	}
	return allowList(append(methodsOf(a), methodsOf(b)...))
}

func methodsOf(allow string) []methodHandler {
	var ms []methodHandler
	for _, m := range strings.Split(allow, ", ") {
		ms = append(ms, methodHandler{method: m})
	}
	return ms
}

// handler returns the handler for method: HEAD falls back to GET, and
// "*" takes any method.
func (res *resource) handler(method string) Handler {
	var get, any Handler
	for _, m := range res.methods {
		switch m.method {
		case method:
			return m.h
		case "GET":
			get = m.h
		case "*":
			any = m.h
		}
	}
	if method == "HEAD" && get != nil {
		return get
	}
	return any
}

// match matches path against the resource's segments.
func (res *resource) match(path string, ps *params) bool {
	ps.n = 0
	if path == "" || path[0] != '/' {
		return false
	}
	rest := path[1:]
	for i := range res.segs {
		s := &res.segs[i]
		if s.tail {
			if rest == "" && !s.empty {
				return false
			}
			ps.names[ps.n], ps.vals[ps.n] = s.name, unescape(rest)
			ps.n++
			return true
		}
		j := strings.IndexByte(rest, '/')
		var seg string
		if last := i == len(res.segs)-1; last != (j < 0) {
			return false // too many or too few segments
		} else if last {
			seg, rest = rest, ""
		} else {
			seg, rest = rest[:j], rest[j+1:]
		}
		if s.name == "" {
			if seg != s.lit && !unescapedEqual(seg, s.lit) {
				return false
			}
			continue
		}
		if seg == "" || (s.re != nil && !s.re.MatchString(seg)) {
			return false
		}
		ps.names[ps.n], ps.vals[ps.n] = s.name, unescape(seg)
		ps.n++
	}
	return true
}

// unescape percent-decodes a parameter's value (allocating only when it
// has an escape); one with an invalid escape stays as sent.
func unescape(v string) string {
	if strings.IndexByte(v, '%') < 0 {
		return v
	}
	if d, err := url.PathUnescape(v); err == nil {
		return d
	}
	return v
}

// unescapedEqual reports whether seg, percent-decoded, is lit.
func unescapedEqual(seg, lit string) bool {
	if strings.IndexByte(seg, '%') < 0 {
		return false
	}
	dec, err := url.PathUnescape(seg)
	return err == nil && dec == lit
}

func (tb *table) url(name string, pairs []string) (string, error) {
	res := tb.names[name]
	if res == nil {
		return "", fmt.Errorf("%w: %q", errNoRoute, name)
	}
	if len(pairs)%2 != 0 {
		return "", fmt.Errorf("%w: %q: odd number of name, value arguments", errURLParams, name)
	}
	if res.segs == nil {
		if len(pairs) != 0 {
			return "", fmt.Errorf("%w: %q has no parameters", errURLParams, name)
		}
		return res.pattern, nil
	}
	var b strings.Builder
	used := 0
	for _, s := range res.segs {
		b.WriteByte('/')
		if s.name == "" {
			b.WriteString(s.lit)
			continue
		}
		v, ok := pairValue(pairs, s.name)
		if !ok {
			return "", fmt.Errorf("%w: %q needs %q", errURLParams, name, s.name)
		}
		used++
		if s.re != nil && !s.re.MatchString(v) {
			return "", fmt.Errorf("%w: %q: %s=%q does not match %s", errURLParams, name, s.name, v, s.re)
		}
		if s.tail {
			parts := strings.Split(v, "/")
			for i, p := range parts {
				parts[i] = url.PathEscape(p)
			}
			b.WriteString(strings.Join(parts, "/"))
		} else {
			b.WriteString(url.PathEscape(v))
		}
	}
	if used*2 != len(pairs) {
		return "", fmt.Errorf("%w: %q: unknown parameter given", errURLParams, name)
	}
	return b.String(), nil
}

func pairValue(pairs []string, name string) (string, bool) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == name {
			return pairs[i+1], true
		}
	}
	return "", false
}
