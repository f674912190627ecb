package web

import (
	"crypto/tls"
	"io"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// An Option configures a server: [Serve], [NewRunner] and [RunApp].
type Option func(*config)

type config struct {
	app             *App
	network, addr   string
	loops           int
	idleTimeout     time.Duration
	headerTimeout   time.Duration
	bodyTimeout     time.Duration
	shutdownTimeout time.Duration
	parser          http1.Config
	accessLog       func(r *Request, resp *Response)
	loopOpts        []aio.Option
	netOpts         []aio.NetOption
	tls             bool // TLS was given a config: the banner says https
	out             io.Writer
	outSet          bool
}

// Defaults of the options.
const (
	DefaultIdleTimeout     = 75 * time.Second // aiohttp's keepalive_timeout
	DefaultHeaderTimeout   = 30 * time.Second
	DefaultBodyTimeout     = 60 * time.Second
	DefaultShutdownTimeout = 60 * time.Second // aiohttp's shutdown_timeout
	DefaultMaxBodySize     = 1 << 20          // aiohttp's client_max_size
)

func newConfig(app *App, opts []Option) *config {
	c := &config{
		app: app, network: "tcp", addr: "127.0.0.1:8080",
		idleTimeout:     DefaultIdleTimeout,
		headerTimeout:   DefaultHeaderTimeout,
		bodyTimeout:     DefaultBodyTimeout,
		shutdownTimeout: DefaultShutdownTimeout,
		parser:          http1.Config{MaxBodySize: DefaultMaxBodySize},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Addr sets the address to listen on, "host:port" (default
// "127.0.0.1:8080"; port 0 picks a free port), or a socket's path with
// [Network]("unix").
func Addr(address string) Option { return func(c *config) { c.addr = address } }

// Network sets the network: "tcp" (the default), "tcp4", "tcp6" or
// "unix".
func Network(network string) Option { return func(c *config) { c.network = network } }

// Loops sets how many loops a [Runner] serves on, each with its own
// SO_REUSEPORT listener (0, the default, is one per core).
func Loops(n int) Option { return func(c *config) { c.loops = n } }

// IdleTimeout closes a keep-alive connection that has not begun another
// request within d (default [DefaultIdleTimeout]). Timeouts are checked
// by one sweep per loop a few times per timeout, never per request, so a
// connection closes between d and d plus half of it.
func IdleTimeout(d time.Duration) Option { return func(c *config) { c.idleTimeout = d } }

// HeaderTimeout closes a connection whose request head has not fully
// arrived within d of its first byte (slowloris; default
// [DefaultHeaderTimeout]).
func HeaderTimeout(d time.Duration) Option { return func(c *config) { c.headerTimeout = d } }

// BodyTimeout makes a body read fail with [ErrBodyTimeout] when the
// client sends nothing for d while the handler waits (default
// [DefaultBodyTimeout]).
func BodyTimeout(d time.Duration) Option { return func(c *config) { c.bodyTimeout = d } }

// ShutdownTimeout bounds how long a graceful shutdown waits for the
// requests in flight (default [DefaultShutdownTimeout]).
func ShutdownTimeout(d time.Duration) Option { return func(c *config) { c.shutdownTimeout = d } }

// MaxBodySize bounds a request body (default [DefaultMaxBodySize]): a
// longer one is answered 413 and the connection closed. n <= 0 means no
// limit.
func MaxBodySize(n int64) Option {
	return func(c *config) { c.parser.MaxBodySize = max(n, 0) }
}

// AccessLog calls fn after each response is written, on the loop's
// goroutine, with the request (whose [Request.Start] is then set) and the
// response (status, [Response.BytesSent]). Both are valid only during
// the call. The calls are in the order the responses are complete: a
// pipelined request whose handler ends before an earlier one's is logged
// first, though its response is sent after.
func AccessLog(fn func(r *Request, resp *Response)) Option {
	return func(c *config) { c.accessLog = fn }
}

// LoopOptions passes options to each loop a [Runner] makes.
func LoopOptions(opts ...aio.Option) Option {
	return func(c *config) { c.loopOpts = append(c.loopOpts, opts...) }
}

// TLS serves HTTPS with cfg (aiohttp's run_app(ssl_context=...)): each
// connection's handshake runs before its first request, and handlers
// see [Request] as over plain TCP. It is [NetOptions]([aio.WithTLS](cfg));
// add [aio.TLSHandshakeTimeout] with NetOptions to bound the handshake.
// cfg must not change once serving; its callbacks run on the loops. A
// nil cfg serves plain HTTP.
func TLS(cfg *tls.Config) Option {
	return func(c *config) {
		c.netOpts = append(c.netOpts, aio.WithTLS(cfg))
		c.tls = cfg != nil
	}
}

// NetOptions passes options to the listening server ([aio.CreateServer]
// for [Serve], [aio.ServeMultiLoop] for a [Runner]): [aio.WithTLS],
// [aio.TLSHandshakeTimeout], [aio.Backlog], ... A Runner sets the
// listener's SO_REUSEPORT itself.
func NetOptions(opts ...aio.NetOption) Option {
	return func(c *config) { c.netOpts = append(c.netOpts, opts...) }
}

// PrintTo makes [RunApp] write its banner (the URL it serves) to w
// (default os.Stdout; nil for none).
func PrintTo(w io.Writer) Option { return func(c *config) { c.out, c.outSet = w, true } }

// Serve serves app on t's loop at the configured address (see [Addr],
// [Network]) until the returned server is closed: the embedding form,
// for a program that runs its own loop (aiohttp's AppRunner with a
// TCPSite). Startup and cleanup hooks are the caller's to run. For a
// graceful stop call [aio.Server.Shutdown]: connections finish the
// request in flight, then close.
//
// Cancellation: Serve suspends only to resolve a host name; see
// [aio.CreateServer].
func Serve(t *aio.Task, app *App, opts ...Option) (*aio.Server, error) {
	if err := app.freeze(); err != nil {
		return nil, err
	}
	cfg := newConfig(app, opts)
	ls := newLoopState(t.Loop(), cfg)
	return aio.CreateServer(t, ls.newConn, cfg.network, cfg.addr, cfg.netOpts...)
}

// loopState is what the connections of one loop share: the Date cache,
// the response writer, the pool of exchanges and the deadline sweep. It
// is used on its loop's goroutine only, with no lock.
type loopState struct {
	cfg     *config
	loop    *aio.Loop
	date    http1.Date
	w       http1.Writer
	head    headMemo    // the last response head w made (headmemo.go)
	conns   []*conn     // every open connection, for the sweep
	free    []*exchange // idle exchanges for connections with work
	now     time.Duration
	every   time.Duration // the sweep's period
	ticking bool
	sweepFn func()

	// exchanges counts those taken and not given back: 0 once every
	// connection is idle or closed and its handlers have returned.
	exchanges int
}

// maxFreeExchanges bounds the exchanges a loop keeps for reuse.
const maxFreeExchanges = 4096

func newLoopState(l *aio.Loop, cfg *config) *loopState {
	ls := &loopState{cfg: cfg, loop: l, every: time.Second}
	for _, d := range []time.Duration{cfg.idleTimeout, cfg.headerTimeout, cfg.bodyTimeout} {
		if d > 0 {
			ls.every = min(ls.every, max(d/4, time.Millisecond))
		}
	}
	ls.sweepFn = ls.sweep
	return ls
}

func (ls *loopState) newConn() *conn { return &conn{ls: ls} }

// add registers a new connection, starting the sweep if it is the first.
func (ls *loopState) add(c *conn) {
	c.idx = len(ls.conns)
	ls.conns = append(ls.conns, c)
	if !ls.ticking {
		ls.ticking = true
		ls.now = ls.loop.Time()
		ls.updateDate(time.Now())
		ls.loop.CallLater(ls.every, ls.sweepFn)
	}
	c.since = ls.now
}

// updateDate refreshes the Date cache; a new Date makes the head memo
// stale.
func (ls *loopState) updateDate(now time.Time) {
	if ls.date.Update(now) {
		ls.head.forget()
	}
}

// remove forgets a closed connection.
func (ls *loopState) remove(c *conn) {
	last := len(ls.conns) - 1
	if c.idx < 0 || c.idx > last || ls.conns[c.idx] != c {
		return
	}
	ls.conns[c.idx] = ls.conns[last]
	ls.conns[c.idx].idx = c.idx
	ls.conns[last] = nil
	ls.conns = ls.conns[:last]
	c.idx = -1
}

// sweep runs every ls.every while the loop has connections: it refreshes
// the coarse clock and the Date header and ends the connections past
// their deadline. One pass over the connections replaces a timer per
// connection: no heap operation per request.
func (ls *loopState) sweep() {
	ls.now = ls.loop.Time()
	ls.updateDate(time.Now())
	for i := len(ls.conns) - 1; i >= 0; i-- {
		if i < len(ls.conns) {
			ls.conns[i].checkDeadline(ls.now)
		}
	}
	if len(ls.conns) == 0 {
		ls.ticking = false
		return
	}
	ls.loop.CallLater(ls.every, ls.sweepFn)
}

// expired reports whether a phase begun at since has outlasted d, by the
// coarse clock: since may be up to one sweep period early, so that much
// is added.
func (ls *loopState) expired(since time.Duration, d time.Duration) bool {
	return d > 0 && ls.now-since > d+ls.every
}

func (ls *loopState) getExchange(c *conn) *exchange {
	var ex *exchange
	if n := len(ls.free); n > 0 {
		ex = ls.free[n-1]
		ls.free[n-1] = nil
		ls.free = ls.free[:n-1]
	} else {
		ex = &exchange{}
		ex.run = ex.serve
		ex.p.Init(http1.Requests, ls.cfg.parser)
	}
	ex.c = c
	ls.exchanges++
	return ex
}

// maxKeptInput bounds the input buffer an idle exchange keeps.
const maxKeptInput = 64 << 10

func (ls *loopState) putExchange(ex *exchange) {
	ls.exchanges--
	ex.p.Reset()
	ex.c, ex.next, ex.task, ex.stream = nil, nil, nil, nil
	ex.in, ex.off, ex.borrow, ex.borrowing = ex.in[:0], 0, nil, false
	if cap(ex.in) > maxKeptInput {
		ex.in = nil
	}
	ex.pending = ex.pending[:0]
	if cap(ex.pending) > maxKeptInput {
		ex.pending = nil
	}
	ex.running, ex.ended, ex.last, ex.linger, ex.orphan = false, false, false, false, false
	ex.bodyDone, ex.bodyErr, ex.continued = false, nil, false
	ex.wake.Clear()
	ex.writeWake.Clear()
	if len(ls.free) < maxFreeExchanges {
		ls.free = append(ls.free, ex)
	}
}
