//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package aio

import (
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// The BSDs and macOS: no SOCK_NONBLOCK on every one of them, so sockets
// are made under syscall.ForkLock and then flagged. SIGPIPE from a write
// to a broken socket is ignored by the Go runtime (the fd is not 1 or 2),
// so writes report EPIPE.

const msgNoSignal = 0

// sysSocket makes a non-blocking, close-on-exec socket.
func sysSocket(family, sotype, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, sotype, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("setnonblock", err)
	}
	return fd, nil
}

// sysAccept accepts a connection as a non-blocking, close-on-exec fd.
func sysAccept(fd int) (int, error) {
	syscall.ForkLock.RLock()
	nfd, _, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, err
	}
	return nfd, nil
}

// sysSend writes p; it returns 0, never -1, with an error.
func sysSend(fd int, p []byte) (int, error) {
	n, err := unix.Write(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// sysRead reads into p; it returns 0, never -1, with an error.
func sysRead(fd int, p []byte) (int, error) {
	n, err := unix.Read(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// sysRecv reads from a connected socket into p: the same read(2) as
// sysRead.
func sysRecv(fd int, p []byte) (int, error) { return sysRead(fd, p) }

// sysWrite writes p to a pipe: the same write(2) as sysSend.
func sysWrite(fd int, p []byte) (int, error) { return sysSend(fd, p) }

// sysWritev writes bufs one after the other until the kernel takes less
// than a whole buffer; sockets and pipes take the same write(2).
func sysWritev(fd int, bufs [][]byte, _ *[]unix.Iovec, _ bool) (int, error) {
	total := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		n, err := unix.Write(fd, b)
		if err != nil {
			if total > 0 {
				return total, nil // the error comes back on the next write
			}
			return total, err
		}
		total += n
		if n < len(b) {
			break
		}
	}
	return total, nil
}

// sysRecvFrom receives one datagram into p with its sender.
func sysRecvFrom(fd int, p []byte, _ *unix.RawSockaddrAny) (int, netip.AddrPort, error) {
	n, sa, err := unix.Recvfrom(fd, p, 0)
	if err != nil {
		return 0, netip.AddrPort{}, err
	}
	return n, sockaddrToAddrPort(sa), nil
}
