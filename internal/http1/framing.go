package http1

// The message's framing and connection semantics (RFC 9112 §6, RFC 9110
// §7.2, §7.6.1, §10.1.1): gathered as each field line completes, decided
// when the head does.

// fieldSummary gathers the header fields that decide framing.
type fieldSummary struct {
	request     bool // Host is checked in requests only
	hosts       int
	host        []byte
	length      int64 // the Content-Length value
	cl          bool  // a Content-Length line came
	te          bool  // a Transfer-Encoding line came
	chunked     bool  // chunked appeared in Transfer-Encoding
	lastChunked bool  // ... as the final coding
	close       bool  // Connection: close
	keepAlive   bool  // Connection: keep-alive
	connUpgrade bool  // Connection: upgrade
	upgrade     bool  // an Upgrade header
	expect100   bool
}

// add takes in one header field line, rejecting at once what no later
// line can make right.
func (s *fieldSummary) add(name, v []byte, minor int) error {
	switch len(name) {
	case 4:
		if s.request && equalFold(name, "host") {
			if s.hosts++; s.hosts > 1 {
				return errTwoHosts
			}
			if !validHost(v) {
				return errBadHost
			}
			s.host = v
		}
	case 6:
		if equalFold(name, "expect") && equalFold(v, "100-continue") {
			s.expect100 = true
		}
	case 7:
		if equalFold(name, "upgrade") {
			s.upgrade = true
		}
	case 10:
		if equalFold(name, "connection") {
			s.close = s.close || hasToken(v, "close")
			s.keepAlive = s.keepAlive || hasToken(v, "keep-alive")
			s.connUpgrade = s.connUpgrade || hasToken(v, "upgrade")
		}
	case 14:
		if equalFold(name, "content-length") {
			return s.contentLength(v)
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			switch {
			case s.cl:
				return errCLTE
			case minor == 0:
				return errTE10 // RFC 9112 §6.1: the framing is faulty
			}
			s.te = true
			return s.codings(v)
		}
	}
	return nil
}

// contentLength takes a Content-Length line: one, 1*DIGIT, no more than
// 18 digits (refused rather than risking overflow), and never with
// Transfer-Encoding. Identical repeats are refused too, as llhttp does;
// RFC 9110 §8.6 allows either.
func (s *fieldSummary) contentLength(v []byte) error {
	switch {
	case s.te:
		return errCLTE
	case s.cl:
		return errCLRepeated
	case len(v) == 0 || len(v) > 18:
		return errCLBad
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return errCLBad
		}
		n = n*10 + int64(c-'0')
	}
	s.cl, s.length = true, n
	return nil
}

// codings reads one Transfer-Encoding line: a list of transfer-coding
// (token with optional parameters); chunked may come once, with no
// parameters. Lines add up as one list.
func (s *fieldSummary) codings(list []byte) error {
	for len(list) > 0 {
		var e []byte
		e, list = nextElement(list)
		if len(e) == 0 {
			continue // RFC 9110 §5.6.1: empty elements are ignored
		}
		n := tokenLen(e)
		name, params := e[:n], trimOWS(e[n:])
		if n == 0 || len(params) > 0 && params[0] != ';' {
			return errTEBad
		}
		if equalFold(name, "chunked") {
			if s.chunked || len(params) > 0 {
				return errTEBad
			}
			s.chunked, s.lastChunked = true, true
		} else {
			s.lastChunked = false
		}
	}
	return nil
}

// requestHead decides a request's framing and flags.
func (p *Parser) requestHead() error {
	r, s := &p.req, &p.sum
	r.Headers = p.fields
	if s.hosts == 0 && r.Minor >= 1 && !p.cfg.HostOptional {
		return errNoHost
	}
	if s.te && !s.lastChunked {
		// RFC 9112 §6.3: the request's length cannot be known.
		return errTEBad
	}
	r.Host = s.host
	r.Chunked = s.te
	n := s.length
	if r.Chunked {
		n = -1
	}
	r.Upgrade = s.upgrade && s.connUpgrade
	if string(r.Method) == "CONNECT" {
		// RFC 9110 §9.3.6: CONNECT has no content; what follows the
		// head is the tunnel's.
		r.Upgrade, r.Chunked, n = true, false, 0
	}
	if p.cfg.MaxBodySize > 0 && n > p.cfg.MaxBodySize {
		return errBodyTooLarge
	}
	r.ContentLength = n
	r.KeepAlive = keepAlive(r.Minor, s)
	r.Expect100 = s.expect100 && r.Minor >= 1
	p.startBody(n, r.Chunked)
	return nil
}

func keepAlive(minor int, s *fieldSummary) bool {
	if minor == 0 {
		return s.keepAlive && !s.close
	}
	return !s.close
}

// responseHead decides a response's framing and flags (RFC 9112 §6.3).
func (p *Parser) responseHead() error {
	r, s := &p.resp, &p.sum
	r.Headers = p.fields
	n := s.length
	r.KeepAlive = keepAlive(r.Minor, s)
	switch {
	case r.Status == 101:
		r.Upgrade = true
		n = 0
	case p.connectReq && r.Status/100 == 2:
		r.Upgrade = true
		n = 0
	case p.headReq || r.Status/100 == 1 || r.Status == 204 || r.Status == 304:
		n = 0
	case s.te && s.lastChunked:
		r.Chunked = true
		n = -1
	case s.te || !s.cl:
		// A final coding other than chunked, or no length at all: the
		// body runs until the server closes.
		r.UntilClose, r.KeepAlive = true, false
		n = -1
	}
	if p.cfg.MaxBodySize > 0 && n > p.cfg.MaxBodySize {
		return errBodyTooLarge
	}
	r.ContentLength = n
	if r.UntilClose {
		p.state = stUntilClose
		return nil
	}
	p.startBody(n, r.Chunked)
	return nil
}

// startBody sets the state that reads the body.
func (p *Parser) startBody(n int64, chunked bool) {
	switch {
	case chunked:
		p.state = stChunkLine
	case n > 0:
		p.state, p.remaining = stLength, n
	default:
		p.state = stEnd
	}
}

// afterBody is the state after the last byte of a Content-Length body
// or of a chunk's data.
func (p *Parser) afterBody() state {
	if p.state == stChunkData {
		return stChunkCR
	}
	return stEnd
}

// chunkSize parses chunk-size [chunk-ext] (RFC 9112 §7.1.1):
//
//	chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
//	ext-val   = token / quoted-string
//
// The extensions are checked and dropped.
func (p *Parser) chunkSize(line []byte) error {
	i := 0
	var n int64
	for ; i < len(line) && hexVal(line[i]) >= 0; i++ {
		if i == 15 {
			return errChunkSize // 16 hex digits could overflow int64
		}
		n = n<<4 | int64(hexVal(line[i]))
	}
	if i == 0 {
		return errChunkSize
	}
	if !validChunkExt(line[i:]) {
		if line[i] != ';' && line[i] != ' ' && line[i] != '\t' {
			return errChunkSize
		}
		return errChunkExt
	}
	p.bodySize += n
	if p.cfg.MaxBodySize > 0 && p.bodySize > p.cfg.MaxBodySize {
		return errBodyTooLarge
	}
	if n == 0 {
		p.state, p.sectBytes = stTrailers, 0
		return nil
	}
	p.state, p.remaining = stChunkData, n
	return nil
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= lower[c] && lower[c] <= 'f':
		return int(lower[c]-'a') + 10
	}
	return -1
}

func skipToken(b []byte) ([]byte, bool) {
	i := tokenLen(b)
	return b[i:], i > 0
}

func validChunkExt(b []byte) bool {
	for len(b) > 0 {
		b = skipBWS(b)
		if len(b) == 0 || b[0] != ';' {
			return false
		}
		var ok bool
		if b, ok = skipToken(skipBWS(b[1:])); !ok {
			return false
		}
		rest := skipBWS(b)
		switch {
		case len(rest) == 0:
			return len(b) == 0 // no BWS at the end of the line
		case rest[0] == ';':
			b = rest
			continue
		case rest[0] != '=':
			return false
		}
		b = skipBWS(rest[1:])
		if len(b) > 0 && b[0] == '"' {
			if b, ok = skipQuoted(b); !ok {
				return false
			}
		} else if b, ok = skipToken(b); !ok {
			return false
		}
	}
	return true
}

// skipQuoted skips a quoted-string (RFC 9110 §5.6.4).
func skipQuoted(b []byte) ([]byte, bool) {
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return b[i+1:], true
		case c == '\\':
			i++
			if i == len(b) || !isValue[b[i]] {
				return nil, false
			}
		case !isValue[c]:
			return nil, false
		}
	}
	return nil, false
}
