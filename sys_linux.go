//go:build linux

package aio

import (
	"net/netip"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Linux: sockets are made non-blocking and close-on-exec atomically, and
// stream writes use MSG_NOSIGNAL so a broken pipe is an EPIPE error, never
// a SIGPIPE.
//
// The hot-path calls (read, send, sendmsg, recvfrom, accept4) are raw
// syscalls: on non-blocking sockets they never block, and skipping the Go
// scheduler's syscall bookkeeping keeps the runtime's sysmon thread
// asleep while the loop sleeps (see internal/poll's park_linux.go), which
// measured here saves about a third of the server's CPU per message at
// equal load.
// They must only be used on non-blocking fds.

const (
	sockFlags   = unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC
	msgNoSignal = unix.MSG_NOSIGNAL
)

// sysSocket makes a non-blocking, close-on-exec socket.
func sysSocket(family, sotype, proto int) (int, error) {
	fd, err := unix.Socket(family, sotype|sockFlags, proto)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// sysAccept accepts a connection as a non-blocking, close-on-exec fd. It
// does not decode the peer's address (transports ask for it lazily), so
// it does not allocate. The error is a bare Errno.
func sysAccept(fd int) (int, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, sockFlags, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

// sysSend writes p to a connected socket. It returns 0, never -1, with an
// error, which is a bare Errno.
func sysSend(fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	r, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(ptr), uintptr(len(p)), msgNoSignal, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// sysRead reads from fd into p. It returns 0, never -1, with an error,
// which is a bare Errno.
func sysRead(fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(ptr), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// sysRecv reads from a connected socket into p: recvfrom, which goes to
// the socket at once, where read(2) passes through the file layer first
// (fdget_pos, vfs_read, the socket's read_iter), about a fifth of a
// small read's kernel time. It returns 0, never -1, with an error, which
// is a bare Errno.
func sysRecv(fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(ptr), uintptr(len(p)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// sysWrite writes p to fd (a pipe: send refuses what is not a socket).
// It returns 0, never -1, with an error, which is a bare Errno.
func sysWrite(fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(ptr), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// sysWritev writes bufs with one sendmsg (one writev on a pipe), using
// iov as scratch so that it does not allocate. It returns how many bytes
// the kernel took.
func sysWritev(fd int, bufs [][]byte, iov *[]unix.Iovec, pipe bool) (int, error) {
	v := (*iov)[:0]
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		if len(v) == maxIov {
			break
		}
		v = append(v, unix.Iovec{Base: &b[0]})
		v[len(v)-1].SetLen(len(b))
	}
	*iov = v
	if len(v) == 0 {
		return 0, nil
	}
	var r uintptr
	var e unix.Errno
	if pipe {
		r, _, e = unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&v[0])), uintptr(len(v)))
	} else {
		var msg unix.Msghdr
		msg.Iov = &v[0]
		msg.SetIovlen(len(v))
		r, _, e = unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), msgNoSignal)
	}
	clear(v) // keep no reference to the caller's buffers
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// sysRecvFrom receives one datagram into p and decodes its sender without
// allocating; rsa is scratch owned by the caller.
func sysRecvFrom(fd int, p []byte, rsa *unix.RawSockaddrAny) (int, netip.AddrPort, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	alen := uint32(unix.SizeofSockaddrAny)
	r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(ptr), uintptr(len(p)), 0,
		uintptr(unsafe.Pointer(rsa)), uintptr(unsafe.Pointer(&alen)))
	if e != 0 {
		return 0, netip.AddrPort{}, e
	}
	return int(r), rawToAddrPort(rsa), nil
}

// rawToAddrPort decodes an AF_INET or AF_INET6 address.
func rawToAddrPort(rsa *unix.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&sa.Port))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(p[0])<<8|uint16(p[1]))
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&sa.Port))
		a := netip.AddrFrom16(sa.Addr)
		if a.Is4In6() {
			a = a.Unmap()
		} else if sa.Scope_id != 0 {
			a = a.WithZone(zoneName(int(sa.Scope_id)))
		}
		return netip.AddrPortFrom(a, uint16(p[0])<<8|uint16(p[1]))
	}
	return netip.AddrPort{}
}
