package route

import (
	"strings"
	"unsafe"
)

// Params holds the variables of a matched route: up to [MaxParams]
// (name, value) pairs in pattern order, filled by [Router.Lookup].
//
// A value that needed no percent-decoding is a substring of the path
// given to Lookup; a decoded value lives in a byte buffer inside Params
// that grows once and is reused by later lookups. Either way values and
// names stay valid until the Params is passed to Lookup again or [Params.Reset]:
// copy a value (strings.Clone) to keep it longer. The zero value is
// ready to use. A Params belongs to one goroutine at a time.
type Params struct {
	n      int
	names  [MaxParams]string
	values [MaxParams]string
	buf    []byte // decoded values; truncated, never shrunk, on Reset
}

// Len returns the number of variables held.
func (p *Params) Len() int { return p.n }

// At returns the i'th variable, 0 <= i < Len(), in pattern order. It
// panics if i is out of range, as a slice index does.
func (p *Params) At(i int) (name, value string) {
	if uint(i) >= uint(p.n) {
		panic("route: Params.At index out of range")
	}
	return p.names[i], p.values[i]
}

// Get returns the value of the variable called name, or "" when there is
// none. It does not allocate.
func (p *Params) Get(name string) string {
	for i := range p.n {
		if p.names[i] == name {
			return p.values[i]
		}
	}
	return ""
}

// Reset empties p, keeping its buffer for reuse. Values handed out
// before become invalid.
func (p *Params) Reset() {
	p.n = 0
	p.buf = p.buf[:0]
}

// push appends an unnamed value; the names are filled by name once a
// route has matched.
func (p *Params) push(v string) {
	p.values[p.n] = v
	p.n++
}

// name sets the names of the first len(names) values.
func (p *Params) name(names []string) {
	copy(p.names[:], names)
}

// decode returns s percent-decoded: s itself when it has no '%' (which
// escaped false promises, for a path without any), else
// the decoded bytes, at least one, appended to p's buffer (release them
// with p.buf = p.buf[:mark]). s must be valid (see validEscapes).
//
// The returned string aliases the buffer without copying: the buffer is
// only appended to or truncated before the next reuse, so the bytes
// under a live value are never rewritten before the documented end of
// its life, and a string into an outgrown array keeps that array alive.
func (p *Params) decode(s string, escaped bool) string {
	if !escaped || strings.IndexByte(s, '%') < 0 {
		return s
	}
	start := len(p.buf)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		p.buf = append(p.buf, c)
	}
	return unsafe.String(&p.buf[start], len(p.buf)-start)
}

// validEscapes reports whether every '%' in s starts a %XX escape.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
