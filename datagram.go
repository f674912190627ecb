package aio

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// DatagramTransport is the transport of a datagram endpoint
// (asyncio.DatagramTransport). Its methods are called from the loop's
// goroutine.
type DatagramTransport interface {
	BaseTransport

	// SendTo sends data as one datagram to addr; on a connected endpoint
	// addr may be the zero AddrPort (or must be the remote address). It
	// never blocks: a datagram the kernel cannot take now is copied and
	// sent when the socket becomes writable. A send error is returned
	// and also passed to the protocol's ErrorReceived; it does not close
	// the endpoint. SendTo returns [ErrTransportClosed] on a closing
	// endpoint.
	SendTo(data []byte, addr netip.AddrPort) error

	// Abort closes the endpoint at once, dropping queued datagrams.
	Abort()

	// WriteBufferSize returns the bytes of the datagrams queued, not yet
	// sent.
	WriteBufferSize() int
}

// UDPTransport is the [DatagramTransport] of a UDP socket, made by
// [CreateDatagramEndpoint] (asyncio's _SelectorDatagramTransport). Its
// methods are called from the loop's goroutine.
type UDPTransport struct {
	fdTransport
	family int
	proto  DatagramProtocol
	remote netip.AddrPort // set on a connected endpoint
	queue  []queuedDatagram
	qhead  int
	qbytes int
	laddr  net.Addr

	sa4 unix.SockaddrInet4 // scratch for sendto, so that it does not allocate
	sa6 unix.SockaddrInet6
	rsa unix.RawSockaddrAny // scratch for recvfrom
}

type queuedDatagram struct {
	data []byte
	addr netip.AddrPort
}

var _ DatagramTransport = (*UDPTransport)(nil)

// CreateDatagramEndpoint makes a UDP endpoint and its protocol (asyncio's
// loop.create_datagram_endpoint). network is "udp", "udp4" or "udp6".
// local ("host:port", "" for none) is the address to bind: a server
// binds, typically with host "" (every interface) or a given address.
// remote ("" for none) connects the socket to one peer: a client
// connects, and then sends with a zero address and receives only from
// that peer. Host names are resolved on the loop's executor.
//
// Options: [ReusePort], [AllowBroadcast]. [ReuseAddress] is ignored: SO_REUSEADDR
// on UDP lets other processes steal datagrams, which is why asyncio
// dropped it.
//
// The protocol's ConnectionMade has run when it returns.
//
// Cancellation: while a host name is being resolved, it returns an error
// matching [ErrCancelled] and nothing is left open.
func CreateDatagramEndpoint[P DatagramProtocol](t *Task, factory func() P, network, local, remote string, opts ...NetOption) (*UDPTransport, P, error) {
	t.checkRunning("CreateDatagramEndpoint")
	var zero P
	cfg := newNetConfig(opts)
	family, err := parseNetwork(network, true)
	if err != nil {
		return nil, zero, err
	}
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: network, Err: err} }
	var raddr, laddr netip.AddrPort
	hasLocal := local != ""
	var wildcard bool
	if remote != "" {
		addrs, port, err := resolveRemote(t, network, family, remote)
		if err != nil {
			return nil, zero, opErr(err)
		}
		raddr = netip.AddrPortFrom(addrs[0], uint16(port))
		family = addrFamily(addrs[0])
	}
	if hasLocal {
		host, port, err := splitHostPort(network, local)
		if err != nil {
			return nil, zero, opErr(err)
		}
		if host == "" {
			wildcard = true
			switch family {
			case unix.AF_INET:
				laddr = netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(port))
			default: // IPv6 or either: a dual-stack socket
				laddr = netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(port))
			}
		} else {
			addrs, err := resolveHost(t, family, host)
			if err != nil {
				return nil, zero, opErr(err)
			}
			laddr = netip.AddrPortFrom(addrs[0], uint16(port))
		}
		if family == 0 {
			family = addrFamily(laddr.Addr())
		}
	}
	if family == 0 {
		family = unix.AF_INET
	}
	if raddr.IsValid() && laddr.IsValid() && !wildcard && addrFamily(laddr.Addr()) != family {
		return nil, zero, opErr(errors.New("local and remote addresses of different families"))
	}
	fd, err := sysSocket(family, unix.SOCK_DGRAM, 0)
	if err != nil && family == unix.AF_INET6 && wildcard && !raddr.IsValid() && errors.Is(err, unix.EAFNOSUPPORT) {
		family = unix.AF_INET
		laddr = netip.AddrPortFrom(netip.IPv4Unspecified(), laddr.Port())
		fd, err = sysSocket(family, unix.SOCK_DGRAM, 0)
	}
	if err != nil {
		return nil, zero, opErr(err)
	}
	fail := func(op string, err error) (*UDPTransport, P, error) {
		unix.Close(fd)
		return nil, zero, opErr(os.NewSyscallError(op, err))
	}
	if cfg.reusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if cfg.broadcast {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if family == unix.AF_INET6 {
		v6only := 1
		if wildcard && network == "udp" {
			v6only = 0
		}
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only); err != nil {
			return fail("setsockopt", err)
		}
	}
	if laddr.IsValid() {
		if err := unix.Bind(fd, inetSockaddr(laddr, family)); err != nil {
			return fail("bind", err)
		}
	}
	if raddr.IsValid() {
		if err := unix.Connect(fd, inetSockaddr(raddr, family)); err != nil {
			return fail("connect", err)
		}
	}
	dp, err := callFactory(factory)
	if err != nil {
		unix.Close(fd)
		return nil, zero, err
	}
	tr := newUDPTransport(t.fut.loop, fd, family, dp, raddr)
	if err := tr.start(); err != nil {
		return nil, zero, err
	}
	return tr, dp, nil
}

// newUDPTransport wraps a non-blocking datagram socket of the family,
// connected to remote if it is valid.
func newUDPTransport(l *Loop, fd, family int, p DatagramProtocol, remote netip.AddrPort) *UDPTransport {
	t := &UDPTransport{family: family, proto: p, remote: remote}
	t.fdTransport.init(l, fd, t)
	return t
}

// Protocol returns the endpoint's protocol.
func (t *UDPTransport) Protocol() DatagramProtocol { return t.proto }

// SetProtocol switches the protocol that receives the events from now on.
func (t *UDPTransport) SetProtocol(p DatagramProtocol) { t.proto = p }

// LocalAddr returns the address the socket is bound to (a *[net.UDPAddr]),
// cached on first use.
func (t *UDPTransport) LocalAddr() net.Addr {
	if t.laddr == nil && t.pfd.fd >= 0 {
		t.laddr = sockName(t.pfd.fd, true)
	}
	return t.laddr
}

// RemoteAddr returns the peer of a connected endpoint, or nil.
func (t *UDPTransport) RemoteAddr() net.Addr {
	if !t.remote.IsValid() {
		return nil
	}
	return net.UDPAddrFromAddrPort(t.remote)
}

// ExtraInfo returns "peername", "sockname" ([net.Addr]), "socket" or "fd"
// (int); nil otherwise (asyncio's get_extra_info).
func (t *UDPTransport) ExtraInfo(name string) any {
	return t.extraInfo(name, t.LocalAddr, t.RemoteAddr)
}

// WriteBufferSize returns the bytes of the datagrams queued, not yet sent.
func (t *UDPTransport) WriteBufferSize() int { return t.qbytes }

// SendTo sends one datagram (see [DatagramTransport.SendTo]).
func (t *UDPTransport) SendTo(data []byte, addr netip.AddrPort) error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	if addr.IsValid() {
		addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	}
	if t.remote.IsValid() {
		if addr.IsValid() && addr != t.remote {
			return fmt.Errorf("aio: SendTo: the endpoint is connected to %v, not %v", t.remote, addr)
		}
		addr = netip.AddrPort{}
	} else if !addr.IsValid() {
		return errors.New("aio: SendTo: an address is needed on an unconnected endpoint")
	}
	if t.qhead == len(t.queue) {
		err := ignoringEINTR(func() error { return t.send(data, addr) })
		if err == nil {
			return nil
		}
		if err != unix.EAGAIN && err != unix.ENOBUFS {
			e := os.NewSyscallError("sendto", err)
			t.errorReceived(e)
			return e
		}
	}
	if t.overLimit(t.qbytes, len(data)) {
		return ErrWriteBufferFull // this datagram only: the others are whole
	}
	wasEmpty := t.qhead == len(t.queue)
	t.queue = append(t.queue, queuedDatagram{append([]byte(nil), data...), addr})
	t.qbytes += len(data)
	if wasEmpty {
		t.update()
	}
	t.maybePauseProtocol()
	return nil
}

// send makes one sendto without allocating.
func (t *UDPTransport) send(data []byte, addr netip.AddrPort) error {
	if !addr.IsValid() {
		_, err := sysSend(t.pfd.fd, data)
		return err
	}
	a := addr.Addr()
	if t.family == unix.AF_INET {
		if !a.Is4() {
			return unix.EAFNOSUPPORT
		}
		t.sa4.Port, t.sa4.Addr = int(addr.Port()), a.As4()
		return unix.Sendto(t.pfd.fd, data, msgNoSignal, &t.sa4)
	}
	t.sa6.Port, t.sa6.Addr, t.sa6.ZoneId = int(addr.Port()), a.As16(), zoneIndex(a.Zone())
	return unix.Sendto(t.pfd.fd, data, msgNoSignal, &t.sa6)
}

// The transportOps of a datagram endpoint.

func (t *UDPTransport) made() { t.proto.ConnectionMade(t) }

func (t *UDPTransport) lost(err error) { t.loop.protocolLost(t.proto.ConnectionLost, err) }

func (t *UDPTransport) release() {
	t.pfd.close()
	t.queue, t.qhead, t.qbytes = nil, 0, 0
}

func (t *UDPTransport) bufferSize() int { return t.qbytes }
func (t *UDPTransport) protocol() any   { return t.proto }

// update waits for readability until the endpoint closes, and for
// writability while datagrams are queued.
func (t *UDPTransport) update() {
	var w poll.Event
	if t.flags&fClosing == 0 {
		w |= poll.Readable
	}
	if t.qhead < len(t.queue) {
		w |= poll.Writable
	}
	t.setWant(w)
}

func (t *UDPTransport) errorReceived(err error) {
	if er, ok := t.proto.(DatagramErrorReceiver); ok {
		er.ErrorReceived(err)
	}
}

func (t *UDPTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	if t.pfd.wantsRead(ev) {
		t.readReady()
	}
	if t.pfd.wantsWrite(ev) {
		t.flush()
	}
}

// readReady receives datagrams, up to the budget.
func (t *UDPTransport) readReady() {
	buf := t.loop.readBuffer()
	for range datagramBudget {
		var n int
		var from netip.AddrPort
		err := ignoringEINTR(func() (err error) {
			n, from, err = sysRecvFrom(t.pfd.fd, buf, &t.rsa)
			return err
		})
		if err != nil {
			if err != unix.EAGAIN {
				t.errorReceived(os.NewSyscallError("recvfrom", err))
			}
			return
		}
		t.proto.DatagramReceived(buf[:n], from)
		if t.flags&fClosing != 0 {
			return
		}
	}
}

// flush sends queued datagrams.
func (t *UDPTransport) flush() {
	for t.qhead < len(t.queue) {
		d := &t.queue[t.qhead]
		err := ignoringEINTR(func() error { return t.send(d.data, d.addr) })
		if err == unix.EAGAIN || err == unix.ENOBUFS {
			return
		}
		t.qbytes -= len(d.data)
		*d = queuedDatagram{}
		t.qhead++
		if err != nil {
			t.errorReceived(os.NewSyscallError("sendto", err))
			if t.flags&fLost != 0 {
				return
			}
		}
	}
	t.queue, t.qhead = t.queue[:0], 0
	t.update()
	t.maybeResumeProtocol()
	if t.flags&(fClosing|fLost) == fClosing {
		t.forceClose(nil)
	}
}
