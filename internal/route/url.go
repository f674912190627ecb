package route

import (
	"fmt"
	"strings"
)

// URL returns the path of the route called name in r, built from params
// as in [Route.URL]. It returns an error wrapping [ErrNoRoute] if r has
// no route of that name (names of routers mounted in r are not r's: ask
// them).
func (r *Router[H]) URL(name string, params ...string) (string, error) {
	rt := r.names[name]
	if rt == nil {
		return "", fmt.Errorf("%w: %q", ErrNoRoute, name)
	}
	return rt.URL(params...)
}

// URL returns the raw path that the route matches with the given
// variables, including the prefixes of the routers its router is mounted
// in. params alternates names and (unencoded) values: "id", "42". Values
// are percent-encoded so that [Router.Lookup] gives them back unchanged:
// '/' becomes %2F except in a tail variable, and a "." or ".." segment
// has its dots encoded so that clients do not remove it.
//
// URL returns an error wrapping [ErrParam] if a variable of the pattern
// has no value, a name is not a variable of the pattern or is given
// twice, params has odd length, or a value fails its variable's
// constraint: non-empty for {name} and {name:.+}, a full match of the
// expression for {name:expr}.
func (rt *Route[H]) URL(params ...string) (string, error) {
	if len(params)%2 != 0 {
		return "", fmt.Errorf("%w: %s: parameter %q has no value", ErrParam, rt, params[len(params)-1])
	}
	for i := 0; i < len(params); i += 2 {
		if !rt.hasVar(params[i]) {
			return "", fmt.Errorf("%w: %s has no variable %q", ErrParam, rt, params[i])
		}
		for j := 0; j < i; j += 2 {
			if params[j] == params[i] {
				return "", fmt.Errorf("%w: %s: parameter %q given twice", ErrParam, rt, params[i])
			}
		}
	}
	var b strings.Builder
	rt.router.writePrefix(&b)
	for _, s := range rt.segs {
		b.WriteByte('/')
		if s.kind == segStatic {
			writeEscaped(&b, s.text, false)
			continue
		}
		v, err := rt.value(s, params)
		if err != nil {
			return "", err
		}
		writeEscaped(&b, v, s.kind == segTail)
	}
	return b.String(), nil
}

// hasVar reports whether the route's pattern has a variable called name.
func (rt *Route[H]) hasVar(name string) bool {
	for _, v := range rt.vars {
		if v == name {
			return true
		}
	}
	return false
}

// value returns the value params give variable s, checked against its
// constraint.
func (rt *Route[H]) value(s segment, params []string) (string, error) {
	for i := 0; i < len(params); i += 2 {
		if params[i] != s.name {
			continue
		}
		v := params[i+1]
		switch {
		case v == "" && (s.kind == segParam || s.text == ".+"):
			return "", fmt.Errorf("%w: %s: variable %q must not be empty", ErrParam, rt, s.name)
		case s.kind == segRegexp && !s.re.MatchString(v):
			return "", fmt.Errorf("%w: %s: value %q of %q does not match %s", ErrParam, rt, v, s.name, s.text)
		}
		return v, nil
	}
	return "", fmt.Errorf("%w: %s: variable %q has no value", ErrParam, rt, s.name)
}

// writePrefix writes the mount prefixes of r and the routers it is
// mounted in, outermost first, escaped.
func (r *Router[H]) writePrefix(b *strings.Builder) {
	if r.parent == nil {
		return
	}
	r.parent.writePrefix(b)
	for _, s := range r.prefixSegs {
		b.WriteByte('/')
		writeEscaped(b, s.text, false)
	}
}

// writeEscaped writes s percent-encoded for a path: RFC 3986 pchar bytes
// stay, every other byte becomes %XX; '/' stays only with keepSlash. A
// segment that is "." or ".." is written as %2E or %2E%2E so that no
// client or server removes it as a dot segment.
func writeEscaped(b *strings.Builder, s string, keepSlash bool) {
	for {
		seg, rest, more := s, "", false
		if keepSlash {
			seg, rest, more = strings.Cut(s, "/")
		}
		if seg == "." || seg == ".." {
			b.WriteString("%2E%2E"[:3*len(seg)])
		} else {
			for i := 0; i < len(seg); i++ {
				if c := seg[i]; isPchar(c) {
					b.WriteByte(c)
				} else {
					b.WriteByte('%')
					b.WriteByte("0123456789ABCDEF"[c>>4])
					b.WriteByte("0123456789ABCDEF"[c&15])
				}
			}
		}
		if !more {
			return
		}
		b.WriteByte('/')
		s = rest
	}
}

// isPchar reports whether c may appear unencoded in a path segment
// (RFC 3986 pchar: unreserved, sub-delims, ':' and '@').
func isPchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}
