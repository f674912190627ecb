//go:build linux

package aio

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// pathInUse returns an error unless err is EADDRINUSE and names path.
func pathInUse(err error, path string) error {
	if err == nil {
		return errors.New("CreateUnixServer took over a path in use")
	}
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), path) {
		return fmt.Errorf("error %q: want EADDRINUSE naming %s", err, path)
	}
	return nil
}

// A socket file that nobody accepts on is replaced: the one a listener
// left when it closed without removing it, and one bound but not
// listening.
func TestCreateUnixServerReplacesStaleSocket(t *testing.T) {
	checkFDs(t)
	dir := t.TempDir()
	leftOver := dir + "/left.sock"
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: leftOver, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()

	bound := dir + "/bound.sock"
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: bound}); err != nil {
		t.Fatal(err)
	}

	l := newIOLoop(t)
	for _, path := range []string{leftOver, bound} {
		runTest(t, l, func(tk *Task) error {
			srv, err := CreateUnixServer(tk, func() *recProto { return &recProto{} }, path)
			if err != nil {
				return err
			}
			defer srv.Close()
			c, err := net.Dial("unix", path) // queued on our listener
			if err != nil {
				return err
			}
			return c.Close()
		})
	}
}

// A live server's path makes a second server fail, and the first keeps
// its file and its clients.
func TestCreateUnixServerRefusesLiveSocket(t *testing.T) {
	checkFDs(t)
	path := t.TempDir() + "/live.sock"
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		first, err := CreateUnixServer(tk, func() *recProto { return &recProto{} }, path)
		if err != nil {
			return err
		}
		_, err = CreateUnixServer(tk, func() *recProto { return &recProto{} }, path)
		if err := pathInUse(err, path); err != nil {
			return err
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the first server's file is gone: %v", err)
		}
		first.Close()
		return first.WaitClosed(tk)
	})

	// The same against a server of another kind (net's).
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	runTest(t, l, func(tk *Task) error {
		_, err := CreateUnixServer(tk, func() *recProto { return &recProto{} }, path)
		return pathInUse(err, path)
	})
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatalf("the first server lost its path: %v", err)
	}
	c.Close()
}

// A file that is not a socket is left alone, and the error names it.
func TestCreateUnixServerKeepsOtherFiles(t *testing.T) {
	checkFDs(t)
	path := t.TempDir() + "/data.txt"
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		_, err := CreateUnixServer(tk, func() *recProto { return &recProto{} }, path)
		return pathInUse(err, path)
	})
	if b, err := os.ReadFile(path); err != nil || string(b) != "precious" {
		t.Fatalf("the file was touched: %q, %v", b, err)
	}
}
