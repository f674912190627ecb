package aio

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// Addresses: network names, host:port parsing and resolution, and the
// conversions between sockaddrs, netip and net.Addr.

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
	return resolveRemoteWith(t, nil, network, family, address)
}

// resolveRemoteWith is resolveRemote with the resolver r (nil:
// net.DefaultResolver).
func resolveRemoteWith(t *Task, r *net.Resolver, network string, family int, address string) ([]netip.Addr, int, error) {
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
	addrs, err := resolveHostWith(t, r, family, host)
	return addrs, port, err
}

// resolveHost returns the addresses of host in the given family (0:
// both). A literal address needs no lookup; a name is looked up with
// net.DefaultResolver on the loop's executor when t is not nil, or in
// place otherwise (before a loop runs). A lookup whose task is cancelled
// is abandoned: its context is cancelled, which ends the resolver's
// queries, so the executor's goroutine is not held until they time out.
func resolveHost(t *Task, family int, host string) ([]netip.Addr, error) {
	return resolveHostWith(t, nil, family, host)
}

// resolveHostWith is resolveHost with the resolver r (nil:
// net.DefaultResolver).
func resolveHostWith(t *Task, r *net.Resolver, family int, host string) ([]netip.Addr, error) {
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
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // a cancelled task leaves the lookup: end it
	lookup := func() ([]netip.Addr, error) {
		return r.LookupNetIP(ctx, ipnet, host)
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
