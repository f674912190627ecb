package aio

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Socket queries and options common to every socket the loop handles.

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
