package web

import "github.com/aio-go/aio/internal/http1"

// headMemo is the last response head a loop wrote and what it was made
// of. Most responses of a server start alike: 200, the same Content-Type
// constant, keep-alive. One that starts as the last one did, within the
// same second, gets those lines (status line, Date, the response's
// fields, Connection) in one copy instead of being built and checked
// again; if its framing (Content-Length, chunked or none) is the same
// too, the whole head is one copy. The whole head is kept the second
// time running that a framing comes, so that responses of varying
// lengths do not pay a copy each.
//
// Fields compare by identity (the same string memory, as
// http1.Writer.Header's memo): Go strings are immutable and the memo
// holds on to its strings, so the same memory still holds the same bytes.
type headMemo struct {
	ok     bool
	status int
	reason string
	keep   bool
	minor  int
	fields []field
	prefix http1.Prefix // status line to Connection

	length int64        // the framing (see writeHead) of the last head with this start
	full   bool         // head holds the whole head with that framing
	head   http1.Prefix // ... through its blank line
}

// matches reports whether resp's head starts as the memo's does.
func (m *headMemo) matches(resp *Response, minor int, keep bool) bool {
	if !m.ok || m.status != resp.StatusCode() || m.keep != keep || m.minor != minor ||
		!http1.SameString(m.reason, resp.Reason) || len(m.fields) != len(resp.Header.fields) {
		return false
	}
	for i, f := range resp.Header.fields {
		if !http1.SameString(m.fields[i].name, f.name) || !http1.SameString(m.fields[i].value, f.value) {
			return false
		}
	}
	return true
}

// save remembers the lines w holds as the start of resp's head.
func (m *headMemo) save(w *http1.Writer, resp *Response, minor int, keep bool) {
	m.ok = w.SavePrefix(&m.prefix)
	m.status, m.reason, m.keep, m.minor = resp.StatusCode(), resp.Reason, keep, minor
	clear(m.fields) // the strings of an earlier response are not held longer than they must
	m.fields = append(m.fields[:0], resp.Header.fields...)
}

// saveHead remembers the whole head w holds, whose start matched or was
// just saved, with its framing: the second time running that the
// framing comes (every head writeHead makes passes here, so full never
// outlives the start it was saved with).
func (m *headMemo) saveHead(w *http1.Writer, length int64) {
	if m.length != length {
		m.length, m.full = length, false
		return
	}
	m.full = w.SavePrefix(&m.head)
}

// forget drops the memo: the Date changed.
func (m *headMemo) forget() { m.ok = false }
