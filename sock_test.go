//go:build linux

package aio

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// rawListener makes a non-blocking listening socket on 127.0.0.1.
func rawListener(t *testing.T) (int, net.Addr) {
	t.Helper()
	fd, err := sysSocket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		t.Fatal(err)
	}
	return fd, sockName(fd, false)
}

func TestSockFunctions(t *testing.T) {
	checkFDs(t)
	lfd, addr := rawListener(t)
	defer unix.Close(lfd)
	l := newIOLoop(t)
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: SockSendAll must wait
	runTest(t, l, func(tk *Task) error {
		server := Spawn(tk, func(t *Task) ([]byte, error) {
			fd, peer, err := SockAccept(t, lfd)
			if err != nil {
				return nil, err
			}
			defer unix.Close(fd)
			if peer == nil {
				return nil, fmt.Errorf("no peer address")
			}
			var got []byte
			buf := make([]byte, 4096)
			for {
				n, err := SockRecvInto(t, fd, buf)
				if err != nil {
					return nil, err
				}
				if n == 0 {
					break
				}
				got = append(got, buf[:n]...)
			}
			if err := SockSendAll(t, fd, []byte("done")); err != nil {
				return nil, err
			}
			return got, nil
		})
		cfd, err := sysSocket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			return err
		}
		defer unix.Close(cfd)
		if err := SockConnect(tk, cfd, addr); err != nil {
			return err
		}
		if err := SockSendAll(tk, cfd, payload); err != nil {
			return err
		}
		unix.Shutdown(cfd, unix.SHUT_WR)
		reply, err := SockRecv(tk, cfd, 16)
		if err != nil {
			return err
		}
		if string(reply) != "done" {
			return fmt.Errorf("reply %q", reply)
		}
		got, err := Await(tk, server)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, payload) {
			return fmt.Errorf("server got %d bytes, want %d", len(got), len(payload))
		}
		if l.nfds != 0 {
			return fmt.Errorf("%d fds still watched", l.nfds)
		}
		return nil
	})
}

// TestSockRecvCancel: a cancelled SockRecv returns ErrCancelled and
// leaves no reader behind.
func TestSockRecvCancel(t *testing.T) {
	fds := socketPair(t, "unix")
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		f := Spawn(tk, func(t *Task) ([]byte, error) { return SockRecv(t, fds[0], 10) })
		Sleep(tk, 0)
		Sleep(tk, 0)
		if l.nfds != 1 {
			return fmt.Errorf("SockRecv is not waiting on its fd")
		}
		// A second reader on the same fd is refused while one waits.
		if _, err := SockRecv(tk, fds[0], 1); err == nil {
			return fmt.Errorf("a second SockRecv on the fd was accepted")
		}
		f.Cancel()
		if _, err := Await(tk, f); !errors.Is(err, ErrCancelled) {
			return fmt.Errorf("cancelled SockRecv: %v", err)
		}
		if l.nfds != 0 {
			return fmt.Errorf("the reader was left behind")
		}
		return nil
	})
}

func TestAddReaderWriter(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		got := NewFuture[string](l)
		if err := l.AddReader(p[0], func() {
			buf := make([]byte, 16)
			n, _ := unix.Read(p[0], buf)
			got.SetResult(string(buf[:n]))
			l.RemoveReader(p[0])
		}); err != nil {
			return err
		}
		writable := NewFuture[struct{}](l)
		if err := l.AddWriter(p[1], func() {
			unix.Write(p[1], []byte("ready"))
			l.RemoveWriter(p[1])
			writable.SetResult(struct{}{})
		}); err != nil {
			return err
		}
		s, err := Await(tk, got)
		if err != nil {
			return err
		}
		if s != "ready" || !writable.Done() {
			return fmt.Errorf("reader got %q", s)
		}
		if l.RemoveReader(p[0]) || l.RemoveWriter(p[1]) || l.nfds != 0 {
			return fmt.Errorf("callbacks left behind")
		}
		// A transport's fd cannot be watched.
		srv, _, err := echoServer(tk)
		if err != nil {
			return err
		}
		defer srv.Close()
		if err := l.AddReader(srv.Sockets()[0].Fd, func() {}); err == nil {
			return fmt.Errorf("AddReader on a server's fd succeeded")
		}
		return nil
	})
}

func TestSockDatagram(t *testing.T) {
	a, err := sysSocket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(a)
	unix.Bind(a, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	b, _ := sysSocket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	defer unix.Close(b)
	unix.Bind(b, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	aAddr := sockName(a, true).(*net.UDPAddr).AddrPort()
	bAddr := sockName(b, true).(*net.UDPAddr).AddrPort()
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		recv := Spawn(tk, func(t *Task) (netip.AddrPort, error) {
			buf := make([]byte, 64)
			n, from, err := SockRecvFrom(t, a, buf)
			if err == nil && string(buf[:n]) != "dgram" {
				err = fmt.Errorf("got %q", buf[:n])
			}
			return from, err
		})
		Sleep(tk, 0)
		if err := SockSendTo(tk, b, []byte("dgram"), aAddr); err != nil {
			return err
		}
		from, err := Await(tk, recv)
		if err != nil {
			return err
		}
		if from != bAddr {
			return fmt.Errorf("from %v, want %v", from, bAddr)
		}
		return nil
	})
}
