package aio

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// removeStaleSocket makes way for a Unix server at path: it removes a
// socket file nobody accepts on (left by a server that exited without
// removing it) and refuses anything else. A connect probe tells the two
// apart: ECONNREFUSED means that no socket listens there. A live server,
// a file that is not a socket, or a probe that cannot tell (no
// permission) gives an error, and the file stays. Nothing at path is
// fine.
//
// asyncio removes any socket file at path without probing, which lets a
// second server take a live server's path over.
func removeStaleSocket(path string) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return nil // nothing there (or not reachable): bind reports it
	}
	inUse := func(why string) error {
		return fmt.Errorf("%s: %w", why, os.NewSyscallError("bind", unix.EADDRINUSE))
	}
	if st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return inUse("the file there is not a socket")
	}
	switch err := probeUnix(path); err {
	case unix.ECONNREFUSED:
	case unix.ENOENT:
		return nil // gone meanwhile
	case nil, unix.EAGAIN, unix.EPROTOTYPE:
		// Accepted, queued (backlog full) or a datagram socket bound.
		return inUse("a socket is in use there")
	default:
		return fmt.Errorf("cannot tell whether the socket there is in use: %w", os.NewSyscallError("connect", err))
	}
	// Stale. Remove it only if it is still the file probed: another
	// server may have just replaced it.
	var now unix.Stat_t
	if unix.Lstat(path, &now) != nil || now.Ino != st.Ino || now.Dev != st.Dev {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// probeUnix connects a non-blocking stream socket to path and returns
// connect's error (nil if a listener took the connection).
func probeUnix(path string) error {
	fd, err := sysSocket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Connect(fd, &unix.SockaddrUnix{Name: path})
}
