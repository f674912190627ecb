package http1

import "math/bits"

// The one-pass request head: most requests arrive whole in one read, and
// for them the line-by-line path's per-line work (find the LF, copy the
// line, check it, then scan it again field by field) is most of the
// parse. wholeHead reads such a head straight from the input, finding
// each line's end while it checks the line's bytes, and copies the head
// into the parser's buffer in one piece at the end.
//
// It is only a shortcut: wherever it would have to decide something
// the line-by-line path decides (a head not all in the input, empty lines
// before it, an HTAB or any other byte that needs a closer look, a limit
// near, an error of any kind), it gives up before the parser has changed
// in any way the other path depends on, and that path parses the same
// bytes from the start. Errors, limits and events therefore come out the
// same for any split of the input; FuzzParser compares the two.

// wholeHead parses the request head at the start of in when in holds it
// whole and it is plain, as described above, and returns its length; it
// returns 0, the parser as begin left it, when the line-by-line path is
// to parse it instead. It is called at the start of a request, after
// begin.
func (p *Parser) wholeHead(in []byte) int {
	method, target, version, pos := requestLineSpan(in)
	if pos == 0 || pos-2 > p.cfg.MaxRequestLine {
		return 0
	}
	minor, err := parseVersion(version)
	if err != nil || !targetFitsMethod(target, method) {
		return 0
	}
	// The field lines, up to the empty line that ends the head; a line
	// the line-by-line path is to judge ends the loop.
	for start := pos; pos+2 <= len(in) && pos-start <= p.cfg.MaxHeaderBytes-2; {
		if in[pos] == '\r' {
			if in[pos+1] == '\n' {
				return p.adopt(in, pos+2, method, target, minor)
			}
			break
		}
		name, value, n := fieldSpan(in[pos:])
		if n == 0 || len(p.fields) >= p.cfg.MaxHeaders {
			break
		}
		// Field by field: a Header built from the results in registers
		// would be spilled and copied, and the copy stalls on the spill.
		p.fields = append(p.fields, Header{})
		h := &p.fields[len(p.fields)-1]
		h.Name, h.Value = name, value
		pos += n
	}
	p.fields = p.fields[:0]
	return 0
}

// adopt copies the head in[:n], parsed by wholeHead, into the parser's
// buffer, points the request's slices there, and decides the request's
// framing as sectionDone would; 0 (and the parser as begin left it) if
// the fields say the line-by-line path is to take it, with its error.
func (p *Parser) adopt(in []byte, n int, method, target []byte, minor int) int {
	p.buf = append(p.buf[:0], in[:n]...)
	head := p.buf
	p.req.Method, p.req.Target, p.req.Minor = rebase(head, in, method), rebase(head, in, target), minor
	for i := range p.fields {
		h := &p.fields[i]
		h.Name, h.Value = rebase(head, in, h.Name), rebase(head, in, h.Value)
		if p.sum.add(h.Name, h.Value, minor) != nil {
			p.begin()
			return 0
		}
	}
	p.lineStart = n
	if p.requestHead() != nil {
		p.begin()
		return 0
	}
	return n
}

// rebase returns the bytes of head that hold what s, a slice of in, held
// there (head is a copy of the start of in), capped at their end like
// every slice of the head the parser hands out.
func rebase(head, in, s []byte) []byte {
	off := cap(in) - cap(s)
	return head[off : off+len(s) : off+len(s)]
}

// requestLineSpan splits the request line at the start of in when it is
// whole there and plain: method SP request-target SP HTTP-version CRLF,
// the method a token and the target of target characters. n is the
// line's length with its CRLF, 0 otherwise.
func requestLineSpan(in []byte) (method, target, version []byte, n int) {
	i := span(in, &isToken)
	if i == 0 || i == len(in) || in[i] != ' ' {
		return nil, nil, nil, 0
	}
	j := i + 1 + span(in[i+1:], &isTarget)
	if j == i+1 || j == len(in) || in[j] != ' ' {
		return nil, nil, nil, 0
	}
	v := j + 1
	if len(in) < v+10 || in[v+8] != '\r' || in[v+9] != '\n' {
		return nil, nil, nil, 0
	}
	return in[:i], in[i+1 : j], in[v : v+8], v + 10
}

// fieldSpan splits the field line at the start of b when it is whole
// there and plain: a token, a colon, then a value of plain bytes (see
// plainLen) up to CRLF. n is the line's length with its CRLF, 0
// otherwise; value is without its leading and trailing spaces.
func fieldSpan(b []byte) (name, value []byte, n int) {
	i := span(b, &isToken)
	if i == 0 || i == len(b) || b[i] != ':' {
		return nil, nil, 0
	}
	e := i + 1 + plainLen(b[i+1:])
	if e+1 >= len(b) || b[e] != '\r' || b[e+1] != '\n' {
		return nil, nil, 0
	}
	return b[:i], trimOWS(b[i+1 : e]), e + 2
}

// plainLen returns the length of the run of plain bytes that b starts
// with: bytes that may be in a field value other than HTAB (no control
// character, no DEL), checked eight at a time.
func plainLen[S ~string | ~[]byte](b S) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := b[i : i+8]
		_ = w[7]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		y := x ^ 0x7f*ones
		// A borrow can only mark bytes above the first that is below 0x20
		// (or is DEL), so the lowest mark is that byte.
		if m := ((x-0x20*ones)&^x | (y-ones)&^y) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 || b[i] == 0x7f {
			break
		}
	}
	return i
}
