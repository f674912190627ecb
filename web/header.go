package web

import "iter"

// A Header is an ordered list of HTTP header fields whose names compare
// without regard to ASCII case (aiohttp's CIMultiDict): a response's
// header, and a request's once [Request.Header] has materialised it. The
// zero Header is empty and ready to use. Fields keep the order they were
// added in, and a name may repeat (Set-Cookie).
//
// A Header is not safe for concurrent use. One that belongs to a
// [Request] or a pooled [Response] is valid only until the handler
// returns (see [Handler]); the strings it returns stay valid for good.
type Header struct {
	fields []field
}

type field struct{ name, value string }

// Get returns the value of the first field named name, or "".
func (h *Header) Get(name string) string {
	v, _ := h.Lookup(name)
	return v
}

// Lookup returns the value of the first field named name and whether
// there is one.
func (h *Header) Lookup(name string) (string, bool) {
	if i := h.index(name); i >= 0 {
		return h.fields[i].value, true
	}
	return "", false
}

// Has reports whether a field named name exists.
func (h *Header) Has(name string) bool { return h.index(name) >= 0 }

// Values returns the values of every field named name, in order (nil if
// none).
func (h *Header) Values(name string) []string {
	var vs []string
	for _, f := range h.fields {
		if equalFold(f.name, name) {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// Add appends the field name: value, keeping any others of that name.
// The name and value are checked when the message is written: a name
// that is not a token, or a value with CR, LF or another control
// character, makes the response fail with 500 rather than split it.
func (h *Header) Add(name, value string) {
	h.fields = append(h.fields, field{name, value})
}

// Set replaces the fields named name by the one field name: value, in
// the place of the first of them.
func (h *Header) Set(name, value string) {
	i := h.index(name)
	if i < 0 {
		h.Add(name, value)
		return
	}
	h.fields[i].value = value
	h.delFrom(name, i+1)
}

// Del removes every field named name.
func (h *Header) Del(name string) { h.delFrom(name, 0) }

// Len returns the number of fields.
func (h *Header) Len() int { return len(h.fields) }

// All yields every field, name and value, in order.
func (h *Header) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, f := range h.fields {
			if !yield(f.name, f.value) {
				return
			}
		}
	}
}

// Reset removes every field, keeping the storage.
func (h *Header) Reset() {
	clear(h.fields)
	h.fields = h.fields[:0]
}

// Clone returns a copy of h that shares nothing with it.
func (h *Header) Clone() Header {
	return Header{fields: append([]field(nil), h.fields...)}
}

func (h *Header) index(name string) int {
	for i := range h.fields {
		if equalFold(h.fields[i].name, name) {
			return i
		}
	}
	return -1
}

// delFrom removes the fields named name at index from and after.
func (h *Header) delFrom(name string, from int) {
	j := from
	for i := from; i < len(h.fields); i++ {
		if !equalFold(h.fields[i].name, name) {
			h.fields[j] = h.fields[i]
			j++
		}
	}
	clear(h.fields[j:])
	h.fields = h.fields[:j]
}

// equalFold reports whether a and b are equal without regard to ASCII
// case (header names are ASCII tokens).
func equalFold[A, B ~string | ~[]byte](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x != y && lowerASCII(x) != lowerASCII(y) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
