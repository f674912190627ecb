package aio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// This file holds what the transports, servers and socket functions
// share: the loop's IO state, the errors, the options and the address
// helpers.

// Errors of transports and servers. Test for them with errors.Is.
var (
	// ErrTransportClosed is returned by writes to a transport that is
	// closing or closed.
	ErrTransportClosed = errors.New("aio: transport is closing")

	// ErrWriteAfterEOF is returned by writes after WriteEOF.
	ErrWriteAfterEOF = errors.New("aio: write after WriteEOF")

	// ErrWriteBufferFull is returned by a write that would make a
	// transport's write buffer exceed its hard limit (see
	// Transport.SetWriteBufferLimits). Nothing of that write is sent.
	ErrWriteBufferFull = errors.New("aio: write buffer is full")

	// ErrServerClosed is returned when a server is asked to serve after
	// Close.
	ErrServerClosed = errors.New("aio: server is closed")
)

const (
	// readBufferSize is the size of the loop's read buffer, shared by
	// every transport of the loop.
	readBufferSize = 256 << 10
	// readBudget bounds the reads of one connection in one loop pass, so
	// that a busy peer cannot starve the others (level-triggered polling
	// reports it again in the next pass).
	readBudget = 4
	// datagramBudget bounds the datagrams read from one endpoint in one
	// pass.
	datagramBudget = 64
	// acceptBudget bounds the connections accepted by one listener in one
	// pass.
	acceptBudget = 128
)

// ioState is the IO part of a Loop: the one read buffer of the loop, the
// writev scratch, and the servers to close with the loop.
type ioState struct {
	loop    *Loop
	rbuf    []byte
	iov     []unix.Iovec
	servers []*Server

	// While the loop dispatches IO readiness, small stream writes wait
	// in their transports (corkWrite) and go out when it ends (uncork).
	dispatching bool
	corked      []*SocketTransport
}

// uncork sends the writes held during the IO dispatch that just ended.
func (s *ioState) uncork() {
	for i, t := range s.corked {
		s.corked[i] = nil
		t.uncork()
	}
	s.corked = s.corked[:0]
}

// readBuffer returns the loop's read buffer, made on first use. A
// protocol's DataReceived slice points into it, which is why that slice
// is valid only during the call.
func (l *Loop) readBuffer() []byte {
	if l.io.rbuf == nil {
		l.io.rbuf = make([]byte, readBufferSize)
	}
	return l.io.rbuf
}

// ioResource is an fd handler that the loop releases when it closes.
type ioResource interface {
	closeForLoop()
}

// closeIO releases every server, transport and watched fd of the loop:
// it is called by Loop.Close. Connection-lost callbacks this schedules
// run before the loop finishes closing.
func (l *Loop) closeIO() {
	for _, s := range slices.Clone(l.io.servers) {
		s.Close()
		s.AbortClients()
	}
	for _, h := range l.fds {
		if r, ok := h.(ioResource); ok {
			r.closeForLoop()
		}
	}
}

// trackFD makes the loop dispatch readiness of fd to h without
// registering fd with the poller yet (the handler registers it when it
// first needs readiness).
func (l *Loop) trackFD(fd int, h fdHandler) {
	for fd >= len(l.fds) {
		l.fds = append(l.fds, nil)
	}
	l.fds[fd] = h
	l.nfds++
}

// untrackFD undoes trackFD and removes fd from the poller if it is there.
func (l *Loop) untrackFD(fd int, registered bool) {
	if fd < len(l.fds) && l.fds[fd] != nil {
		l.fds[fd] = nil
		l.nfds--
	}
	if registered {
		l.poller.Unregister(fd)
	}
}

// NetOption configures CreateServer, CreateConnection,
// CreateDatagramEndpoint and ServeMultiLoop; each option says which of
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
}

func newNetConfig(opts []NetOption) netConfig {
	c := netConfig{backlog: unix.SOMAXCONN, reuseAddr: true, startServing: true}
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
// connections among them (asyncio's reuse_port). ServeMultiLoop always
// sets it.
func ReusePort(on bool) NetOption { return func(c *netConfig) { c.reusePort = on } }

// StartServing says whether CreateServer starts accepting at once (the
// default, asyncio's start_serving=True) or only at Server.StartServing
// or Server.ServeForever.
func StartServing(on bool) NetOption { return func(c *netConfig) { c.startServing = on } }

// KeepAlive sets SO_KEEPALIVE on the TCP connections of a server or of
// CreateConnection (asyncio's keep_alive).
func KeepAlive(on bool) NetOption { return func(c *netConfig) { c.keepAlive = on } }

// ConnectTimeout bounds the time CreateConnection takes to connect,
// resolution included; when it runs out, CreateConnection returns an
// error matching ErrTimeout and context.DeadlineExceeded. The default is
// no bound.
func ConnectTimeout(d time.Duration) NetOption { return func(c *netConfig) { c.connectTimeout = d } }

// LocalAddr binds the socket of CreateConnection or
// CreateDatagramEndpoint to a local "host:port" before it connects
// (asyncio's local_addr).
func LocalAddr(address string) NetOption { return func(c *netConfig) { c.localAddr = address } }

// HappyEyeballsDelay makes CreateConnection race its addresses (RFC
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

// Loops sets how many loops ServeMultiLoop runs; the default is
// GOMAXPROCS.
func Loops(n int) NetOption { return func(c *netConfig) { c.loops = n } }

// LockOSThread makes each loop of ServeMultiLoop run locked to its own
// OS thread.
func LockOSThread(on bool) NetOption { return func(c *netConfig) { c.lockOSThread = on } }

// LoopOptions passes options to each loop that ServeMultiLoop makes.
func LoopOptions(opts ...Option) NetOption {
	return func(c *netConfig) { c.loopOpts = append(c.loopOpts, opts...) }
}

// parseNetwork returns the address family a network name asks for: 0
// for either IP family, AF_INET, AF_INET6 or AF_UNIX.
func parseNetwork(network string, datagram bool) (family int, err error) {
	switch {
	case network == "tcp" && !datagram, network == "udp" && datagram:
		return 0, nil
	case network == "tcp4" && !datagram, network == "udp4" && datagram:
		return unix.AF_INET, nil
	case network == "tcp6" && !datagram, network == "udp6" && datagram:
		return unix.AF_INET6, nil
	case network == "unix" && !datagram:
		return unix.AF_UNIX, nil
	}
	return 0, net.UnknownNetworkError(network)
}

// splitHostPort splits "host:port", looking the port up if it is a
// service name.
func splitHostPort(network, address string) (string, int, error) {
	host, ps, err := net.SplitHostPort(address)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		p, lerr := net.LookupPort(network, ps)
		if lerr != nil {
			return "", 0, lerr
		}
		return host, p, nil
	}
	return host, int(port), nil
}

// resolveRemote splits a remote "host:port" and resolves the host; an
// empty host means this machine (127.0.0.1, or ::1 for IPv6 only), as
// asyncio's create_connection and net.Dial take it.
// A name is looked up as resolveHost does.
func resolveRemote(t *Task, network string, family int, address string) ([]netip.Addr, int, error) {
	host, port, err := splitHostPort(network, address)
	if err != nil {
		return nil, 0, err
	}
	if host == "" {
		host = "127.0.0.1"
		if family == unix.AF_INET6 {
			host = "::1"
		}
	}
	addrs, err := resolveHost(t, family, host)
	return addrs, port, err
}

// resolveHost returns the addresses of host in the given family (0:
// both). A literal address needs no lookup; a name is looked up with
// net.DefaultResolver on the loop's executor when t is not nil, or in
// place otherwise (before a loop runs).
func resolveHost(t *Task, family int, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		if !familyAccepts(family, a) {
			return nil, &net.AddrError{Err: "address of the wrong family", Addr: host}
		}
		return []netip.Addr{a}, nil
	}
	ipnet := "ip"
	switch family {
	case unix.AF_INET:
		ipnet = "ip4"
	case unix.AF_INET6:
		ipnet = "ip6"
	}
	lookup := func() ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(context.Background(), ipnet, host)
	}
	var addrs []netip.Addr
	var err error
	if t != nil {
		addrs, err = ToThread(t, lookup)
	} else {
		addrs, err = lookup()
	}
	if err != nil {
		return nil, err
	}
	out := addrs[:0]
	for _, a := range addrs {
		a = a.Unmap()
		if familyAccepts(family, a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no suitable address found", Name: host, IsNotFound: true}
	}
	return out, nil
}

func familyAccepts(family int, a netip.Addr) bool {
	switch family {
	case unix.AF_INET:
		return a.Is4()
	case unix.AF_INET6:
		return a.Is6()
	}
	return true
}

func addrFamily(a netip.Addr) int {
	if a.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// inetSockaddr makes the sockaddr of ap for a socket of the given family
// (an IPv4 address on an AF_INET6 socket becomes IPv4-mapped).
func inetSockaddr(ap netip.AddrPort, family int) unix.Sockaddr {
	a := ap.Addr()
	if family == unix.AF_INET {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.Unmap().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16(), ZoneId: zoneIndex(a.Zone())}
}

// sockaddrToAddrPort converts an IP sockaddr; IPv4-mapped addresses come
// back as IPv4.
func sockaddrToAddrPort(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		a := netip.AddrFrom16(sa.Addr)
		if a.Is4In6() {
			a = a.Unmap()
		} else if sa.ZoneId != 0 {
			a = a.WithZone(zoneName(int(sa.ZoneId)))
		}
		return netip.AddrPortFrom(a, uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// sockaddrToNetAddr converts a sockaddr to the net.Addr Go's net package
// would give: *net.TCPAddr, *net.UDPAddr or *net.UnixAddr.
func sockaddrToNetAddr(sa unix.Sockaddr, datagram bool) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		ap := sockaddrToAddrPort(sa)
		if datagram {
			return net.UDPAddrFromAddrPort(ap)
		}
		return net.TCPAddrFromAddrPort(ap)
	case *unix.SockaddrUnix:
		n := "unix"
		if datagram {
			n = "unixgram"
		}
		return &net.UnixAddr{Name: sa.Name, Net: n}
	}
	return nil
}

// netAddrToSockaddr converts a *net.TCPAddr, *net.UDPAddr or
// *net.UnixAddr, and returns the socket family to use with it.
func netAddrToSockaddr(addr net.Addr) (unix.Sockaddr, int, error) {
	var ap netip.AddrPort
	switch a := addr.(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	case *net.UDPAddr:
		ap = a.AddrPort()
	case *net.UnixAddr:
		return &unix.SockaddrUnix{Name: a.Name}, unix.AF_UNIX, nil
	default:
		return nil, 0, fmt.Errorf("aio: unsupported address type %T", addr)
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	f := addrFamily(ap.Addr())
	return inetSockaddr(ap, f), f, nil
}

// zoneName returns the name of the interface with the given index, or
// the index as a string.
func zoneName(idx int) string {
	if ifi, err := net.InterfaceByIndex(idx); err == nil {
		return ifi.Name
	}
	return strconv.Itoa(idx)
}

// zoneIndex returns the index of the interface named zone (or written as
// a number).
func zoneIndex(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// sockName and peerName return the addresses of a socket, or nil.
func sockName(fd int, datagram bool) net.Addr {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	return sockaddrToNetAddr(sa, datagram)
}

func peerName(fd int, datagram bool) net.Addr {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return nil
	}
	return sockaddrToNetAddr(sa, datagram)
}

// socketFamily returns the address family of a socket.
func socketFamily(fd int) (int, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return 0, os.NewSyscallError("getsockname", err)
	}
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET, nil
	case *unix.SockaddrInet6:
		return unix.AF_INET6, nil
	case *unix.SockaddrUnix:
		return unix.AF_UNIX, nil
	}
	return 0, fmt.Errorf("aio: unsupported socket family")
}

// setNoDelay turns Nagle's algorithm off on a TCP socket, as asyncio does
// for every TCP transport.
func setNoDelay(fd, family int) {
	if family == unix.AF_INET || family == unix.AF_INET6 {
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
}

// sockError returns the pending error of a socket (SO_ERROR), or nil.
func sockError(fd int) error {
	n, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if n != 0 {
		return unix.Errno(n)
	}
	return nil
}

// isTemporaryAccept reports accept errors that mean "nothing to accept
// now, try again".
func isTemporaryAccept(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR || err == unix.ECONNABORTED || err == unix.EPROTO
}
