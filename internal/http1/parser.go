package http1

import "bytes"

// Mode says which side of the conversation a [Parser] reads.
type Mode uint8

const (
	Requests  Mode = iota // a server reading requests
	Responses             // a client reading responses
)

// Config holds a [Parser]'s limits. A zero field means its default.
type Config struct {
	// MaxRequestLine bounds the request line (or status line), CRLF
	// excluded; a longer one is answered 414. Default 8190.
	MaxRequestLine int
	// MaxHeaderBytes bounds the header section after the start line, CRLFs
	// included (and, separately, the trailer section); 431. Default 32 KiB.
	MaxHeaderBytes int
	// MaxHeaders bounds the number of header field lines (and trailer
	// lines); 431. Default 100.
	MaxHeaders int
	// MaxBodySize bounds a body's length, chunked or not; 413. Zero means
	// no limit: a server that buffers bodies sets one.
	MaxBodySize int64
	// HostOptional accepts HTTP/1.1 requests without a Host header, which
	// RFC 9112 §3.2 requires a server to reject. For tests against
	// corpora written without Host; a repeated or invalid Host is still
	// rejected.
	HostOptional bool
}

// Defaults of [Config].
const (
	DefaultMaxRequestLine = 8190
	DefaultMaxHeaderBytes = 32 << 10
	DefaultMaxHeaders     = 100
)

// maxChunkLine bounds a chunk-size line with its extensions.
const maxChunkLine = 4096

// maxEmptyLines bounds the empty lines accepted before a request line
// (RFC 9112 §2.2 asks servers to ignore at least one).
const maxEmptyLines = 8

// Event is what one [Parser.Feed] call found.
type Event uint8

const (
	// EventNone: all of the input was consumed and more is needed.
	EventNone Event = iota
	// EventHead: a message head was parsed; see [Parser.Request] or
	// [Parser.Response].
	EventHead
	// EventBody: some body bytes (after transfer decoding).
	EventBody
	// EventEnd: the message is complete; a chunked message's trailers are
	// in [Parser.Trailers].
	EventEnd
)

// String returns the event's name, such as "Head".
func (e Event) String() string {
	switch e {
	case EventNone:
		return "None"
	case EventHead:
		return "Head"
	case EventBody:
		return "Body"
	case EventEnd:
		return "End"
	}
	return "Event(?)"
}

// Request is a parsed request head. Its slices share the parser's buffer
// (see [Parser] for their lifetime).
type Request struct {
	Method  []byte  // a token, case-sensitive: "GET", "POST", ...
	Target  []byte  // the request-target as sent: "/path?q", "*", "host:443", "http://h/p"
	Minor   int     // HTTP/1.Minor
	Headers Headers // every field line, in order
	Host    []byte  // the Host header's value (nil if absent)
	// ContentLength is the body's length: 0 when there is no body, -1
	// when it is chunked.
	ContentLength int64
	Chunked       bool // Transfer-Encoding ends in chunked
	KeepAlive     bool // the connection may carry another request after this one
	// Upgrade: the client asks to switch protocols after this request
	// (Connection: upgrade with an Upgrade header, or CONNECT). The
	// parser keeps reading HTTP unless the caller stops feeding it.
	Upgrade   bool
	Expect100 bool // Expect: 100-continue on HTTP/1.1
}

// Response is a parsed response head. Its slices share the parser's
// buffer (see [Parser] for their lifetime).
type Response struct {
	Minor   int    // HTTP/1.Minor
	Status  int    // 100-999
	Reason  []byte // the reason phrase, possibly empty
	Headers Headers
	// ContentLength is the body's length: 0 when there is none, -1 when
	// it is chunked or delimited by the connection's close.
	ContentLength int64
	Chunked       bool // Transfer-Encoding ends in chunked
	UntilClose    bool // the body runs until the server closes: see [Parser.Finish]
	KeepAlive     bool // the connection may carry another response
	// Upgrade: a 101 response, or a 2xx to CONNECT: the bytes after this
	// head belong to the new protocol, so the caller stops feeding.
	Upgrade bool
}

type state uint8

const (
	stIdle       state = iota // between messages
	stStartLine               // reading the request or status line
	stFields                  // reading header lines
	stLength                  // Content-Length body
	stUntilClose              // response body delimited by close
	stChunkLine               // chunk-size line
	stChunkData               // chunk data
	stChunkCR                 // CR after chunk data
	stChunkLF                 // LF after chunk data
	stTrailers                // trailer lines
	stEnd                     // message complete, not yet reported
	stFinished                // Finish was called
)

// A Parser reads HTTP/1.1 messages incrementally, one connection's
// worth: any split of the input into [Parser.Feed] calls gives the same
// events. A Parser is used by one goroutine at a time; reuse it for the
// connection's next message and, after [Parser.Reset], for another
// connection. The zero Parser reads requests with the default limits.
//
// Lifetime: the head's slices (Request, Response, Trailers) point into a
// buffer the parser owns, valid until the first Feed after that
// message's [EventEnd] (or Reset); body slices point into Feed's input.
//
// The head is copied from the input into that buffer (in one piece when
// a request's head is all in one Feed's input, else a line at a time,
// which also makes a head split over reads contiguous), never allocated
// afresh once the buffer has grown to the connection's largest head.
type Parser struct {
	cfg   Config
	mode  Mode
	state state
	err   error

	buf       []byte // the head's lines (and trailers, split chunk lines)
	lineStart int    // where in buf the line being read starts
	empty     int    // empty lines skipped before the start line
	sectBytes int    // bytes of the header (or trailer) section so far

	fields   Headers
	sum      fieldSummary // what the head's fields say about framing
	closed   bool         // the last message ended the connection
	trailers Headers
	req      Request
	resp     Response

	remaining int64 // bytes left of the Content-Length body or the chunk
	bodySize  int64 // chunked or until-close body bytes so far

	// Responses only: what the request being answered was.
	headReq, connectReq bool
}

// Init readies p for mode with the limits of cfg, keeping its buffers.
func (p *Parser) Init(mode Mode, cfg Config) {
	cfg.fill()
	p.cfg, p.mode = cfg, mode
	p.Reset()
}

// fill puts the defaults in the zero fields.
func (c *Config) fill() {
	if c.MaxRequestLine <= 0 {
		c.MaxRequestLine = DefaultMaxRequestLine
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxHeaders <= 0 {
		c.MaxHeaders = DefaultMaxHeaders
	}
}

// Reset forgets the connection's state (a new connection follows),
// keeping the mode, limits and buffers.
func (p *Parser) Reset() {
	p.state, p.err, p.closed = stIdle, nil, false
	p.headReq, p.connectReq = false, false
	p.begin()
}

// begin starts a message: the previous head's buffer is reused.
func (p *Parser) begin() {
	p.buf = p.buf[:0]
	p.lineStart, p.empty, p.sectBytes = 0, 0, 0
	p.fields = p.fields[:0]
	p.trailers = p.trailers[:0]
	p.remaining, p.bodySize = 0, 0
	p.sum = fieldSummary{request: p.mode == Requests}
	p.req = Request{}
	p.resp = Response{}
}

// Request returns the last request head parsed (after [EventHead]).
func (p *Parser) Request() *Request { return &p.req }

// Response returns the last response head parsed (after [EventHead]).
func (p *Parser) Response() *Response { return &p.resp }

// Trailers returns the trailer fields of the last chunked message (after
// [EventEnd]).
func (p *Parser) Trailers() Headers { return p.trailers }

// SetRequestMethod tells a response parser the method of the request the
// next response answers: a response to HEAD has no body and a 2xx to
// CONNECT starts a tunnel. It applies to one final response (and the
// informational ones before it); call it before feeding that response's
// first byte.
func (p *Parser) SetRequestMethod(method string) {
	p.headReq = method == "HEAD"
	p.connectReq = method == "CONNECT"
}

// Feed parses from the start of in and returns the number of bytes it
// consumed and the one event it found, with body bytes for [EventBody]
// (a sub-slice of in: no copy). Call it again with in[n:] until it
// returns [EventNone], which means all of in was consumed and more input
// is needed (Feed with empty input still reports a pending [EventEnd]).
//
// On a malformed message it returns an [*Error] carrying the status to
// answer with; the parser then returns the same error until
// [Parser.Reset], since the connection's framing is lost.
func (p *Parser) Feed(in []byte) (n int, ev Event, body []byte, err error) {
	if p.err != nil {
		return 0, EventNone, nil, p.err
	}
	for {
		switch p.state {
		case stIdle:
			if n == len(in) {
				return n, EventNone, nil, nil
			}
			if p.closed {
				return n, EventNone, nil, p.fail(errAfterClose)
			}
			if p.cfg.MaxRequestLine == 0 {
				p.cfg.fill() // a zero Parser
			}
			p.begin()
			if p.mode == Requests {
				if k := p.wholeHead(in[n:]); k > 0 {
					return n + k, EventHead, nil, nil
				}
			}
			p.state = stStartLine
			fallthrough
		case stStartLine, stFields, stTrailers:
			// The lines of a head go round this loop, not back through the
			// switch, whose jump is indirect and mispredicted as the state
			// moves on.
			for {
				line, k, ok, err := p.headLine(in[n:])
				n += k
				if err == nil && ok {
					ev, err = p.headLineDone(line)
				}
				if err != nil {
					return n, EventNone, nil, p.fail(err)
				}
				if !ok || ev != EventNone {
					return n, ev, nil, nil
				}
				if p.state != stFields && p.state != stTrailers {
					break
				}
			}
		case stLength, stChunkData, stUntilClose:
			if n == len(in) {
				return n, EventNone, nil, nil
			}
			k, err := p.bodyPiece(len(in) - n)
			if err != nil {
				return n, EventNone, nil, p.fail(err)
			}
			return n + k, EventBody, in[n : n+k : n+k], nil
		case stChunkCR, stChunkLF:
			if n == len(in) {
				return n, EventNone, nil, nil
			}
			want := byte('\r')
			if p.state == stChunkLF {
				want = '\n'
			}
			if in[n] != want {
				return n, EventNone, nil, p.fail(errChunkOverrun)
			}
			n++
			if p.state == stChunkCR {
				p.state = stChunkLF
			} else {
				p.state = stChunkLine
			}
		case stChunkLine:
			line, k, ok, err := p.chunkLine(in[n:])
			n += k
			if err == nil && ok {
				err = p.chunkSize(line)
				p.buf = p.buf[:p.lineStart] // a split line was only borrowed
			}
			if err != nil {
				return n, EventNone, nil, p.fail(err)
			}
			if !ok {
				return n, EventNone, nil, nil
			}
		case stEnd:
			p.state = stIdle
			p.closed = !p.keepAlive()
			if !p.interim() {
				p.headReq, p.connectReq = false, false
			}
			return n, EventEnd, nil, nil
		case stFinished:
			return n, EventNone, nil, p.fail(errFinished)
		}
	}
}

// bodyPiece returns how many of the k body bytes at hand the body takes
// (all of them, unless it ends or reaches its limit first) and counts
// them off.
func (p *Parser) bodyPiece(k int) (int, error) {
	if p.state != stUntilClose {
		k = int(min(int64(k), p.remaining))
		p.remaining -= int64(k)
		if p.remaining == 0 {
			p.state = p.afterBody()
		}
		return k, nil
	}
	if p.cfg.MaxBodySize > 0 {
		// Up to the limit, then the error: the same for any split.
		if p.bodySize == p.cfg.MaxBodySize {
			return 0, errBodyTooLarge
		}
		k = int(min(int64(k), p.cfg.MaxBodySize-p.bodySize))
		p.bodySize += int64(k)
	}
	return k, nil
}

// Finish tells the parser the input ended (the peer closed). It returns
// [EventEnd] when that completes a body delimited by the close, nothing
// between messages, and an error wrapping [io.ErrUnexpectedEOF] in the
// middle of a message.
func (p *Parser) Finish() (Event, error) {
	if p.err != nil {
		return EventNone, p.err
	}
	st := p.state
	p.state = stFinished
	switch st {
	case stIdle, stFinished:
		return EventNone, nil
	case stUntilClose, stEnd:
		return EventEnd, nil
	case stStartLine:
		if len(p.buf) == p.lineStart && p.lineStart == 0 {
			return EventNone, nil // only empty lines came
		}
	}
	return EventNone, p.fail(errEOF)
}

// interim reports whether the message was an informational response,
// which the final response to the same request follows.
func (p *Parser) interim() bool {
	return p.mode == Responses && p.resp.Status/100 == 1 && p.resp.Status != 101
}

// minor is the HTTP/1.minor of the message being read.
func (p *Parser) minor() int {
	if p.mode == Requests {
		return p.req.Minor
	}
	return p.resp.Minor
}

// keepAlive reports whether the message just parsed lets another follow.
func (p *Parser) keepAlive() bool {
	if p.mode == Requests {
		return p.req.KeepAlive
	}
	return p.resp.KeepAlive || p.interim()
}

func (p *Parser) fail(err error) error {
	p.err = err
	return err
}

// headLine reads the next line of the head or trailers into buf.
func (p *Parser) headLine(in []byte) (line []byte, n int, ok bool, err error) {
	limit, tooLong := p.cfg.MaxRequestLine, errURITooLong
	if p.mode == Responses {
		tooLong = errStatusTooLong
	}
	if p.state != stStartLine {
		limit, tooLong = p.cfg.MaxHeaderBytes-p.sectBytes-2, errHeadersTooLong
	}
	i := bytes.IndexByte(in, '\n')
	if i < 0 {
		n, err := p.partialLine(in, limit, tooLong)
		return nil, n, false, err
	}
	p.buf = append(p.buf, in[:i+1]...)
	line, err = p.splitLine(p.buf[p.lineStart:], limit, tooLong)
	return line, i + 1, err == nil, err
}

// chunkLine reads a chunk-size line: from in itself when it is whole
// there, else gathered in buf (beyond the head, which it leaves alone).
func (p *Parser) chunkLine(in []byte) (line []byte, n int, ok bool, err error) {
	i := bytes.IndexByte(in, '\n')
	if i < 0 {
		n, err := p.partialLine(in, maxChunkLine, errChunkLineLong)
		return nil, n, false, err
	}
	whole := in[:i+1]
	if len(p.buf) > p.lineStart {
		p.buf = append(p.buf, whole...)
		whole = p.buf[p.lineStart:]
	}
	line, err = p.splitLine(whole, maxChunkLine, errChunkLineLong)
	return line, i + 1, err == nil, err
}

// partialLine keeps in, a piece of a line without its LF, in buf, unless
// the line is already longer than limit.
func (p *Parser) partialLine(in []byte, limit int, tooLong *Error) (int, error) {
	if len(in) > 0 && tooLongSoFar(len(p.buf)-p.lineStart+len(in), in[len(in)-1], limit) {
		return 0, tooLong
	}
	p.buf = append(p.buf, in...)
	return len(in), nil
}

// tooLongSoFar reports whether a line of which have bytes (ending in
// last) came without its LF yet is already longer than limit: its CRLF
// may still be one CR short, no more. Checked before the content, so
// any split of a long line gives the same error.
func tooLongSoFar(have int, last byte, limit int) bool {
	return have > limit+1 || have == limit+1 && last != '\r'
}

// splitLine checks the length and the CRLF of whole (a line with its LF)
// and returns its content.
func (p *Parser) splitLine(whole []byte, limit int, tooLong *Error) ([]byte, error) {
	body := whole[:len(whole)-1]
	if len(body) > 0 && tooLongSoFar(len(body), body[len(body)-1], limit) {
		return nil, tooLong
	}
	if len(body) == 0 || body[len(body)-1] != '\r' {
		return nil, errBareLF
	}
	return body[: len(body)-1 : len(body)-1], nil
}

// headLineDone handles a complete line of the head or trailers.
func (p *Parser) headLineDone(line []byte) (Event, error) {
	lineLen := len(p.buf) - p.lineStart
	switch {
	case p.state == stStartLine && len(line) == 0:
		p.empty++
		if p.empty > maxEmptyLines {
			return EventNone, errEmptyLines
		}
		p.buf = p.buf[:p.lineStart]
		return EventNone, nil
	case p.state == stStartLine:
		var err error
		if p.mode == Requests {
			err = p.requestLine(line)
		} else {
			err = p.statusLine(line)
		}
		if err != nil {
			return EventNone, err
		}
		p.state = stFields
	case len(line) == 0:
		return p.sectionDone()
	default:
		dst := &p.fields
		if p.state == stTrailers {
			dst = &p.trailers
		}
		if err := p.fieldLine(line, dst); err != nil {
			return EventNone, err
		}
		if p.state == stFields {
			h := &p.fields[len(p.fields)-1]
			if err := p.sum.add(h.Name, h.Value, p.minor()); err != nil {
				return EventNone, err
			}
		}
		p.sectBytes += lineLen
	}
	p.lineStart = len(p.buf)
	return EventNone, nil
}

// sectionDone ends the header section (the head is complete) or the
// trailer section (the message is).
func (p *Parser) sectionDone() (Event, error) {
	p.lineStart = len(p.buf)
	if p.state == stTrailers {
		p.state = stEnd
		return EventNone, nil
	}
	var err error
	if p.mode == Requests {
		err = p.requestHead()
	} else {
		err = p.responseHead()
	}
	if err != nil {
		return EventNone, err
	}
	return EventHead, nil
}

// requestLine parses method SP request-target SP HTTP-version.
func (p *Parser) requestLine(line []byte) error {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return errRequestLine
	}
	method := line[:sp:sp]
	if !isTokenString(method) {
		return errMethod
	}
	rest := line[sp+1:]
	sp = bytes.IndexByte(rest, ' ')
	if sp < 0 {
		if validTarget(rest) {
			return errHTTP09
		}
		return errTarget
	}
	target, version := rest[:sp:sp], rest[sp+1:]
	if !validTarget(target) {
		return errTarget
	}
	minor, err := parseVersion(version) // first: "PRI * HTTP/2.0" gets 505
	if err != nil {
		return err
	}
	if !targetFitsMethod(target, method) {
		return errTarget
	}
	p.req.Method, p.req.Target, p.req.Minor = method, target, minor
	return nil
}

// statusLine parses HTTP-version SP status-code [SP reason-phrase]. The
// SP before an empty reason may be missing: servers omit it and the
// reason carries no meaning (RFC 9112 §4).
func (p *Parser) statusLine(line []byte) error {
	if len(line) < 12 || line[8] != ' ' {
		if len(line) >= 8 && line[0] == 'H' {
			if _, err := parseVersion(line[:8]); err != nil {
				return err
			}
		}
		return errStatusLine
	}
	minor, err := parseVersion(line[:8])
	if err != nil {
		return err
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return errStatusLine
		}
		code = code*10 + int(c-'0')
	}
	if code < 100 {
		return errStatusLine
	}
	reason := line[12:]
	if len(reason) > 0 {
		if reason[0] != ' ' {
			return errStatusLine
		}
		reason = reason[1:]
		for _, c := range reason {
			if !isValue[c] {
				return errStatusLine
			}
		}
	}
	p.resp.Minor, p.resp.Status, p.resp.Reason = minor, code, reason
	return nil
}

// parseVersion parses "HTTP/1.d" and returns d.
func parseVersion(v []byte) (int, error) {
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[6] != '.' || !isDigit(v[5]) || !isDigit(v[7]) {
		return 0, errVersionToken
	}
	if v[5] != '1' {
		return 0, errVersion
	}
	return int(v[7] - '0'), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isTokenString[S ~string | ~[]byte](b S) bool {
	return len(b) > 0 && all(b, &isToken)
}

func validTarget[S ~string | ~[]byte](t S) bool {
	return len(t) > 0 && all(t, &isTarget)
}

// tokenLen returns the length of the token that b starts with.
func tokenLen(b []byte) int { return span(b, &isToken) }

// span returns the length of the run of bytes in class that b starts
// with.
func span(b []byte, class *[256]bool) int {
	i := 0
	for i < len(b) && class[b[i]] {
		i++
	}
	return i
}

// all reports whether every byte of b is in class.
func all[S ~string | ~[]byte](b S, class *[256]bool) bool {
	for i := 0; i < len(b); i++ {
		if !class[b[i]] {
			return false
		}
	}
	return true
}

// targetFitsMethod checks the request-target's form (RFC 9112 §3.2):
// authority-form for CONNECT only, asterisk-form for OPTIONS only, else
// origin-form or absolute-form.
func targetFitsMethod(t, method []byte) bool {
	if string(method) == "CONNECT" {
		return validAuthority(t)
	}
	if t[0] == '/' {
		return true
	}
	if len(t) == 1 && t[0] == '*' {
		return string(method) == "OPTIONS"
	}
	return hasScheme(t)
}

// hasScheme reports whether t starts with scheme ":" (RFC 3986 §3.1).
func hasScheme(t []byte) bool {
	for i, c := range t {
		switch {
		case 'a' <= lower[c] && lower[c] <= 'z':
		case i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// validAuthority checks uri-host ":" port.
func validAuthority(t []byte) bool {
	colon := bytes.LastIndexByte(t, ':')
	if colon <= 0 || colon == len(t)-1 || !validHost(t[:colon]) {
		return false
	}
	for _, c := range t[colon+1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func validHost(h []byte) bool { return all(h, &isHostChar) }

// fieldLine parses field-name ":" OWS field-value OWS into *dst.
func (p *Parser) fieldLine(line []byte, dst *Headers) error {
	if line[0] == ' ' || line[0] == '\t' {
		if len(*dst) > 0 {
			return errObsFold
		}
		return errLeadingSpace
	}
	i := tokenLen(line)
	if i == len(line) || line[i] != ':' {
		if i > 0 && i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			if rest := skipBWS(line[i:]); len(rest) > 0 && rest[0] == ':' {
				return errSpaceColon
			}
		}
		if i < len(line) && line[i] == '\r' {
			return errBareCR
		}
		return errFieldName
	}
	if i == 0 {
		return errFieldName
	}
	if !validValue(line[i+1:]) {
		if bytes.IndexByte(line[i+1:], '\r') >= 0 {
			return errBareCR
		}
		return errFieldValue
	}
	if len(*dst) >= p.cfg.MaxHeaders {
		return errTooManyHeaders
	}
	v := trimOWS(line[i+1:])
	*dst = append(*dst, Header{Name: line[:i:i], Value: v[:len(v):len(v)]})
	return nil
}

// validValue reports whether every byte of b may be in a field value:
// runs of plain bytes (plainLen, eight at a time) joined by HTABs.
func validValue[S ~string | ~[]byte](b S) bool {
	for {
		i := plainLen(b)
		switch {
		case i == len(b):
			return true
		case b[i] != '\t':
			return false
		}
		b = b[i+1:]
	}
}
