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
	// the endpoint. SendTo returns ErrTransportClosed on a closing
	// endpoint.
	SendTo(data []byte, addr netip.AddrPort) error

	// Abort closes the endpoint at once, dropping queued datagrams.
	Abort()

	// WriteBufferSize returns the bytes of the datagrams queued, not yet
	// sent.
	WriteBufferSize() int
}

// UDPTransport is the DatagramTransport of a UDP socket, made by
// CreateDatagramEndpoint (asyncio's _SelectorDatagramTransport). Its
// methods are called from the loop's goroutine.
type UDPTransport struct {
	loop      *Loop
	fd        int
	family    int
	flags     uint16
	interest  poll.Event
	proto     DatagramProtocol
	remote    netip.AddrPort // set on a connected endpoint
	queue     []queuedDatagram
	qhead     int
	qbytes    int
	high, low int
	laddr     net.Addr

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
// Options: ReusePort, AllowBroadcast. ReuseAddress is ignored: SO_REUSEADDR
// on UDP lets other processes steal datagrams, which is why asyncio
// dropped it.
//
// The protocol's ConnectionMade has run when it returns.
//
// Cancellation: while a host name is being resolved, it returns an error
// matching ErrCancelled and nothing is left open.
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
	tr := &UDPTransport{loop: t.fut.loop, fd: fd, family: family, proto: dp, remote: raddr,
		flags: fReading | fUnregistered, high: defaultHighWater, low: defaultLowWater}
	t.fut.loop.trackFD(fd, tr)
	if err := tr.start(); err != nil {
		return nil, zero, err
	}
	return tr, dp, nil
}

// start calls ConnectionMade and starts receiving.
func (t *UDPTransport) start() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = t.protocolPanicked(r)
		}
	}()
	t.proto.ConnectionMade(t)
	t.updateInterest()
	return nil
}

// Loop returns the loop the endpoint belongs to.
func (t *UDPTransport) Loop() *Loop { return t.loop }

// Protocol returns the endpoint's protocol.
func (t *UDPTransport) Protocol() DatagramProtocol { return t.proto }

// SetProtocol switches the protocol that receives the events from now on.
func (t *UDPTransport) SetProtocol(p DatagramProtocol) { t.proto = p }

// Fd returns the socket's file descriptor, or -1 once closed. The
// transport owns it.
func (t *UDPTransport) Fd() int { return t.fd }

// LocalAddr returns the address the socket is bound to (a *net.UDPAddr),
// cached on first use.
func (t *UDPTransport) LocalAddr() net.Addr {
	if t.laddr == nil && t.fd >= 0 {
		t.laddr = sockName(t.fd, true)
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

// ExtraInfo returns "peername", "sockname" (net.Addr), "socket" or "fd"
// (int); nil otherwise (asyncio's get_extra_info).
func (t *UDPTransport) ExtraInfo(name string) any {
	switch name {
	case "peername":
		if a := t.RemoteAddr(); a != nil {
			return a
		}
	case "sockname":
		if a := t.LocalAddr(); a != nil {
			return a
		}
	case "socket", "fd":
		return t.fd
	}
	return nil
}

// IsClosing reports whether Close or Abort was called.
func (t *UDPTransport) IsClosing() bool { return t.flags&fClosing != 0 }

// WriteBufferSize returns the bytes of the datagrams queued, not yet sent.
func (t *UDPTransport) WriteBufferSize() int { return t.qbytes }

// SetWriteBufferLimits sets the flow-control marks of the queue, as
// SocketTransport.SetWriteBufferLimits does; the protocol is paused only
// if it implements WriteFlowProtocol.
func (t *UDPTransport) SetWriteBufferLimits(high, low int) {
	switch {
	case high < 0 && low < 0:
		high, low = defaultHighWater, defaultLowWater
	case high < 0:
		high = 4 * low
	case low < 0:
		low = high / 4
	}
	if low > high {
		panic(fmt.Sprintf("aio: SetWriteBufferLimits: low (%d) must not exceed high (%d)", low, high))
	}
	t.high, t.low = high, low
	t.maybePause()
}

// SendTo sends one datagram (see DatagramTransport.SendTo).
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
		err := t.send(data, addr)
		for err == unix.EINTR {
			err = t.send(data, addr)
		}
		if err == nil {
			return nil
		}
		if err != unix.EAGAIN && err != unix.ENOBUFS {
			e := os.NewSyscallError("sendto", err)
			t.errorReceived(e)
			return e
		}
	}
	if t.qbytes+len(data) > defaultMaxWriteBuffer {
		return ErrWriteBufferFull
	}
	wasEmpty := t.qhead == len(t.queue)
	t.queue = append(t.queue, queuedDatagram{append([]byte(nil), data...), addr})
	t.qbytes += len(data)
	if wasEmpty {
		t.updateInterest()
	}
	t.maybePause()
	return nil
}

// send makes one sendto without allocating.
func (t *UDPTransport) send(data []byte, addr netip.AddrPort) error {
	if !addr.IsValid() {
		_, err := sysSend(t.fd, data)
		return err
	}
	a := addr.Addr()
	if t.family == unix.AF_INET {
		if !a.Is4() {
			return unix.EAFNOSUPPORT
		}
		t.sa4.Port, t.sa4.Addr = int(addr.Port()), a.As4()
		return unix.Sendto(t.fd, data, msgNoSignal, &t.sa4)
	}
	t.sa6.Port, t.sa6.Addr, t.sa6.ZoneId = int(addr.Port()), a.As16(), zoneIndex(a.Zone())
	return unix.Sendto(t.fd, data, msgNoSignal, &t.sa6)
}

// Close closes the endpoint once queued datagrams are sent; then
// ConnectionLost(nil) is called. Closing twice does nothing.
func (t *UDPTransport) Close() error {
	if t.flags&fClosing != 0 {
		return nil
	}
	t.flags |= fClosing
	if t.qhead == len(t.queue) {
		t.forceClose(nil)
		return nil
	}
	t.updateInterest()
	return nil
}

// Abort closes the endpoint at once, dropping queued datagrams; then
// ConnectionLost(nil) is called.
func (t *UDPTransport) Abort() { t.forceClose(nil) }

func (t *UDPTransport) closeForLoop() { t.forceClose(nil) }

func (t *UDPTransport) forceClose(err error) {
	if t.flags&fLost != 0 {
		return
	}
	t.flags |= fLost | fClosing
	t.loop.untrackFD(t.fd, t.flags&fUnregistered == 0)
	unix.Close(t.fd)
	t.fd = -1
	t.queue, t.qhead, t.qbytes = nil, 0, 0
	t.loop.ready.push(funcCallback(func() { t.loop.protocolLost(t.proto.ConnectionLost, err) }))
}

func (t *UDPTransport) protocolPanicked(r any) error {
	pe := newPanicError(r)
	t.loop.CallExceptionHandler(ExceptionContext{Message: "panic in a datagram protocol callback: endpoint closed", Err: pe})
	t.forceClose(pe)
	return pe
}

func (t *UDPTransport) recoverPanic() {
	if r := recover(); r != nil {
		t.protocolPanicked(r)
	}
}

func (t *UDPTransport) errorReceived(err error) {
	if er, ok := t.proto.(DatagramErrorReceiver); ok {
		er.ErrorReceived(err)
	}
}

func (t *UDPTransport) updateInterest() {
	if t.flags&fLost != 0 {
		return
	}
	var w poll.Event
	if t.flags&fClosing == 0 {
		w |= poll.Readable
	}
	if t.qhead < len(t.queue) {
		w |= poll.Writable
	}
	if err := t.loop.setInterest(t.fd, &t.flags, &t.interest, w); err != nil {
		t.forceClose(err)
	}
}

func (t *UDPTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	if t.interest&poll.Readable != 0 && ev&(poll.Readable|poll.Error|poll.Hangup) != 0 {
		t.readReady()
	}
	if t.interest&poll.Writable != 0 && ev&(poll.Writable|poll.Error|poll.Hangup) != 0 {
		t.flush()
	}
}

// readReady receives datagrams, up to the budget.
func (t *UDPTransport) readReady() {
	buf := t.loop.readBuffer()
	for range datagramBudget {
		n, from, err := sysRecvFrom(t.fd, buf, &t.rsa)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
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
		err := t.send(d.data, d.addr)
		if err == unix.EINTR {
			continue
		}
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
	t.updateInterest()
	t.maybeResume()
	if t.flags&(fClosing|fLost) == fClosing && t.qhead == len(t.queue) {
		t.forceClose(nil)
	}
}

func (t *UDPTransport) maybePause() {
	if t.flags&fWritePaused != 0 || t.qbytes <= t.high {
		return
	}
	t.flags |= fWritePaused
	if fp, ok := t.proto.(WriteFlowProtocol); ok {
		callProtocol(t.loop, "protocol PauseWriting failed", fp.PauseWriting)
	}
}

func (t *UDPTransport) maybeResume() {
	if t.flags&fWritePaused == 0 || t.qbytes > t.low {
		return
	}
	t.flags &^= fWritePaused
	if fp, ok := t.proto.(WriteFlowProtocol); ok {
		callProtocol(t.loop, "protocol ResumeWriting failed", fp.ResumeWriting)
	}
}
