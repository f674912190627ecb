package web

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// Client is an HTTP/1.1 client session with a connection pool
// (aiohttp's ClientSession with its TCPConnector). It keeps connections
// alive and reuses them, at most [ClientLimit] open at once in total and
// per host (callers wait for a free connection in FIFO order; a cancelled
// waiter leaves the queue), closes those idle for [ClientIdleTimeout],
// and retries an idempotent request once on a fresh connection when the
// server had closed the pooled one it was sent on.
//
// Requests carry any method, headers, query parameters and a body from
// bytes, an [io.Reader], an [aio.StreamReader], a [ClientBodyReader], JSON,
// a form or multipart ([ClientRequest]). Responses ([ClientResponse]) are
// read as bytes, text, JSON or incrementally; gzip and deflate are decoded
// transparently. Redirects are followed ([ClientMaxRedirects]), and
// [ClientTimeout] bounds the whole request, the connect and each read; a
// timeout or a cancellation aborts the request and frees its connection.
//
// Like aiohttp's session, a Client keeps cookies: the Set-Cookie fields
// of every response, redirects included, go into its cookie jar, and the
// jar's cookies for a URL are sent with each request to it. The jar is
// its own one from net/http/cookiejar unless [ClientCookieJar] gives
// another or turns cookies off; [Client.CookieJar] reaches it.
//
// A Client belongs to the loop of the first task that uses it: its
// methods are called from tasks of that loop only (another loop's task
// gets [ErrClientLoop]). Responses are parsed strictly (RFC 9112): a
// malformed or oversized response is an error matching
// [ErrClientBadResponse]. HTTPS is TLS over the same connections
// ([aio.WithTLS]; [ClientTLSConfig] configures it), through an HTTP
// proxy's CONNECT tunnel when [ClientProxy] names one.
//
// A Client must be closed with [Client.Close] when no longer needed.
type Client struct {
	cfg    clientConfig
	loop   *aio.Loop
	closed bool
	pool   clientPool
	timers clientTimers
}

// ClientTimeout bounds the phases of a request (aiohttp's ClientTimeout).
// A zero field sets no limit (aiohttp's None), as does [aio.NoTimeout].
// Timeouts run on the loop's clock, so the virtual clock drives them in
// tests. Above 5 s a deadline is rounded up to the next whole second of
// the loop's clock, as aiohttp's timeout_ceil_threshold does, so that
// requests in a row share one timer.
type ClientTimeout struct {
	// Total bounds the whole request: getting a connection, sending,
	// redirects, and reading the body, up to its last byte.
	Total time.Duration
	// Connect bounds getting a connection: the wait for a free one in
	// the pool and the connect.
	Connect time.Duration
	// SockConnect bounds one connect to the server (or proxy).
	SockConnect time.Duration
	// SockRead bounds each wait for bytes from the server.
	SockRead time.Duration
}

// Defaults of the client's options.
const (
	// DefaultClientTotalTimeout and DefaultClientSockConnectTimeout are
	// the timeouts of a client made without [ClientTimeouts]: aiohttp's
	// default ClientTimeout(total=300, sock_connect=30).
	DefaultClientTotalTimeout       = 5 * time.Minute
	DefaultClientSockConnectTimeout = 30 * time.Second

	DefaultClientLimit        = 100              // aiohttp's TCPConnector limit
	DefaultClientIdleTimeout  = 15 * time.Second // aiohttp's keepalive_timeout
	DefaultClientMaxRedirects = 10
	DefaultClientMaxBodySize  = 64 << 20
	// DefaultClientContinueTimeout is how long a request with
	// ExpectContinue waits for "100 Continue" before it sends its body
	// anyway (net/http's ExpectContinueTimeout is usually 1 s).
	DefaultClientContinueTimeout = time.Second
)

// ClientOption configures a [Client] (see [NewClient]).
type ClientOption func(*clientConfig)

type clientConfig struct {
	base         *url.URL
	header       http.Header
	user, pass   string
	auth         bool
	timeout      ClientTimeout
	limit        int
	perHost      int
	idle         time.Duration
	maxRedirects int
	jar          http.CookieJar
	jarSet       bool // ClientCookieJar was given, maybe with nil
	raise        bool
	proxy        func(*url.URL) (*url.URL, error)
	maxBody      int64
	netOpts      []aio.NetOption
	parser       http1.Config
	tls          *tls.Config
}

// ClientBaseURL makes relative request URLs relative to base (aiohttp's
// base_url), which must be absolute.
func ClientBaseURL(base *url.URL) ClientOption { return func(c *clientConfig) { c.base = base } }

// ClientHeaders sets headers sent with every request unless the request
// sets the same header (aiohttp's headers=).
func ClientHeaders(h http.Header) ClientOption { return func(c *clientConfig) { c.header = h } }

// ClientBasicAuth sends HTTP basic authentication with every request that
// has no Authorization header of its own (aiohttp's auth=BasicAuth).
// A URL's user information takes precedence.
func ClientBasicAuth(user, password string) ClientOption {
	return func(c *clientConfig) { c.user, c.pass, c.auth = user, password, true }
}

// ClientTimeouts sets the client's timeouts (aiohttp's timeout=); a
// request may override them with [ClientRequest.Timeout].
func ClientTimeouts(t ClientTimeout) ClientOption { return func(c *clientConfig) { c.timeout = t } }

// ClientLimit bounds the connections open at once: total in all (default
// 100) and perHost to one scheme and host:port (default no limit); 0
// means no limit (aiohttp's TCPConnector(limit, limit_per_host)). Idle
// connections count; one of another host is closed to make room for a
// waiting request.
func ClientLimit(total, perHost int) ClientOption {
	return func(c *clientConfig) { c.limit, c.perHost = max(total, 0), max(perHost, 0) }
}

// ClientIdleTimeout sets how long a connection stays idle in the pool
// before it is closed (aiohttp's keepalive_timeout, default 15 s); 0 or
// less disables keep-alive: every connection closes after its response.
func ClientIdleTimeout(d time.Duration) ClientOption { return func(c *clientConfig) { c.idle = d } }

// ClientMaxRedirects sets how many redirects a request follows (default
// 10); 0 follows none, and the redirect response is returned as it is.
func ClientMaxRedirects(n int) ClientOption {
	return func(c *clientConfig) { c.maxRedirects = max(n, 0) }
}

// ClientCookieJar makes the client keep its cookies in jar instead of a
// jar of its own: the Set-Cookie fields of every response are stored in
// it and its cookies for a URL are sent with every request to that URL.
// A nil jar turns cookies off (aiohttp's DummyCookieJar): none is stored
// and only the Cookie header a request sets itself is sent.
//
// The client's own jar, its default, is net/http/cookiejar's without a
// public suffix list, as aiohttp's default jar: a cookie is kept for the
// host that set it, and with a Domain attribute for that domain and its
// subdomains, whatever the domain is. A cookie with Domain=.co.uk set by
// www.example.co.uk is thus sent to every host under co.uk. Where hosts
// must not share cookies that way, give the client a jar that knows the
// public suffixes:
//
//	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
//	c := web.NewClient(web.ClientCookieJar(jar))
//
// with the list of golang.org/x/net/publicsuffix. Unlike aiohttp's
// default jar (unsafe=False), it keeps cookies set by a host named by an
// IP address, such as 127.0.0.1, for that address.
func ClientCookieJar(jar http.CookieJar) ClientOption {
	return func(c *clientConfig) { c.jar, c.jarSet = jar, true }
}

// ClientRaiseForStatus makes a response with a status of 400 or more an
// error (aiohttp's raise_for_status=True): the request returns a
// *[ClientStatusError] and the response is closed.
func ClientRaiseForStatus(on bool) ClientOption { return func(c *clientConfig) { c.raise = on } }

// ClientProxy sends requests through the HTTP proxy that proxy returns
// for a request's URL (nil for a direct connection), as
// [http.ProxyFromEnvironment] does for net/http. A request for an http
// URL goes to the proxy in absolute form; one for an https URL goes
// through a tunnel the proxy opens (CONNECT), with TLS to the server
// inside it, kept for the requests that follow. The proxy URL's user
// information becomes Proxy-Authorization.
func ClientProxy(proxy func(*url.URL) (*url.URL, error)) ClientOption {
	return func(c *clientConfig) { c.proxy = proxy }
}

// ClientMaxBodySize bounds a body read whole ([ClientResponse.Bytes],
// Text and JSON; default 64 MiB, after decoding): past it they return
// [ErrClientBodyTooLarge]. Incremental reads have no limit.
func ClientMaxBodySize(n int64) ClientOption { return func(c *clientConfig) { c.maxBody = n } }

// ClientNetOptions passes options to every connect ([aio.CreateConnection]),
// such as [aio.LocalAddr] or [aio.HappyEyeballsDelay].
func ClientNetOptions(opts ...aio.NetOption) ClientOption {
	return func(c *clientConfig) { c.netOpts = append(c.netOpts, opts...) }
}

// ClientMaxHeaderBytes bounds a response's header section (default 32
// KiB); a larger one is refused with [ErrClientBadResponse].
func ClientMaxHeaderBytes(n int) ClientOption {
	return func(c *clientConfig) { c.parser.MaxHeaderBytes = n }
}

// NewClient returns a client with the options applied. It does no IO;
// the client binds to a loop at its first request.
func NewClient(opts ...ClientOption) *Client {
	c := &Client{cfg: clientConfig{
		timeout:      ClientTimeout{Total: DefaultClientTotalTimeout, SockConnect: DefaultClientSockConnectTimeout},
		limit:        DefaultClientLimit,
		idle:         DefaultClientIdleTimeout,
		maxRedirects: DefaultClientMaxRedirects,
		maxBody:      DefaultClientMaxBodySize,
	}}
	for _, o := range opts {
		o(&c.cfg)
	}
	if !c.cfg.jarSet {
		c.cfg.jar = newClientJar()
	}
	c.pool.init()
	c.timers.c = c
	return c
}

// Close closes the client's connections and stops it (aiohttp's
// session.close()): requests waiting for a connection and later ones
// fail with [ErrClientClosed], and a request or a body read in progress
// fails as its connection closes. Call it from the client's loop (or
// before it ever ran); closing twice does nothing.
func (c *Client) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.pool.closeAll(c)
	c.timers.stop()
	return nil
}

// CookieJar returns the client's cookie jar (aiohttp's
// session.cookie_jar): its own one, the one [ClientCookieJar] gave, or
// nil when cookies are off. Its Cookies method shows what would be sent
// to a URL; a cookie is removed by storing one of the same name, domain
// and path with MaxAge -1. CookieJar may be called from any goroutine,
// and so may the methods of the jar of a client made without
// [ClientCookieJar].
func (c *Client) CookieJar() http.CookieJar { return c.cfg.jar }

// bind ties the client to t's loop at its first use.
func (c *Client) bind(t *aio.Task) error {
	switch l := t.Loop(); {
	case c.closed:
		return ErrClientClosed
	case c.loop == nil:
		c.loop = l
	case c.loop != l:
		return ErrClientLoop
	}
	return nil
}

// Get requests url with GET (aiohttp's session.get). The response's body
// must be read to its end or closed (see [ClientResponse]).
//
// Cancellation: the request is aborted, its connection closed, and Get
// returns a *[ClientError] matching [aio.ErrCancelled].
func (c *Client) Get(t *aio.Task, url string) (*ClientResponse, error) {
	return c.request(t, http.MethodGet, url, nil)
}

// Head requests url with HEAD; the response has no body.
//
// Cancellation: as for [Client.Get].
func (c *Client) Head(t *aio.Task, url string) (*ClientResponse, error) {
	return c.request(t, http.MethodHead, url, nil)
}

// Post sends body to url with POST and the given Content-Type.
//
// Cancellation: as for [Client.Get].
func (c *Client) Post(t *aio.Task, url, contentType string, body []byte) (*ClientResponse, error) {
	return c.withBody(t, http.MethodPost, url, contentType, body)
}

// Put sends body to url with PUT and the given Content-Type.
//
// Cancellation: as for [Client.Get].
func (c *Client) Put(t *aio.Task, url, contentType string, body []byte) (*ClientResponse, error) {
	return c.withBody(t, http.MethodPut, url, contentType, body)
}

// Patch sends body to url with PATCH and the given Content-Type.
//
// Cancellation: as for [Client.Get].
func (c *Client) Patch(t *aio.Task, url, contentType string, body []byte) (*ClientResponse, error) {
	return c.withBody(t, http.MethodPatch, url, contentType, body)
}

// Delete requests url with DELETE.
//
// Cancellation: as for [Client.Get].
func (c *Client) Delete(t *aio.Task, url string) (*ClientResponse, error) {
	return c.request(t, http.MethodDelete, url, nil)
}

// Options requests url with OPTIONS.
//
// Cancellation: as for [Client.Get].
func (c *Client) Options(t *aio.Task, url string) (*ClientResponse, error) {
	return c.request(t, http.MethodOptions, url, nil)
}

func (c *Client) withBody(t *aio.Task, method, url, contentType string, body []byte) (*ClientResponse, error) {
	return c.request(t, method, url, func(r *ClientRequest) error {
		r.SetBody(body)
		r.Header.Set("Content-Type", contentType)
		return nil
	})
}

// PostJSON sends v encoded as JSON to url with POST (aiohttp's
// session.post(url, json=v)).
//
// Cancellation: as for [Client.Get].
func (c *Client) PostJSON(t *aio.Task, url string, v any) (*ClientResponse, error) {
	return c.request(t, http.MethodPost, url, func(r *ClientRequest) error { return r.SetJSON(v) })
}

// PostForm sends form URL-encoded to url with POST (aiohttp's
// session.post(url, data=dict)).
//
// Cancellation: as for [Client.Get].
func (c *Client) PostForm(t *aio.Task, url string, form url.Values) (*ClientResponse, error) {
	return c.request(t, http.MethodPost, url, func(r *ClientRequest) error {
		r.SetForm(form)
		return nil
	})
}

func (c *Client) request(t *aio.Task, method, rawURL string, set func(*ClientRequest) error) (*ClientResponse, error) {
	req, err := NewClientRequest(method, rawURL)
	if err == nil && set != nil {
		err = set(req)
	}
	if err != nil {
		return nil, clientErr("request", method, nil, err)
	}
	return c.Do(t, req)
}

// Do sends req and returns the response once its head has come,
// following redirects (aiohttp's session.request). The response's body
// must be read to its end or closed (see [ClientResponse]). The error is
// a *[ClientError].
//
// Cancellation: the request is aborted, its connection closed, and Do
// returns a *[ClientError] matching [aio.ErrCancelled].
func (c *Client) Do(t *aio.Task, req *ClientRequest) (*ClientResponse, error) {
	resp := new(ClientResponse)
	if err := c.DoInto(t, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// DoInto is [Client.Do] into a response the caller provides, which it may
// reuse for request after request: with a reused request and response,
// and the body read into the caller's buffer with [ClientResponse.Read],
// a request on a pooled connection allocates nothing. A response that
// still holds a connection is closed first.
//
// Cancellation: as for [Client.Do].
func (c *Client) DoInto(t *aio.Task, req *ClientRequest, resp *ClientResponse) error {
	resp.reset()
	method := req.method()
	if err := c.bind(t); err != nil {
		return clientErr("request", method, req.URL, err)
	}
	u, err := c.resolve(req.URL)
	if err != nil {
		return clientErr("request", method, req.URL, err)
	}
	tm := req.timeouts(c)
	// The exchange lives in the response, which the caller may reuse:
	// no allocation for it.
	ex := &resp.ex
	*ex = clientExchange{c: c, req: req, method: method, u: u, tm: tm, deadline: c.deadline(tm.Total), body: req.body}
	for redirects := 0; ; redirects++ {
		if err := ex.roundTrip(t, resp); err != nil {
			return clientErr(ex.op, ex.method, ex.u, err)
		}
		c.storeCookies(ex.u, resp)
		next, ok := ex.redirect(resp)
		if !ok || c.cfg.maxRedirects == 0 {
			break
		}
		if redirects == c.cfg.maxRedirects {
			resp.Close()
			return clientErr("redirect", ex.method, ex.u, ErrClientTooManyRedirects)
		}
		if err := resp.discard(t); err != nil {
			return clientErr("read", ex.method, ex.u, err)
		}
		ex.follow(next, resp.StatusCode)
		resp.reset()
	}
	if c.cfg.raise {
		if err := resp.RaiseForStatus(); err != nil {
			return err
		}
	}
	return nil
}

// resolve makes u absolute against the base URL and checks it.
func (c *Client) resolve(u *url.URL) (*url.URL, error) {
	if u == nil {
		return nil, ErrClientScheme
	}
	if !u.IsAbs() && c.cfg.base != nil {
		u = c.cfg.base.ResolveReference(u)
	}
	if u.Host == "" {
		return nil, ErrClientScheme
	}
	switch u.Scheme {
	case "http":
		return u, nil
	case "https":
		return u, nil
	}
	return nil, ErrClientScheme
}

// deadline is the loop time d from now, aio.NoDeadline for no limit.
// Above 5 s it is rounded up to a whole second (see [ClientTimeout]).
func (c *Client) deadline(d time.Duration) time.Duration {
	if d <= 0 || d == aio.NoTimeout {
		return aio.NoDeadline
	}
	when := c.loop.Time() + d
	if d > 5*time.Second {
		when = (when + time.Second - 1).Truncate(time.Second)
	}
	return when
}
