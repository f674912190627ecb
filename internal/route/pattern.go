package route

import (
	"fmt"
	"regexp"
	"strings"
)

// MaxParams is the most variables a pattern may hold, the capacity of
// [Params].
const MaxParams = 8

// segKind says how a pattern segment matches a path segment. The order
// of the values is the precedence order of a node's children.
type segKind uint8

const (
	segStatic segKind = iota // literal text, compared with the decoded segment
	segRegexp                // {name:expr}: expr matches the whole decoded segment
	segParam                 // {name}: any non-empty segment
	segTail                  // {name:.*} or {name:.+}: the rest of the path
)

// A segment is one '/'-separated piece of a pattern.
type segment struct {
	kind segKind
	text string         // the literal (static) or the expression (regexp, tail)
	name string         // the variable's name; "" for static
	re   *regexp.Regexp // anchored expression (segRegexp only)
}

// parsePattern splits pattern into segments; see the package comment for
// the grammar.
func parsePattern(pattern string) ([]segment, error) {
	if !strings.HasPrefix(pattern, "/") {
		return nil, fmt.Errorf("%w %q: must start with '/'", ErrPattern, pattern)
	}
	var segs []segment
	vars := 0
	rest := pattern[1:]
	for {
		end := braceScan(rest, '/')
		s, err := parseSegment(rest[:end])
		if err != nil {
			return nil, fmt.Errorf("%w %q: %v", ErrPattern, pattern, err)
		}
		if s.kind != segStatic {
			if err := checkVar(segs, s, end == len(rest)); err != nil {
				return nil, fmt.Errorf("%w %q: %v", ErrPattern, pattern, err)
			}
			vars++
		}
		segs = append(segs, s)
		if end == len(rest) {
			break
		}
		rest = rest[end+1:]
	}
	if vars > MaxParams {
		return nil, fmt.Errorf("%w %q: more than %d variables", ErrPattern, pattern, MaxParams)
	}
	return segs, nil
}

// checkVar reports why variable s cannot follow segs.
func checkVar(segs []segment, s segment, last bool) error {
	if s.kind == segTail && !last {
		return fmt.Errorf("tail variable {%s:%s} must be the last segment", s.name, s.text)
	}
	for _, prev := range segs {
		if prev.name == s.name {
			return fmt.Errorf("variable %q appears twice", s.name)
		}
	}
	return nil
}

// braceScan returns the index of the first stop byte at brace depth 0
// (for '}', depth 0 after it closes), or len(s). With '/' it finds the
// end of a pattern's first segment, leaving a '/' inside a variable's
// expression to the expression; with '}' on a segment starting with '{'
// it finds the brace closing that one. Unbalanced braces are left for
// parseSegment to refuse.
func braceScan(s string, stop byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if s[i] == stop && depth == 0 {
			return i
		}
	}
	return len(s)
}

// parseSegment parses one segment: literal text without braces, or one
// variable filling the whole segment.
func parseSegment(s string) (segment, error) {
	if !strings.ContainsAny(s, "{}") {
		return segment{kind: segStatic, text: s}, nil
	}
	if s[0] != '{' || braceScan(s, '}') != len(s)-1 {
		return segment{}, fmt.Errorf("segment %q mixes text and a variable, or holds two variables", s)
	}
	name, expr, hasExpr := strings.Cut(s[1:len(s)-1], ":")
	if !isIdent(name) {
		return segment{}, fmt.Errorf("variable name %q is not an identifier", name)
	}
	switch {
	case !hasExpr:
		return segment{kind: segParam, name: name}, nil
	case expr == ".*" || expr == ".+":
		return segment{kind: segTail, name: name, text: expr}, nil
	case expr == "":
		return segment{}, fmt.Errorf("variable %q has an empty expression", name)
	}
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return segment{}, fmt.Errorf("variable %q: %v", name, err)
	}
	return segment{kind: segRegexp, name: name, text: expr, re: re}, nil
}

// isIdent reports whether s is an ASCII identifier: a letter or '_', then
// letters, digits and '_'.
func isIdent(s string) bool {
	if s == "" || ('0' <= s[0] && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP token (RFC 9110, section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
