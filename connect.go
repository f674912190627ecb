package aio

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// CreateConnection connects to address and returns the connection's
// transport and its protocol, made by factory (asyncio's
// loop.create_connection). network is "tcp", "tcp4", "tcp6" or "unix"
// (address is then a path). A host name is resolved with
// [net.DefaultResolver] on the loop's executor, and its addresses are tried
// in RFC 8305 order, alternating families; an empty host means the local
// system (127.0.0.1, or ::1 for "tcp6").
//
// The protocol's ConnectionMade has run when CreateConnection returns. A
// panic in it aborts the connection and is returned as a *[PanicError].
//
// Options: [ConnectTimeout], [LocalAddr], [HappyEyeballsDelay], [KeepAlive],
// [WithTLS] (with [TLSHandshakeTimeout] and [ServerHostname]). With
// WithTLS, CreateConnection returns once the handshake is done, and the
// protocol's transport is a *[TLSTransport]; the *SocketTransport
// returned is the socket under it (for its address, fd and buffer
// limit: writing to it would break the TLS stream).
// Errors are *[net.OpError] values wrapping the syscall error, so
// errors.Is(err, [syscall.ECONNREFUSED]) works; when several addresses
// failed, their errors are joined.
//
// Cancellation: CreateConnection returns an error matching [ErrCancelled];
// the sockets of the attempts in progress are closed and no protocol is
// made.
func CreateConnection[P Protocol](t *Task, factory func() P, network, address string, opts ...NetOption) (*SocketTransport, P, error) {
	t.checkRunning("CreateConnection")
	var zero P
	cfg := newNetConfig(opts)
	fd, family, err := dialTimeout(t, network, address, cfg)
	if err != nil {
		return nil, zero, err
	}
	if cfg.keepAlive && family != unix.AF_UNIX {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
	}
	if cfg.tls.cfg != nil {
		return tlsConnect(t, fd, family, factory, network, address, cfg)
	}
	return adoptSocket(t.fut.loop, fd, family, factory)
}

// CreateUnixConnection connects to the Unix-domain stream socket at path
// (asyncio's loop.create_unix_connection). See [CreateConnection].
//
// Cancellation: as for CreateConnection.
func CreateUnixConnection[P Protocol](t *Task, factory func() P, path string, opts ...NetOption) (*SocketTransport, P, error) {
	return CreateConnection(t, factory, "unix", path, opts...)
}

// ConnectAccepted wraps fd, a connected stream socket accepted or made
// outside the loop, in a transport with a protocol from factory
// (asyncio's loop.connect_accepted_socket). The transport takes fd over:
// it makes it non-blocking and closes it when the connection ends. The
// protocol's ConnectionMade has run when ConnectAccepted returns. Call it
// from the loop's goroutine; it does not suspend.
//
// To adopt a *[net.TCPConn] or *[net.UnixConn], take a duplicate of its fd
// with its File method and close the original.
func ConnectAccepted[P Protocol](l *Loop, factory func() P, fd int) (*SocketTransport, P, error) {
	var zero P
	if l.closed.Load() {
		return nil, zero, ErrLoopClosed
	}
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return nil, zero, os.NewSyscallError("getsockopt", err)
	}
	if typ != unix.SOCK_STREAM {
		return nil, zero, fmt.Errorf("aio: ConnectAccepted: fd %d is not a stream socket", fd)
	}
	family, err := socketFamily(fd)
	if err != nil {
		return nil, zero, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, zero, os.NewSyscallError("setnonblock", err)
	}
	return adoptSocket(l, fd, family, factory)
}

// adoptSocket makes the transport and protocol of a connected socket and
// calls ConnectionMade.
func adoptSocket[P Protocol](l *Loop, fd, family int, factory func() P) (*SocketTransport, P, error) {
	var zero P
	setNoDelay(fd, family)
	p, err := callFactory(factory)
	if err != nil {
		unix.Close(fd)
		return nil, zero, err
	}
	tr := newSocketTransport(l, fd, family, p, nil)
	if err := tr.start(); err != nil {
		return nil, zero, err
	}
	return tr, p, nil
}

// dialTimeout is dial bounded by the ConnectTimeout option, through a
// Timeout scope: the timeout error names the address it was dialling.
func dialTimeout(t *Task, network, address string, cfg netConfig) (fd, family int, err error) {
	if cfg.connectTimeout == NoTimeout {
		return dial(t, network, address, cfg)
	}
	fd, family = -1, 0
	err = Timeout(t, cfg.connectTimeout, func(t *Task) error {
		var derr error
		fd, family, derr = dial(t, network, address, cfg)
		return derr
	})
	var te *TimeoutError
	if errors.As(err, &te) {
		err = &net.OpError{Op: "dial", Net: network, Addr: stringAddr{network, address}, Err: te}
	}
	return fd, family, err
}

// stringAddr is a net.Addr for error messages.
type stringAddr struct{ net, addr string }

func (a stringAddr) Network() string { return a.net }
func (a stringAddr) String() string  { return a.addr }

// target is one address to connect to.
type target struct {
	sa     unix.Sockaddr
	family int
	addr   net.Addr
}

// dial connects a new socket to address and returns it with its family.
func dial(t *Task, network, address string, cfg netConfig) (int, int, error) {
	family, err := parseNetwork(network, false)
	if err != nil {
		return -1, 0, err
	}
	var targets []target
	var locals []netip.AddrPort
	if family == unix.AF_UNIX {
		targets = []target{{&unix.SockaddrUnix{Name: address}, unix.AF_UNIX, &net.UnixAddr{Name: address, Net: "unix"}}}
	} else {
		addrs, port, err := resolveRemote(t, network, family, address)
		if err != nil {
			return -1, 0, &net.OpError{Op: "dial", Net: network, Err: err}
		}
		for _, a := range interleaveAddrs(addrs) {
			ap := netip.AddrPortFrom(a, uint16(port))
			f := addrFamily(a)
			targets = append(targets, target{inetSockaddr(ap, f), f, net.TCPAddrFromAddrPort(ap)})
		}
		if cfg.localAddr != "" {
			lhost, lport, err := splitHostPort(network, cfg.localAddr)
			if err != nil {
				return -1, 0, &net.OpError{Op: "dial", Net: network, Err: err}
			}
			var la []netip.Addr
			if lhost == "" {
				la = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
			} else if la, err = resolveHost(t, family, lhost); err != nil {
				return -1, 0, &net.OpError{Op: "dial", Net: network, Err: err}
			}
			for _, a := range la {
				locals = append(locals, netip.AddrPortFrom(a, uint16(lport)))
			}
		}
	}
	return race(t, network, targets, locals, cfg)
}

// interleaveAddrs orders addresses as RFC 8305 section 4 says, with a
// First Address Family Count of 1: the family of the first address, then
// the other, alternating, each family in its original order.
func interleaveAddrs(addrs []netip.Addr) []netip.Addr {
	if len(addrs) < 2 {
		return addrs
	}
	var first, other []netip.Addr
	fam := addrFamily(addrs[0])
	for _, a := range addrs {
		if addrFamily(a) == fam {
			first = append(first, a)
		} else {
			other = append(other, a)
		}
	}
	out := make([]netip.Addr, 0, len(addrs))
	for i := 0; i < len(first) || i < len(other); i++ {
		if i < len(first) {
			out = append(out, first[i])
		}
		if i < len(other) {
			out = append(out, other[i])
		}
	}
	return out
}

// race connects to the targets in order: one at a time, or, with a happy
// eyeballs delay, starting the next one each time the delay passes
// without a connection. The first to connect wins; the others are
// closed.
func race(t *Task, network string, targets []target, locals []netip.AddrPort, cfg netConfig) (int, int, error) {
	l := t.fut.loop
	var (
		active  []*connector
		errs    []error
		next    int
		due     bool
		stagger *Handle
		sig     *Future[struct{}]
	)
	notify := func() {
		if sig != nil && !sig.Done() {
			sig.SetResult(struct{}{})
		}
	}
	defer func() {
		for _, c := range active {
			c.close()
		}
		if stagger != nil {
			stagger.Cancel()
		}
	}()
	for {
		for i := 0; i < len(active); {
			c := active[i]
			if !c.done {
				i++
				continue
			}
			active = slices.Delete(active, i, i+1)
			if c.err == nil {
				fd := c.pfd.fd
				c.pfd.release() // handed over: close leaves it open
				return fd, c.family, nil
			}
			errs = append(errs, &net.OpError{Op: "dial", Net: network, Addr: c.addr, Err: c.err})
			c.close()
		}
		if (len(active) == 0 || due) && next < len(targets) {
			due = false
			tg := targets[next]
			next++
			c, err := startConnect(l, tg, locals, notify)
			if err != nil {
				errs = append(errs, &net.OpError{Op: "dial", Net: network, Addr: tg.addr, Err: err})
				continue
			}
			active = append(active, c)
			if cfg.eyeballsDelay > 0 && next < len(targets) {
				if stagger != nil {
					stagger.Cancel()
				}
				stagger = l.CallLater(cfg.eyeballsDelay, func() {
					stagger = nil
					due = true
					notify()
				})
			}
			continue
		}
		if len(active) == 0 {
			if len(errs) == 1 {
				return -1, 0, errs[0]
			}
			return -1, 0, errors.Join(errs...)
		}
		sig = NewFuture[struct{}](l)
		if err := AwaitDone(t, sig); err != nil {
			return -1, 0, err
		}
	}
}

// connector is a connect in progress: it waits for the socket to become
// writable and then reads the outcome from SO_ERROR.
type connector struct {
	pfd    pollFD // pfd.fd is the socket, -1 once handed over or closed
	family int
	addr   net.Addr
	done   bool
	err    error
	notify func()
}

// startConnect makes a socket, binds it to a local address of its family
// if any are given, and starts connecting it.
func startConnect(l *Loop, tg target, locals []netip.AddrPort, notify func()) (*connector, error) {
	fd, err := sysSocket(tg.family, unix.SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	if len(locals) > 0 {
		i := slices.IndexFunc(locals, func(ap netip.AddrPort) bool { return addrFamily(ap.Addr()) == tg.family })
		if i < 0 {
			unix.Close(fd)
			return nil, fmt.Errorf("aio: no local address of the family of %v", tg.addr)
		}
		if err := unix.Bind(fd, inetSockaddr(locals[i], tg.family)); err != nil {
			unix.Close(fd)
			return nil, os.NewSyscallError("bind", err)
		}
	}
	c := &connector{family: tg.family, addr: tg.addr, notify: notify}
	c.pfd.fd = fd
	err = unix.Connect(fd, tg.sa)
	switch err {
	case nil:
		c.done = true
	case unix.EINPROGRESS, unix.EINTR:
		c.pfd.init(l, fd, c)
		if err := c.pfd.setInterest(poll.Writable); err != nil {
			c.pfd.close()
			return nil, err
		}
	default:
		unix.Close(fd)
		return nil, os.NewSyscallError("connect", err)
	}
	return c, nil
}

// ready reads the outcome of the connect.
func (c *connector) ready(ev poll.Event) {
	err := sockError(c.pfd.fd)
	if err == nil && ev&poll.Writable == 0 {
		return // spurious: not finished yet
	}
	if err != nil {
		err = os.NewSyscallError("connect", err)
	}
	c.finish(err)
}

// finish records the outcome and stops watching the socket; the socket
// stays open for the winner to take.
func (c *connector) finish(err error) {
	if c.done {
		return
	}
	c.done, c.err = true, err
	c.pfd.untrack()
	c.notify()
}

// close releases the socket unless it was handed over.
func (c *connector) close() {
	c.pfd.close()
}

func (c *connector) closeForLoop() {
	c.finish(ErrLoopClosed)
	c.close()
}
