package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// clientExchange is one call of Do: the request as it goes from redirect
// to redirect (the method and body may change), and its deadline.
type clientExchange struct {
	c        *Client
	req      *ClientRequest
	method   string
	u        *url.URL
	origHost string
	tm       ClientTimeout
	deadline time.Duration
	body     clientBody
	op       string // what failed: "connect", "write" or "read"
	dropAuth bool   // a redirect left the original host
	noBody   bool   // a redirect turned the request into a GET
	proxy    *url.URL
	decode   bool // we asked for gzip and deflate: decode them
}

// roundTrip sends the request and reads the response's head into resp,
// on a pooled connection or a new one. A request failing on a pooled
// connection that the server had closed before answering is sent again,
// once, on another, if it is idempotent and its body can be sent again.
func (ex *clientExchange) roundTrip(t *aio.Task, resp *ClientResponse) error {
	if ex.origHost == "" {
		ex.origHost = ex.u.Host
	}
	for attempt := 0; ; attempt++ {
		ex.op = "connect"
		cn, err := ex.c.getConn(t, ex)
		if err != nil {
			return err
		}
		reused := cn.served > 0
		err = ex.exchange(t, cn, resp)
		if err == nil {
			return nil
		}
		resp.conn = nil
		stale := reused && !cn.gotBytes && (cn.eof || cn.lost || ex.op == "write") &&
			!errors.Is(err, aio.ErrCancelled) && !errors.Is(err, aio.ErrTimeout) && !errors.Is(err, ErrClientInvalidHeader)
		cn.abort()
		if attempt > 0 || !stale || !clientIdempotent(ex.method) || !ex.body.replayable() {
			return err
		}
	}
}

// clientIdempotent reports whether a request with method may be sent
// twice (RFC 9110 §9.2.2).
func clientIdempotent(method string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE":
		return true
	}
	return false
}

// exchange sends the request on cn and reads the response's head.
func (ex *clientExchange) exchange(t *aio.Task, cn *clientConn, resp *ClientResponse) error {
	cn.begin(ex)
	ex.op = "write"
	expect := ex.req.ExpectContinue && ex.body.has && !ex.noBody
	if err := ex.writeHead(cn, expect); err != nil {
		return err
	}
	if !expect && !ex.noBody && !ex.bodyInHead() {
		if err := ex.sendBody(t, cn); err != nil {
			return err
		}
	}
	ex.op = "read"
	return ex.readHead(t, cn, resp, expect)
}

// getConn returns a connection for the request: an idle one, or a new
// one when the limits allow, else the first that a waiter's turn brings.
// The connect timeout and the request's deadline bound the wait.
func (c *Client) getConn(t *aio.Task, ex *clientExchange) (*clientConn, error) {
	key, err := ex.key()
	if err != nil {
		return nil, err
	}
	if cn := c.pool.takeIdle(key); cn != nil {
		return cn, nil
	}
	var cn *clientConn
	connect := func(t *aio.Task) error {
		if c.pool.room(c, key) {
			c.pool.reserve(c, key)
		} else {
			got, err := c.pool.wait(c, t, key)
			if err != nil || got != nil {
				cn = got
				return err
			}
		}
		made, err := c.dial(t, ex, key)
		if err != nil {
			if made == nil { // else the connection gave its slot back
				c.pool.unreserve(c, key)
			}
			return err
		}
		cn = made
		return nil
	}
	deadline := min(ex.deadline, c.deadline(ex.tm.Connect))
	if deadline == aio.NoDeadline {
		err = connect(t)
	} else {
		err = aio.TimeoutAt(t, deadline, connect)
	}
	if err != nil && errors.Is(err, aio.ErrTimeout) && !errors.Is(err, ErrClientTimeout) {
		err = fmt.Errorf("%w (connect): %w", ErrClientTimeout, err)
	}
	return cn, err
}

// key names the connections that may carry the request, after asking
// the proxy function.
func (ex *clientExchange) key() (clientKey, error) {
	ex.proxy = nil
	key := clientKey{scheme: ex.u.Scheme, host: ex.u.Host}
	if ex.c.cfg.proxy == nil {
		return key, nil
	}
	p, err := ex.c.cfg.proxy(ex.u)
	if err != nil || p == nil {
		return key, err
	}
	if p.Scheme != "http" || p.Host == "" {
		return key, fmt.Errorf("%w: proxy %s (only http proxies)", ErrClientScheme, p.Redacted())
	}
	ex.proxy = p
	key.proxy = p.Host
	return key, nil
}

// dial connects a new connection for key: to the server, with TLS for
// https, or to the proxy, through a tunnel for https. A connection made
// but failed is returned with the error, its slot already given back.
func (c *Client) dial(t *aio.Task, ex *clientExchange, key clientKey) (*clientConn, error) {
	addr := clientHostPort(ex.u)
	if ex.proxy != nil {
		addr = clientHostPort(ex.proxy)
	}
	opts := slices.Clip(c.cfg.netOpts)
	if d := ex.tm.SockConnect; d > 0 && d != aio.NoTimeout {
		opts = append(opts, aio.ConnectTimeout(d))
	}
	https := ex.u.Scheme == "https"
	if https && ex.proxy == nil {
		opts = append(opts, aio.WithTLS(c.tlsConfig()))
	}
	_, cn, err := aio.CreateConnection(t, func() *clientConn { return newClientConn(c, key) }, "tcp", addr, opts...)
	if err != nil {
		if errors.Is(err, aio.ErrTimeout) {
			err = fmt.Errorf("%w (connect): %w", ErrClientTimeout, err)
		}
		return nil, err
	}
	if https && ex.proxy != nil {
		if err := ex.tunnel(t, cn); err != nil {
			cn.abort() // gives its slot back
			return cn, err
		}
	}
	return cn, nil
}

// writeHead writes the request's head, and a body of bytes with it
// unless it waits for "100 Continue".
func (ex *clientExchange) writeHead(cn *clientConn, expect bool) error {
	w := &cn.w
	w.Reset()
	u := ex.u
	if ex.proxy != nil && u.Scheme == "http" {
		w.RequestLine(ex.method, u.Scheme+"://"+u.Host+ex.req.requestTarget(u))
	} else {
		w.RequestLine(ex.method, ex.req.requestTarget(u))
	}
	host := u.Host
	if h := ex.req.Header.Get("Host"); h != "" {
		host = h
	}
	w.Header("Host", host)
	ex.writeFields(w, ex.req.Header, nil)
	ex.writeFields(w, ex.c.cfg.header, ex.req.Header)
	ex.writeDefaults(w)
	b := &ex.body
	switch {
	case ex.noBody || !b.has:
		if ex.method == "POST" || ex.method == "PUT" || ex.method == "PATCH" {
			w.ContentLength(0)
		}
	case b.isStream() && b.length < 0:
		w.Chunked()
	case b.isStream():
		w.ContentLength(b.length)
	default:
		w.ContentLength(int64(len(b.data)))
	}
	if expect {
		w.Header("Expect", "100-continue")
	}
	w.EndHead()
	if !expect && !ex.noBody && ex.bodyInHead() {
		w.Body(b.data)
		w.End(nil)
	}
	bufs, err := w.Buffers()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrClientInvalidHeader, err)
	}
	return cn.tr.Writelines(bufs)
}

// writeFields writes the fields of h that the client does not set
// itself, and, for default headers, that the request does not override.
func (ex *clientExchange) writeFields(w *http1.Writer, h, over http.Header) {
	for name, values := range h {
		if clientOwnHeader(name) || over != nil && len(over[name]) > 0 ||
			ex.noBody && name == "Content-Type" ||
			ex.dropAuth && name == "Authorization" {
			continue
		}
		for _, v := range values {
			w.Header(name, v)
		}
	}
}

// clientOwnHeader reports the fields the client writes itself (Cookie
// merged with the jar's, see writeCookies).
func clientOwnHeader(name string) bool {
	switch name {
	case "Host", "Content-Length", "Transfer-Encoding", "Expect", "Cookie":
		return true
	}
	return false
}

// has reports whether the request or the default headers set name.
func (ex *clientExchange) has(name string) bool {
	return len(ex.req.Header[name]) > 0 || len(ex.c.cfg.header[name]) > 0
}

// writeDefaults writes the fields the request gets unless it set them:
// User-Agent, Accept, Accept-Encoding (then the client decodes) and
// authorization; then the cookies.
func (ex *clientExchange) writeDefaults(w *http1.Writer) {
	if !ex.has("User-Agent") {
		w.Header("User-Agent", "aio-go/web")
	}
	if !ex.has("Accept") {
		w.Header("Accept", "*/*")
	}
	ex.decode = !ex.has("Accept-Encoding")
	if ex.decode {
		w.Header("Accept-Encoding", "gzip, deflate")
	}
	if !ex.dropAuth && !ex.has("Authorization") {
		switch {
		case ex.u.User != nil:
			pass, _ := ex.u.User.Password()
			w.Header("Authorization", clientBasic(ex.u.User.Username(), pass))
		case ex.c.cfg.auth:
			w.Header("Authorization", clientBasic(ex.c.cfg.user, ex.c.cfg.pass))
		}
	}
	if ex.u.Scheme == "http" {
		ex.proxyAuth(w)
	}
	ex.writeCookies(w)
}

// proxyAuth writes Proxy-Authorization from the proxy URL's user
// information, if any.
func (ex *clientExchange) proxyAuth(w *http1.Writer) {
	if p := ex.proxy; p != nil && p.User != nil {
		pass, _ := p.User.Password()
		w.Header("Proxy-Authorization", clientBasic(p.User.Username(), pass))
	}
}

func clientBasic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// writeStream sends a stream body: chunked, or with the Content-Length
// it was given (and then exactly that many bytes), waiting for the
// transport to drain between pieces.
func (ex *clientExchange) writeStream(t *aio.Task, cn *clientConn) error {
	b := &ex.body
	if cn.scratch == nil {
		cn.scratch = make([]byte, clientStreamChunk)
	}
	var sent int64
	for {
		n, err := b.read(t, cn.scratch)
		if n > 0 {
			sent += int64(n)
			if b.length >= 0 && sent > b.length {
				return fmt.Errorf("web: request body longer than its length %d", b.length)
			}
			if werr := cn.writeChunk(cn.scratch[:n], b.length < 0); werr != nil {
				return werr
			}
			if derr := cn.drain(t); derr != nil {
				return derr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("web: reading the request body: %w", err)
		}
	}
	if b.length >= 0 && sent != b.length {
		return fmt.Errorf("web: request body of %d bytes, not its length %d", sent, b.length)
	}
	if b.length < 0 {
		return cn.tr.Write([]byte("0\r\n\r\n"))
	}
	return nil
}

// writeChunk sends p, framed as a chunk if chunked.
func (cn *clientConn) writeChunk(p []byte, chunked bool) error {
	if !chunked {
		return cn.tr.Write(p)
	}
	var size [20]byte
	line := append(strconv.AppendInt(size[:0], int64(len(p)), 16), '\r', '\n')
	return cn.tr.Writelines([][]byte{line, p, []byte("\r\n")})
}

// sendBody sends the body held back for "100 Continue".
func (ex *clientExchange) sendBody(t *aio.Task, cn *clientConn) error {
	if ex.body.isStream() {
		return ex.writeStream(t, cn)
	}
	for data := ex.body.data; len(data) > 0; {
		n := min(len(data), clientStreamChunk)
		if err := cn.tr.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
		if err := cn.drain(t); err != nil {
			return err
		}
	}
	return nil
}

// clientBodyInHead is the largest body of bytes sent with the head, in
// one write; a larger one is sent in pieces as the transport drains, so
// that its write buffer never holds a copy of all of it.
const clientBodyInHead = 64 << 10

// bodyInHead reports whether the body goes out with the head: bytes, and
// not too many.
func (ex *clientExchange) bodyInHead() bool {
	b := &ex.body
	return !b.has || !b.isStream() && len(b.data) <= clientBodyInHead
}

// readHead reads up to the final response's head, skipping
// informational responses; a "100 Continue" (or the wait for it running
// out) sends a body held back.
func (ex *clientExchange) readHead(t *aio.Task, cn *clientConn, resp *ClientResponse, expect bool) error {
	until := aio.NoDeadline
	if expect {
		until = cn.c.loop.Time() + DefaultClientContinueTimeout
	}
	for {
		ev, err := cn.next(t, until)
		if err == clientErrContinue || err == nil && expect && ev == http1.EventHead && cn.parser.Response().Status == 100 {
			expect, until = false, aio.NoDeadline
			ex.op = "write"
			if err := ex.sendBody(t, cn); err != nil {
				return err
			}
			ex.op = "read"
			continue
		}
		if err != nil {
			return err
		}
		if ev != http1.EventHead {
			continue // the end of an informational response
		}
		h := cn.parser.Response()
		if h.Status/100 == 1 && h.Status != 101 {
			continue
		}
		if expect || h.Upgrade {
			cn.broken = true // a body unsent, or another protocol: no reuse
		}
		resp.setHead(ex, cn, h)
		return resp.bodiless()
	}
}

// redirect returns where resp redirects the request, if it is to be
// followed: a 301, 302, 303, 307 or 308 with a Location to http(s), and
// for 307 and 308 a body that can be sent again.
func (ex *clientExchange) redirect(resp *ClientResponse) (*url.URL, bool) {
	switch resp.StatusCode {
	case 301, 302, 303, 307, 308:
	default:
		return nil, false
	}
	loc := resp.HeaderValue("Location")
	if loc == nil {
		return nil, false
	}
	next, err := ex.u.Parse(string(loc))
	if err != nil || next.Scheme != "http" && next.Scheme != "https" {
		return nil, false
	}
	keep := resp.StatusCode == 307 || resp.StatusCode == 308
	if keep && ex.body.has && !ex.noBody && !ex.body.replayable() {
		return nil, false
	}
	return next, true
}

// follow turns the request into the one the redirect asks for: a 303
// (but for HEAD), and a 301 or 302 to a POST, become a GET without body;
// 307 and 308 keep the method and body. Leaving the original host drops
// the Authorization and Cookie headers the request carried.
func (ex *clientExchange) follow(next *url.URL, status int) {
	if status == 303 && ex.method != "HEAD" || (status == 301 || status == 302) && ex.method == "POST" {
		ex.method, ex.noBody = "GET", true
	}
	ex.dropAuth = !strings.EqualFold(next.Host, ex.origHost)
	if next.User == nil && ex.u.User != nil && !ex.dropAuth {
		next.User = ex.u.User
	}
	ex.u = next
}
