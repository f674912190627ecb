package http1

// A Header is one header (or trailer) field line. For parsed messages
// Name and Value are slices of the [Parser]'s buffer (see [Parser] for
// how long they stay valid); their capacity ends at their length, so an
// append never writes over the bytes that follow. Value has no leading
// or trailing whitespace.
type Header struct {
	Name, Value []byte
}

// Headers is a message's header fields in the order they came.
type Headers []Header

// Get returns the value of the first field named name (compared without
// regard to ASCII case) and whether there is one. It does not allocate.
func (h Headers) Get(name string) ([]byte, bool) {
	for i := range h {
		if equalFold(h[i].Name, name) {
			return h[i].Value, true
		}
	}
	return nil, false
}

// equalFold reports whether b equals s without regard to ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower[b[i]] != lower[s[i]] {
			return false
		}
	}
	return true
}

// Character classes of RFC 9110 §5.6.2 (token) and §5.5 (field-value).
var (
	lower      [256]byte
	isToken    [256]bool // tchar
	isValue    [256]bool // field-vchar, SP and HTAB
	isTarget   [256]bool // visible ASCII: what a request-target may hold
	isHostChar [256]bool // uri-host and port (RFC 3986 reg-name, IP-literal)
)

func init() {
	for c := 0; c < 256; c++ {
		lower[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			lower[c] = byte(c) + 'a' - 'A'
		}
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		isToken[c] = alnum || c < 0x80 && contains("!#$%&'*+-.^_`|~", byte(c))
		isValue[c] = c == '\t' || c >= ' ' && c != 0x7f
		isTarget[c] = c > ' ' && c < 0x7f
		isHostChar[c] = alnum || c < 0x80 && contains("-._~!$&'()*+,;=:[]%", byte(c))
	}
}

func contains(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// skipBWS removes leading SP and HTAB.
func skipBWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// trimOWS removes leading and trailing SP and HTAB.
func trimOWS(b []byte) []byte {
	b = skipBWS(b)
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// nextElement splits the first element off a comma-separated list
// (RFC 9110 §5.6.1), trimmed of OWS; empty elements come back empty.
func nextElement(list []byte) (elem, rest []byte) {
	for i, c := range list {
		if c == ',' {
			return trimOWS(list[:i]), list[i+1:]
		}
	}
	return trimOWS(list), nil
}

// hasToken reports whether the comma-separated list holds tok (ASCII
// case-insensitive).
func hasToken(list []byte, tok string) bool {
	for len(list) > 0 {
		var e []byte
		e, list = nextElement(list)
		if equalFold(e, tok) {
			return true
		}
	}
	return false
}
