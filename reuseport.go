package aio

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// claimPort checks that no other socket listens on sa's address and
// port before the loops of a MultiServer bind their SO_REUSEPORT
// listeners there. SO_REUSEPORT alone would let an unrelated process of
// the same user, such as a second `aio serve`, join the group, and the
// kernel would then split the connections between the two.
//
// It binds and listens a socket made like the real listener (same
// SO_REUSEADDR and IPV6_V6ONLY, so a port left with TIME_WAIT
// connections is free for it as for them) but without SO_REUSEPORT:
// that fails with EADDRINUSE if any socket listens on an overlapping
// address, with SO_REUSEPORT or not. It then closes the probe, which the
// listener's own bind follows. Listening makes the probe itself visible
// to another process's probe, so two servers starting at once collide
// unless one's whole probe falls between the other's probe closing and
// its first listener listening (a few syscalls; docs/design.md, "Port
// exclusivity").
func claimPort(family int, sa unix.Sockaddr, v6only, reuseAddr bool) error {
	fd, err := listenerSocket(family, v6only, reuseAddr, false)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	err = unix.Bind(fd, sa)
	if err == nil {
		err = unix.Listen(fd, 1)
	}
	if err != nil {
		if err == unix.EADDRINUSE {
			return fmt.Errorf("port %d is held by another socket (only the loops of one server may share it): %w",
				sockaddrPort(sa), os.NewSyscallError("bind", err))
		}
		return os.NewSyscallError("bind", err)
	}
	return nil
}

// sockaddrPort returns the port of an IPv4 or IPv6 address, 0 for others.
func sockaddrPort(sa unix.Sockaddr) int {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return a.Port
	case *unix.SockaddrInet6:
		return a.Port
	}
	return 0
}
