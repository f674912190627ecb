package aio

import (
	"time"

	"golang.org/x/sys/unix"
)

// NetOption configures [CreateServer], [CreateConnection],
// [CreateDatagramEndpoint] and [ServeMultiLoop]; each option says which of
// them it applies to, and the others ignore it.
type NetOption func(*netConfig)

type netConfig struct {
	backlog        int
	reuseAddr      bool
	reusePort      bool
	startServing   bool
	keepAlive      bool
	connectTimeout time.Duration
	localAddr      string
	eyeballsDelay  time.Duration
	broadcast      bool
	loops          int
	lockOSThread   bool
	loopOpts       []Option
	perLoop        func(*Loop) func() Protocol // ServeMultiLoopPerLoop
	tls            tlsOptions                  // WithTLS and the TLS options (tls.go)
}

func newNetConfig(opts []NetOption) netConfig {
	c := netConfig{backlog: unix.SOMAXCONN, reuseAddr: true, startServing: true, connectTimeout: NoTimeout}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Backlog sets the listen queue length of a server (asyncio's backlog
// parameter, 100 there). The default is SOMAXCONN; the kernel caps it at
// net.core.somaxconn.
func Backlog(n int) NetOption { return func(c *netConfig) { c.backlog = n } }

// ReuseAddress sets SO_REUSEADDR on a server's or datagram endpoint's
// socket (on by default for servers, as asyncio does on Unix).
func ReuseAddress(on bool) NetOption { return func(c *netConfig) { c.reuseAddr = on } }

// ReusePort sets SO_REUSEPORT, so several sockets (of this process or
// others) can listen on the same port and the kernel spreads the
// connections among them (asyncio's reuse_port). [ServeMultiLoop] always
// sets it.
func ReusePort(on bool) NetOption { return func(c *netConfig) { c.reusePort = on } }

// StartServing says whether [CreateServer] starts accepting at once (the
// default, asyncio's start_serving=True) or only at [Server.StartServing]
// or [Server.ServeForever].
func StartServing(on bool) NetOption { return func(c *netConfig) { c.startServing = on } }

// KeepAlive sets SO_KEEPALIVE on the TCP connections of a server or of
// [CreateConnection] (asyncio's keep_alive).
func KeepAlive(on bool) NetOption { return func(c *netConfig) { c.keepAlive = on } }

// ConnectTimeout bounds the time [CreateConnection] takes to connect,
// resolution included (asyncio: `async with asyncio.timeout(d): await
// loop.create_connection(...)`). When it runs out, the attempt is
// cancelled and CreateConnection returns a *[net.OpError] whose Err is a
// *[TimeoutError]: it matches [ErrTimeout] and [context.DeadlineExceeded],
// and its Cause is the cancellation of the attempt. A d <= 0 times out at
// once, [NoTimeout] never (the rule of every timeout in aio). Without the
// option there is no bound.
func ConnectTimeout(d time.Duration) NetOption { return func(c *netConfig) { c.connectTimeout = d } }

// LocalAddr binds the socket of [CreateConnection] or
// [CreateDatagramEndpoint] to a local "host:port" before it connects
// (asyncio's local_addr).
func LocalAddr(address string) NetOption { return func(c *netConfig) { c.localAddr = address } }

// HappyEyeballsDelay makes [CreateConnection] race its addresses (RFC
// 8305): when an attempt has not connected after d, the next address is
// tried in parallel, and the first to connect wins (asyncio's
// happy_eyeballs_delay; 250 ms is the RFC's value). Without it the
// addresses are tried one after the other. Either way they are tried in
// RFC 8305 order, alternating address families.
func HappyEyeballsDelay(d time.Duration) NetOption {
	return func(c *netConfig) { c.eyeballsDelay = d }
}

// AllowBroadcast sets SO_BROADCAST on a datagram endpoint (asyncio's
// allow_broadcast).
func AllowBroadcast(on bool) NetOption { return func(c *netConfig) { c.broadcast = on } }

// Loops sets how many loops [ServeMultiLoop] runs; the default is
// GOMAXPROCS.
func Loops(n int) NetOption { return func(c *netConfig) { c.loops = n } }

// LockOSThread makes each loop of [ServeMultiLoop] run locked to its own
// OS thread.
func LockOSThread(on bool) NetOption { return func(c *netConfig) { c.lockOSThread = on } }

// LoopOptions passes options to each loop that [ServeMultiLoop] makes.
func LoopOptions(opts ...Option) NetOption {
	return func(c *netConfig) { c.loopOpts = append(c.loopOpts, opts...) }
}
