package aio

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// Server is a listening TCP or Unix server made by [CreateServer] or
// [CreateUnixServer] (asyncio.Server). Each accepted connection gets a
// [SocketTransport] and a protocol from the server's factory; the server
// keeps track of them until their ConnectionLost has run.
//
// Its methods are called from the loop's goroutine.
type Server struct {
	loop      *Loop
	factory   func() Protocol
	cfg       netConfig
	listeners []*listener
	serving   bool
	closed    bool
	shutdown  bool // Shutdown has asked the connections to end
	claim     bool // listenSocket checks that the port is free (claimPort)

	active int
	conns  *SocketTransport // list of connections, linked by prev/next

	waiters []*Future[struct{}] // WaitClosed
	forever *Future[struct{}]   // ServeForever

	unixPath string       // socket file to remove on Close
	unixStat *unix.Stat_t // its identity when made
}

// ServerSocket is a listening socket of a [Server].
type ServerSocket struct {
	Fd   int      // owned by the server: do not close it
	Addr net.Addr // *net.TCPAddr or *net.UnixAddr
}

// listener is one listening socket of a server.
type listener struct {
	srv      *Server
	pfd      pollFD // pfd.fd is the socket, -1 once closed; tracked from StartServing
	family   int
	addr     net.Addr
	paused   bool          // backing off after an accept error
	backoff  time.Duration // current back-off delay, 0 when healthy
	retry    *Handle
	failures int // accept errors that caused a back-off
}

const (
	minAcceptBackoff = 10 * time.Millisecond
	maxAcceptBackoff = time.Second
)

// CreateServer listens on address and serves each connection with a new
// protocol from factory (asyncio's loop.create_server). network is "tcp"
// (IPv4 or IPv6), "tcp4", "tcp6" or "unix" (address is then a path; see
// [CreateUnixServer]). address is "host:port": an empty host listens on
// every interface, on one dual-stack IPv6 socket for "tcp" (IPv4 only
// where IPv6 is missing); a host name is resolved and the server listens
// on each of its addresses, so Sockets may return several. Port 0 picks
// a free port.
//
// Options: [Backlog], [ReuseAddress] (on by default), [ReusePort],
// [StartServing], [KeepAlive], [WithTLS] (each connection's protocol is
// made at accept and connected once its TLS handshake is done). TCP
// connections get TCP_NODELAY, as in asyncio.
//
// The server starts accepting at once unless StartServing(false) is
// given. CreateServer suspends only to resolve a host name, on the
// loop's executor.
//
// Cancellation: while a host name is being resolved, CreateServer returns
// an error matching [ErrCancelled] and nothing is left open.
func CreateServer[P Protocol](t *Task, factory func() P, network, address string, opts ...NetOption) (*Server, error) {
	t.checkRunning("CreateServer")
	return createServer(t, t.fut.loop, protocolFactory(factory), network, address, newNetConfig(opts), false)
}

// CreateUnixServer is [CreateServer] on a Unix-domain stream socket at path
// (asyncio's loop.create_unix_server). A stale socket file at path, one
// that nobody accepts on, is removed first; a socket in use, or a file
// that is not a socket, is left alone and CreateUnixServer fails with an
// error that names path and matches [syscall.EADDRINUSE]. (The check
// connects to the socket: a live server sees a connection come and go.
// asyncio removes any socket file.) The file is removed again on Close
// if it is still the server's. A path starting with '@' is a Linux
// abstract socket, with no file.
//
// Cancellation: CreateUnixServer does not suspend.
func CreateUnixServer[P Protocol](t *Task, factory func() P, path string, opts ...NetOption) (*Server, error) {
	t.checkRunning("CreateUnixServer")
	return createServer(nil, t.fut.loop, protocolFactory(factory), "unix", path, newNetConfig(opts), false)
}

func protocolFactory[P Protocol](factory func() P) func() Protocol {
	return func() Protocol { return factory() }
}

// createServer makes a server on l; t (nil before the loop runs) is used
// to resolve host names on the executor. With claim, a SO_REUSEPORT
// listener on a given port first checks that nobody holds the port
// (claimPort).
func createServer(t *Task, l *Loop, factory func() Protocol, network, address string, cfg netConfig, claim bool) (*Server, error) {
	if l.closed.Load() {
		return nil, ErrLoopClosed
	}
	family, err := parseNetwork(network, false)
	if err != nil {
		return nil, err
	}
	if cfg.perLoop != nil {
		f, err := callFactory(func() func() Protocol { return cfg.perLoop(l) })
		if err != nil {
			return nil, err
		}
		factory = f
	}
	if cfg.tls.cfg != nil {
		factory = tlsServerFactory(l, factory, cfg.tls)
	}
	s := &Server{loop: l, factory: factory, cfg: cfg, claim: claim}
	opErr := func(err error) error {
		return &net.OpError{Op: "listen", Net: network, Err: err}
	}
	if family == unix.AF_UNIX {
		ln, err := s.listenUnix(address)
		if err != nil {
			return nil, &net.OpError{Op: "listen", Net: network, Addr: &net.UnixAddr{Name: address, Net: network}, Err: err}
		}
		s.listeners = append(s.listeners, ln)
	} else {
		host, port, err := splitHostPort(network, address)
		if err != nil {
			return nil, opErr(err)
		}
		if err := s.listenInet(t, family, host, port); err != nil {
			for _, ln := range s.listeners {
				ln.close()
			}
			return nil, opErr(err)
		}
	}
	l.io.servers = append(l.io.servers, s)
	if cfg.startServing {
		s.StartServing()
	}
	return s, nil
}

// listenInet opens the listening sockets for host:port.
func (s *Server) listenInet(t *Task, family int, host string, port int) error {
	if host == "" {
		switch family {
		case 0: // dual stack, falling back to IPv4
			ln, err := s.listenSocket(unix.AF_INET6, &unix.SockaddrInet6{Port: port}, false)
			if err == nil {
				s.listeners = append(s.listeners, ln)
				return nil
			}
			if !errors.Is(err, unix.EAFNOSUPPORT) {
				return err
			}
			family = unix.AF_INET
			fallthrough
		case unix.AF_INET:
			ln, err := s.listenSocket(unix.AF_INET, &unix.SockaddrInet4{Port: port}, false)
			if err != nil {
				return err
			}
			s.listeners = append(s.listeners, ln)
			return nil
		default:
			ln, err := s.listenSocket(unix.AF_INET6, &unix.SockaddrInet6{Port: port}, true)
			if err != nil {
				return err
			}
			s.listeners = append(s.listeners, ln)
			return nil
		}
	}
	addrs, err := resolveHost(t, family, host)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		f := addrFamily(a)
		// "::" with "tcp" is the dual-stack wildcard, as in Go's net.
		v6only := !(family == 0 && a == netip.IPv6Unspecified())
		ln, err := s.listenSocket(f, inetSockaddr(netip.AddrPortFrom(a, uint16(port)), f), v6only)
		if err != nil {
			return err
		}
		s.listeners = append(s.listeners, ln)
	}
	return nil
}

// listenSocket makes, binds and listens a stream socket.
func (s *Server) listenSocket(family int, sa unix.Sockaddr, v6only bool) (*listener, error) {
	fd, err := listenerSocket(family, v6only, s.cfg.reuseAddr, s.cfg.reusePort)
	if err != nil {
		return nil, err
	}
	fail := func(op string, err error) (*listener, error) {
		unix.Close(fd)
		return nil, os.NewSyscallError(op, err)
	}
	if s.claim && s.cfg.reusePort && sockaddrPort(sa) != 0 {
		// Made first, so that the claim's gap ends with two syscalls.
		if err := claimPort(family, sa, v6only, s.cfg.reuseAddr); err != nil {
			unix.Close(fd)
			return nil, err
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	backlog := s.cfg.backlog
	if backlog <= 0 {
		backlog = unix.SOMAXCONN
	}
	if err := unix.Listen(fd, backlog); err != nil {
		return fail("listen", err)
	}
	ln := &listener{srv: s, family: family, addr: sockName(fd, false)}
	ln.pfd.fd = fd
	return ln, nil
}

// listenerSocket makes a stream socket with a listener's options
// (SO_REUSEADDR and SO_REUSEPORT apply to IP sockets only).
func listenerSocket(family int, v6only, reuseAddr, reusePort bool) (int, error) {
	fd, err := sysSocket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	set := func(level, opt int, on bool) error {
		v := 0
		if on {
			v = 1
		}
		return unix.SetsockoptInt(fd, level, opt, v)
	}
	if family != unix.AF_UNIX {
		if reuseAddr {
			err = set(unix.SOL_SOCKET, unix.SO_REUSEADDR, true)
		}
		if err == nil && reusePort {
			err = set(unix.SOL_SOCKET, unix.SO_REUSEPORT, true)
		}
	}
	if err == nil && family == unix.AF_INET6 {
		err = set(unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("setsockopt", err)
	}
	return fd, nil
}

// listenUnix listens on a Unix socket at path, replacing a stale socket
// file (removeStaleSocket).
func (s *Server) listenUnix(path string) (*listener, error) {
	abstract := strings.HasPrefix(path, "@")
	if !abstract {
		if err := removeStaleSocket(path); err != nil {
			return nil, err
		}
	}
	ln, err := s.listenSocket(unix.AF_UNIX, &unix.SockaddrUnix{Name: path}, false)
	if err != nil {
		return nil, err
	}
	if !abstract {
		var st unix.Stat_t
		if unix.Stat(path, &st) == nil {
			s.unixPath, s.unixStat = path, &st
		}
	}
	return ln, nil
}

// Loop returns the loop the server runs on.
func (s *Server) Loop() *Loop { return s.loop }

// Sockets returns the listening sockets (asyncio's Server.sockets); none
// once the server is closed.
func (s *Server) Sockets() []ServerSocket {
	var out []ServerSocket
	for _, ln := range s.listeners {
		if ln.pfd.fd >= 0 {
			out = append(out, ServerSocket{Fd: ln.pfd.fd, Addr: ln.addr})
		}
	}
	return out
}

// Addr returns the address of the first listening socket, or nil once the
// server is closed. With port 0, it tells which port was picked.
func (s *Server) Addr() net.Addr {
	if len(s.listeners) == 0 || s.closed {
		return nil
	}
	return s.listeners[0].addr
}

// IsServing reports whether the server accepts connections (asyncio's
// is_serving).
func (s *Server) IsServing() bool { return s.serving && !s.closed }

// Connections returns the number of connections of the server whose
// ConnectionLost has not yet run.
func (s *Server) Connections() int { return s.active }

// StartServing starts accepting connections, if it has not started yet
// (asyncio's start_serving). It returns [ErrServerClosed] after Close.
func (s *Server) StartServing() error {
	if s.closed {
		return ErrServerClosed
	}
	if s.serving {
		return nil
	}
	s.serving = true
	for _, ln := range s.listeners {
		if err := ln.start(); err != nil {
			return err
		}
	}
	return nil
}

// ServeForever starts accepting connections if needed and suspends t
// until the server is closed (asyncio's serve_forever); it then waits
// for the server's connections to be gone, as WaitClosed does, and
// returns nil. It returns an error if another task is already in
// ServeForever, and [ErrServerClosed] on a closed server.
//
// Cancellation: cancelling t closes the server (as Close), waits for its
// connections to be gone, and returns an error matching [ErrCancelled]. A
// second cancel stops that wait.
func (s *Server) ServeForever(t *Task) error {
	t.checkRunning("ServeForever")
	if s.closed {
		return ErrServerClosed
	}
	if s.forever != nil {
		return fmt.Errorf("aio: ServeForever: the server is already being served forever")
	}
	if err := s.StartServing(); err != nil {
		return err
	}
	s.forever = NewFuture[struct{}](s.loop)
	err := AwaitDone(t, s.forever)
	s.forever = nil
	s.Close()
	if werr := s.WaitClosed(t); err == nil {
		err = werr
	}
	return err
}

// Close stops accepting and closes the listening sockets (asyncio's
// Server.close). The connections go on; WaitClosed waits for them, and
// CloseClients or AbortClients ends them (Shutdown does all this
// gracefully). Closing twice does nothing.
func (s *Server) Close() error {
	if s.closed {
		return nil
	}
	s.closed, s.serving = true, false
	for _, ln := range s.listeners {
		ln.close()
	}
	if i := slices.Index(s.loop.io.servers, s); i >= 0 {
		s.loop.io.servers = slices.Delete(s.loop.io.servers, i, i+1)
	}
	if s.unixPath != "" {
		var st unix.Stat_t
		if unix.Stat(s.unixPath, &st) == nil && st.Ino == s.unixStat.Ino && st.Dev == s.unixStat.Dev {
			os.Remove(s.unixPath)
		}
		s.unixPath = ""
	}
	if s.forever != nil && !s.forever.Done() {
		s.forever.SetResult(struct{}{})
	}
	s.wakeIfDone()
	return nil
}

// WaitClosed suspends t until the server is closed and all its
// connections are gone (asyncio's wait_closed, CPython 3.12 semantics).
//
// Cancellation: WaitClosed returns an error matching [ErrCancelled] at
// once; the server is not affected.
func (s *Server) WaitClosed(t *Task) error {
	t.checkRunning("WaitClosed")
	if s.closed && s.active == 0 {
		return nil
	}
	f := NewFuture[struct{}](s.loop)
	s.waiters = append(s.waiters, f)
	err := AwaitDone(t, f)
	if err != nil {
		if i := slices.Index(s.waiters, f); i >= 0 {
			s.waiters = slices.Delete(s.waiters, i, i+1)
		}
	}
	return err
}

// CloseClients closes every connection of the server, each after its
// buffered data is sent (CPython 3.13's close_clients).
func (s *Server) CloseClients() {
	for c := s.conns; c != nil; {
		next := c.next
		c.Close()
		c = next
	}
}

// AbortClients aborts every connection of the server, dropping buffered
// data (CPython 3.13's abort_clients).
func (s *Server) AbortClients() {
	for c := s.conns; c != nil; {
		next := c.next
		c.Abort()
		c = next
	}
}

func (s *Server) attach(t *SocketTransport) {
	t.next = s.conns
	if s.conns != nil {
		s.conns.prev = t
	}
	s.conns = t
	s.active++
}

func (s *Server) detach(t *SocketTransport) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		s.conns = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next = nil, nil
	s.active--
	// A connection gone is an fd free: a listener backing off after
	// EMFILE tries again now rather than at its timer.
	for _, ln := range s.listeners {
		if ln.paused {
			ln.resume()
		}
	}
	s.wakeIfDone()
}

func (s *Server) wakeIfDone() {
	if !s.closed || s.active > 0 {
		return
	}
	for _, f := range s.waiters {
		f.SetResult(struct{}{})
	}
	s.waiters = nil
}

// newConnection serves an accepted socket.
func (s *Server) newConnection(fd, family int) {
	setNoDelay(fd, family)
	if s.cfg.keepAlive && family != unix.AF_UNIX {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
	}
	p, err := callFactory(s.factory)
	if err != nil {
		unix.Close(fd)
		s.loop.CallExceptionHandler(ExceptionContext{Message: "protocol factory failed: connection closed", Err: err})
		return
	}
	t := newSocketTransport(s.loop, fd, family, p, s)
	s.attach(t)
	t.start()
}

// callFactory calls a protocol factory, turning a panic or a nil protocol
// into an error.
func callFactory[T any](factory func() T) (p T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
	}()
	p = factory()
	if any(p) == nil {
		return p, errors.New("aio: the protocol factory returned nil")
	}
	return p, nil
}

// start makes the loop accept on the listener.
func (ln *listener) start() error {
	if ln.pfd.fd < 0 || ln.pfd.tracked() {
		return nil
	}
	ln.pfd.init(ln.srv.loop, ln.pfd.fd, ln)
	if err := ln.update(); err != nil {
		ln.pfd.untrack()
		return err
	}
	return nil
}

// update makes the poller's interest match the listener's state:
// readable, or out of the poller while backing off (a listener in error
// can report a hang-up with no interest, level-triggered: it would spin
// the loop).
func (ln *listener) update() error {
	if ln.paused {
		ln.pfd.unregister()
		return nil
	}
	return ln.pfd.setInterest(poll.Readable)
}

// ready accepts the pending connections, up to the accept budget.
func (ln *listener) ready(poll.Event) {
	s := ln.srv
	for range acceptBudget {
		if ln.pfd.fd < 0 || ln.paused {
			return
		}
		fd, err := sysAccept(ln.pfd.fd)
		if err != nil {
			if err == unix.EAGAIN {
				return
			}
			if isTemporaryAccept(err) {
				continue
			}
			ln.backOff(err)
			return
		}
		ln.backoff = 0
		s.newConnection(fd, ln.family)
	}
}

// backOff stops accepting for a while after an accept error such as
// EMFILE (out of fds): a level-triggered listener would otherwise spin.
// The delay doubles from 10 ms to 1 s while the errors go on; a
// connection of the server closing ends the wait early. The first error
// of a run is reported to the exception handler.
func (ln *listener) backOff(errno error) {
	ln.failures++
	if ln.backoff == 0 {
		ln.backoff = minAcceptBackoff
		ln.srv.loop.CallExceptionHandler(ExceptionContext{
			Message: fmt.Sprintf("accept failed on %v: backing off", ln.addr),
			Err:     os.NewSyscallError("accept", errno),
		})
	} else {
		ln.backoff = min(2*ln.backoff, maxAcceptBackoff)
	}
	ln.paused = true
	if ln.pfd.tracked() {
		ln.update()
	}
	ln.retry = ln.srv.loop.CallLater(ln.backoff, ln.resume)
}

// resume ends a back-off.
func (ln *listener) resume() {
	if ln.retry != nil {
		ln.retry.Cancel()
		ln.retry = nil
	}
	if !ln.paused || ln.pfd.fd < 0 {
		return
	}
	ln.paused = false
	if ln.pfd.tracked() {
		ln.update()
	}
}

// close closes the listening socket and cancels a pending retry.
func (ln *listener) close() {
	if ln.retry != nil {
		ln.retry.Cancel()
		ln.retry = nil
	}
	ln.pfd.close()
}

func (ln *listener) closeForLoop() { ln.srv.Close() }
