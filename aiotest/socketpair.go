package aiotest

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/aio-go/aio"
	"golang.org/x/sys/unix"
)

// SocketPair returns the two ends, as fds, of a connected pair of
// sockets: network is "tcp4" (on 127.0.0.1), "tcp6" (on ::1), "unix" (a
// stream socketpair), "unixgram", "udp4" or "udp6" (each end bound on
// the loopback and connected to the other). Both ends are non-blocking
// and close-on-exec, ready for aio's Sock functions and the loop's
// AddReader and AddWriter. TCP ends have TCP_NODELAY set.
//
// Both ends belong to the test and are closed when it ends: do not hand
// them to something that closes them itself, such as
// [aio.ConnectAccepted] (use [StreamPair] or [StreamPeer] for
// transports). Call it from the test's goroutine; it fails tb if the
// pair cannot be made (see [RequireLoopback] for tcp6 and udp6).
func SocketPair(tb testing.TB, network string) (a, b int) {
	tb.Helper()
	a, b = mustSocketPair(tb, network)
	tb.Cleanup(func() { unix.Close(a); unix.Close(b) })
	return a, b
}

// StreamPair connects two stream transports on l over network ("tcp4",
// "tcp6" or "unix", as for [SocketPair]): ct, whose protocol cp comes
// from client, and st, whose protocol sp comes from server. Both
// ConnectionMade calls have run when it returns. The transports own
// their sockets ([aio.ConnectAccepted]); the loop closes those still
// open when it closes.
//
// Call it from the test's goroutine while l is not running (it fails tb
// if the pair cannot be made); in a task, a [StreamMaker] such as
// [SocketPairStreams] makes pairs and returns errors instead.
func StreamPair[C, S aio.Protocol](tb testing.TB, l *aio.Loop, network string, client func() C, server func() S) (ct *aio.SocketTransport, cp C, st *aio.SocketTransport, sp S) {
	tb.Helper()
	a, b := mustSocketPair(tb, network)
	ct, cp, st, sp, err := adoptPair(l, a, b, client, server)
	if err != nil {
		tb.Fatal(err)
	}
	return ct, cp, st, sp
}

// StreamPeer is [StreamPair] with only one end in a transport: tr, with
// the protocol p from factory, on l; the other end, peer, is a plain
// non-blocking fd that the test drives by hand and that is closed when
// the test ends. network is "tcp4", "tcp6" or "unix". Call it as
// StreamPair.
func StreamPeer[P aio.Protocol](tb testing.TB, l *aio.Loop, network string, factory func() P) (tr *aio.SocketTransport, p P, peer int) {
	tb.Helper()
	a, b := mustSocketPair(tb, network)
	tb.Cleanup(func() { unix.Close(b) })
	tr, p, err := aio.ConnectAccepted(l, factory, a)
	if err != nil {
		unix.Close(a)
		tb.Fatalf("aiotest: StreamPeer: %v", err)
	}
	return tr, p, b
}

// adoptPair wraps the fds a and b in transports; on an error none is
// left open.
func adoptPair[C, S aio.Protocol](l *aio.Loop, a, b int, client func() C, server func() S) (ct *aio.SocketTransport, cp C, st *aio.SocketTransport, sp S, err error) {
	st, sp, err = aio.ConnectAccepted(l, server, b)
	if err != nil {
		unix.Close(a)
		unix.Close(b)
		return nil, cp, nil, sp, fmt.Errorf("aiotest: server end: %w", err)
	}
	ct, cp, err = aio.ConnectAccepted(l, client, a)
	if err != nil {
		unix.Close(a)
		st.Abort()
		return nil, cp, nil, sp, fmt.Errorf("aiotest: client end: %w", err)
	}
	return ct, cp, st, sp, nil
}

// RequireLoopback skips the test, saying why, if network ("tcp6",
// "udp6", ...) has no usable loopback address here: a host or container
// without IPv6 has no ::1. Other networks are always there. Call it from
// the test's goroutine.
func RequireLoopback(tb testing.TB, network string) {
	tb.Helper()
	var err error
	switch network {
	case "tcp6":
		var ln net.Listener
		if ln, err = net.Listen("tcp6", "[::1]:0"); err == nil {
			ln.Close()
		}
	case "udp6":
		var c net.PacketConn
		if c, err = net.ListenPacket("udp6", "[::1]:0"); err == nil {
			c.Close()
		}
	}
	if err != nil {
		tb.Skipf("aiotest: %s: the IPv6 loopback ::1 is not available here: %v", network, err)
	}
}

// mustSocketPair is socketPair that fails tb on an error.
func mustSocketPair(tb testing.TB, network string) (a, b int) {
	tb.Helper()
	a, b, err := socketPair(network)
	if err != nil {
		tb.Fatal(err)
	}
	return a, b
}

// socketPair makes the pair for SocketPair; the caller owns both fds.
func socketPair(network string) (a, b int, err error) {
	switch network {
	case "unix":
		return unixPair(unix.SOCK_STREAM)
	case "unixgram":
		return unixPair(unix.SOCK_DGRAM)
	case "tcp4":
		return inetPair(unix.AF_INET, unix.SOCK_STREAM)
	case "tcp6":
		return inetPair(unix.AF_INET6, unix.SOCK_STREAM)
	case "udp4":
		return inetPair(unix.AF_INET, unix.SOCK_DGRAM)
	case "udp6":
		return inetPair(unix.AF_INET6, unix.SOCK_DGRAM)
	}
	return -1, -1, fmt.Errorf("aiotest: no socket pair for network %q", network)
}

func unixPair(typ int) (a, b int, err error) {
	syscall.ForkLock.RLock() // no exec may inherit the fds before they are close-on-exec
	fds, err := unix.Socketpair(unix.AF_UNIX, typ, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, -1, os.NewSyscallError("socketpair", err)
	}
	return fds[0], fds[1], nonblock(fds[0], fds[1])
}

// inetPair connects two sockets on the loopback of family: a stream
// through a listener that is closed again, a datagram pair by binding
// both ends and connecting each to the other. Connecting a stream
// socket on the loopback completes in the listener's backlog, so the
// blocking calls return at once.
func inetPair(family, typ int) (a, b int, err error) {
	var lo unix.Sockaddr = &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if family == unix.AF_INET6 {
		lo = &unix.SockaddrInet6{Addr: [16]byte{15: 1}}
	}
	fds := []int{}
	fail := func(op string, err error) (int, int, error) {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return -1, -1, os.NewSyscallError(op, err)
	}
	open := func() (int, error) {
		syscall.ForkLock.RLock()
		defer syscall.ForkLock.RUnlock()
		fd, err := unix.Socket(family, typ, 0)
		if err == nil {
			unix.CloseOnExec(fd)
			fds = append(fds, fd)
		}
		return fd, err
	}
	first, err := open()
	if err != nil {
		return fail("socket", err)
	}
	if err := unix.Bind(first, lo); err != nil {
		return fail("bind", err)
	}
	firstAddr, err := unix.Getsockname(first)
	if err != nil {
		return fail("getsockname", err)
	}
	second, err := open()
	if err != nil {
		return fail("socket", err)
	}
	if typ == unix.SOCK_DGRAM {
		if err := unix.Bind(second, lo); err != nil {
			return fail("bind", err)
		}
		secondAddr, err := unix.Getsockname(second)
		if err != nil {
			return fail("getsockname", err)
		}
		if err := unix.Connect(first, secondAddr); err != nil {
			return fail("connect", err)
		}
		if err := unix.Connect(second, firstAddr); err != nil {
			return fail("connect", err)
		}
		return first, second, nonblock(first, second)
	}
	if err := unix.Listen(first, 1); err != nil {
		return fail("listen", err)
	}
	if err := unix.Connect(second, firstAddr); err != nil {
		return fail("connect", err)
	}
	syscall.ForkLock.RLock()
	accepted, _, err := unix.Accept(first)
	if err == nil {
		unix.CloseOnExec(accepted)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fail("accept", err)
	}
	unix.Close(first)
	for _, fd := range []int{second, accepted} {
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
	return second, accepted, nonblock(second, accepted)
}

// nonblock makes a and b non-blocking, closing both on failure.
func nonblock(a, b int) error {
	for _, fd := range []int{a, b} {
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(a)
			unix.Close(b)
			return os.NewSyscallError("setnonblock", err)
		}
	}
	return nil
}
