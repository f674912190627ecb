package web

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAccessLogFormat is aiohttp's default access log format: remote
// address, start time, request line, status, response size, referrer and
// user agent.
const DefaultAccessLogFormat = `%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"`

// An AccessLogger writes one line per finished request in aiohttp's
// access log format. The format's directives are:
//
//	%a        the remote address (IP only)
//	%t        when the request started, as [30/Nov/2026:08:00:00 +0000]
//	%P        the server's process id
//	%r        the request line: GET /path?q HTTP/1.1
//	%s        the response status
//	%b        the response's size in bytes, head included
//	%T        the time taken, in whole seconds
//	%Tf       the time taken, in seconds with microseconds
//	%D        the time taken, in microseconds
//	%{Name}i  a request header
//	%{Name}o  a response header
//	%%        a literal %
//
// An absent header prints as "-". Lines are written to one io.Writer
// with one Write each; an AccessLogger is safe for use by several loops
// at once (the lines of different loops never interleave).
type AccessLogger struct {
	parts []logPart
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
}

// logPart is one piece of a compiled format: literal text, or a
// directive with its header name.
type logPart struct {
	verb byte // 0 for literal text
	text string
}

// errLogFormat is wrapped by every error NewAccessLogger returns.
var errLogFormat = errors.New("web: bad access log format")

// NewAccessLogger returns a logger writing lines in format to w; an
// empty format means [DefaultAccessLogFormat] and a nil w os.Stderr. An
// unknown directive is an error.
func NewAccessLogger(w io.Writer, format string) (*AccessLogger, error) {
	if format == "" {
		format = DefaultAccessLogFormat
	}
	if w == nil {
		w = os.Stderr
	}
	parts, err := compileLogFormat(format)
	if err != nil {
		return nil, err
	}
	return &AccessLogger{parts: parts, w: w}, nil
}

func compileLogFormat(format string) ([]logPart, error) {
	var parts []logPart
	lit := func(s string) {
		if s != "" {
			parts = append(parts, logPart{text: s})
		}
	}
	for {
		i := strings.IndexByte(format, '%')
		if i < 0 {
			lit(format)
			return parts, nil
		}
		lit(format[:i])
		rest := format[i+1:]
		switch {
		case rest == "":
			return nil, fmt.Errorf("%w: %% at the end", errLogFormat)
		case rest[0] == '%':
			lit("%")
			format = rest[1:]
		case rest[0] == '{':
			end := strings.IndexByte(rest, '}')
			if end < 2 || end+1 >= len(rest) || (rest[end+1] != 'i' && rest[end+1] != 'o') {
				return nil, fmt.Errorf("%w: %%{Name} must be followed by i or o: %q", errLogFormat, "%"+rest)
			}
			parts = append(parts, logPart{verb: rest[end+1], text: rest[1:end]})
			format = rest[end+2:]
		case strings.HasPrefix(rest, "Tf"):
			parts = append(parts, logPart{verb: 'f'})
			format = rest[2:]
		case strings.IndexByte("atPrsbTD", rest[0]) >= 0:
			parts = append(parts, logPart{verb: rest[0]})
			format = rest[1:]
		default:
			return nil, fmt.Errorf("%w: unknown directive %%%c", errLogFormat, rest[0])
		}
	}
}

// accessEntry is what one line describes.
type accessEntry struct {
	remote     string // host:port or a unix path
	start      time.Time
	method     string
	target     string
	minor      int
	status     int
	size       int64
	dur        time.Duration
	reqHeader  func(string) string
	respHeader func(string) string
}

// log formats e and writes the line.
func (l *AccessLogger) log(e *accessEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf[:0]
	for _, p := range l.parts {
		b = p.append(b, e)
	}
	b = append(b, '\n')
	l.buf = b
	l.w.Write(b) // a failing log must not fail the request
}

func (p logPart) append(b []byte, e *accessEntry) []byte {
	switch p.verb {
	case 0:
		return append(b, p.text...)
	case 'a':
		return append(b, remoteIP(e.remote)...)
	case 't':
		return e.start.AppendFormat(append(b, '['), "02/Jan/2006:15:04:05 -0700]")
	case 'P':
		return strconv.AppendInt(b, int64(os.Getpid()), 10)
	case 'r':
		b = append(append(append(b, e.method...), ' '), e.target...)
		return strconv.AppendInt(append(b, " HTTP/1."...), int64(e.minor), 10)
	case 's':
		return strconv.AppendInt(b, int64(e.status), 10)
	case 'b':
		return strconv.AppendInt(b, e.size, 10)
	case 'T':
		return strconv.AppendInt(b, int64(e.dur/time.Second), 10)
	case 'f':
		return strconv.AppendFloat(b, e.dur.Seconds(), 'f', 6, 64)
	case 'D':
		return strconv.AppendInt(b, e.dur.Microseconds(), 10)
	case 'i', 'o':
		get := e.reqHeader
		if p.verb == 'o' {
			get = e.respHeader
		}
		v := ""
		if get != nil {
			v = get(p.text)
		}
		if v == "" {
			v = "-"
		}
		return append(b, v...)
	}
	return b
}

// remoteIP is the address without its port; a unix peer prints as "-".
func remoteIP(addr string) string {
	if addr == "" || addr[0] == '/' || addr[0] == '@' {
		return "-"
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr, "]") {
		addr = addr[:i]
	}
	return strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
}

// Log writes the line for r answered by resp; its signature fits the
// [AccessLog] option:
//
//	logger, _ := web.NewAccessLogger(os.Stdout, "")
//	web.RunApp(app, web.AccessLog(logger.Log))
//
// The time taken runs from when r's head arrived to now.
func (l *AccessLogger) Log(r *Request, resp *Response) {
	e := accessEntry{
		remote:     addrString(r.RemoteAddr()),
		start:      r.Start(),
		method:     r.Method(),
		target:     r.target,
		minor:      r.Version(),
		status:     resp.StatusCode(),
		size:       resp.BytesSent(),
		dur:        time.Since(r.Start()),
		reqHeader:  r.HeaderValue,
		respHeader: resp.Header.Get,
	}
	l.log(&e)
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
