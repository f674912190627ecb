package aio

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// fdWatcher is the handler of an fd watched with AddReader and AddWriter:
// it calls the reader and writer callbacks on readiness.
type fdWatcher struct {
	loop       *Loop
	fd         int
	reader     func()
	writer     func()
	interest   poll.Event
	registered bool
}

// AddReader makes fn run on the loop each time fd is readable (or has an
// error or hang-up), until RemoveReader (asyncio's add_reader). Readiness
// is level-triggered: fn must read, or the next pass calls it again. A
// second AddReader for fd replaces fn. The fd stays the caller's: call
// RemoveReader and RemoveWriter before closing it. It returns an error if
// fd belongs to a transport or server of the loop, or cannot be polled
// (a regular file). Call it from the loop's goroutine.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.addWatch(fd, fn, poll.Readable, false)
}

// AddWriter makes fn run on the loop each time fd is writable (or has an
// error or hang-up), until RemoveWriter (asyncio's add_writer). The rules
// of AddReader apply.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.addWatch(fd, fn, poll.Writable, false)
}

// RemoveReader stops the callback of AddReader and reports whether there
// was one (asyncio's remove_reader).
func (l *Loop) RemoveReader(fd int) bool { return l.removeWatch(fd, poll.Readable) }

// RemoveWriter stops the callback of AddWriter and reports whether there
// was one (asyncio's remove_writer).
func (l *Loop) RemoveWriter(fd int) bool { return l.removeWatch(fd, poll.Writable) }

func (l *Loop) addWatch(fd int, fn func(), mode poll.Event, exclusive bool) error {
	l.checkGoroutine("AddReader/AddWriter")
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if fd < 0 || fn == nil {
		return fmt.Errorf("aio: invalid fd %d or nil callback", fd)
	}
	var w *fdWatcher
	if fd < len(l.fds) && l.fds[fd] != nil {
		var ok bool
		if w, ok = l.fds[fd].(*fdWatcher); !ok {
			return fmt.Errorf("aio: fd %d is used by a transport or server of the loop", fd)
		}
	} else {
		w = &fdWatcher{loop: l, fd: fd}
		l.trackFD(fd, w)
	}
	if mode == poll.Readable {
		if exclusive && w.reader != nil {
			return fmt.Errorf("aio: fd %d already has a reader", fd)
		}
		w.reader = fn
	} else {
		if exclusive && w.writer != nil {
			return fmt.Errorf("aio: fd %d already has a writer", fd)
		}
		w.writer = fn
	}
	if err := w.update(); err != nil {
		if mode == poll.Readable {
			w.reader = nil
		} else {
			w.writer = nil
		}
		w.update()
		return err
	}
	return nil
}

func (l *Loop) removeWatch(fd int, mode poll.Event) bool {
	l.checkGoroutine("RemoveReader/RemoveWriter")
	if fd < 0 || fd >= len(l.fds) {
		return false
	}
	w, ok := l.fds[fd].(*fdWatcher)
	if !ok {
		return false
	}
	had := false
	if mode == poll.Readable {
		had, w.reader = w.reader != nil, nil
	} else {
		had, w.writer = w.writer != nil, nil
	}
	w.update()
	return had
}

// update makes the poller's interest match the callbacks; with none left
// the fd is forgotten.
func (w *fdWatcher) update() error {
	var want poll.Event
	if w.reader != nil {
		want |= poll.Readable
	}
	if w.writer != nil {
		want |= poll.Writable
	}
	l := w.loop
	if want == 0 {
		l.untrackFD(w.fd, w.registered)
		w.registered, w.interest = false, 0
		return nil
	}
	if !w.registered {
		if err := l.poller.Register(w.fd, want); err != nil {
			return err
		}
		w.registered = true
	} else if want != w.interest {
		if err := l.poller.Modify(w.fd, want); err != nil {
			return err
		}
	}
	w.interest = want
	return nil
}

func (w *fdWatcher) ready(ev poll.Event) {
	if r := w.reader; r != nil && ev&(poll.Readable|poll.Error|poll.Hangup) != 0 {
		r()
	}
	if wr := w.writer; wr != nil && ev&(poll.Writable|poll.Error|poll.Hangup) != 0 {
		wr()
	}
}

// closeForLoop forgets the fd; it is the caller's to close.
func (w *fdWatcher) closeForLoop() {
	w.reader, w.writer = nil, nil
	w.update()
}

// waitFD suspends t until fd is ready for mode.
func waitFD(t *Task, fd int, mode poll.Event) error {
	l := t.fut.loop
	f := NewFuture[struct{}](l)
	wake := func() {
		if !f.Done() {
			f.SetResult(struct{}{})
		}
	}
	if err := l.addWatch(fd, wake, mode, true); err != nil {
		return err
	}
	err := AwaitAny(t, f)
	l.removeWatch(fd, mode)
	return err
}

// SockRecv reads up to n bytes from the non-blocking socket fd, suspending
// t until some arrive (asyncio's sock_recv). It returns an empty slice at
// end of file. The fd must not belong to a transport.
//
// Cancellation: SockRecv returns an error matching ErrCancelled and
// nothing was read.
func SockRecv(t *Task, fd int, n int) ([]byte, error) {
	buf := make([]byte, n)
	m, err := SockRecvInto(t, fd, buf)
	return buf[:m], err
}

// SockRecvInto reads into buf from the non-blocking socket fd, suspending
// t until data arrives (asyncio's sock_recv_into). It returns 0 at end of
// file.
//
// Cancellation: SockRecvInto returns an error matching ErrCancelled and
// nothing was read.
func SockRecvInto(t *Task, fd int, buf []byte) (int, error) {
	t.checkRunning("SockRecvInto")
	for {
		n, err := sysRead(fd, buf)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if err := waitFD(t, fd, poll.Readable); err != nil {
				return 0, err
			}
		default:
			return 0, os.NewSyscallError("recv", err)
		}
	}
}

// SockSendAll sends all of data on the non-blocking socket fd, suspending
// t while the socket's buffer is full (asyncio's sock_sendall).
//
// Cancellation: SockSendAll returns an error matching ErrCancelled; part
// of data may have been sent.
func SockSendAll(t *Task, fd int, data []byte) error {
	t.checkRunning("SockSendAll")
	for len(data) > 0 {
		n, err := sysSend(fd, data)
		switch err {
		case nil:
			data = data[n:]
		case unix.EINTR:
		case unix.EAGAIN:
			if err := waitFD(t, fd, poll.Writable); err != nil {
				return err
			}
		default:
			return os.NewSyscallError("send", err)
		}
	}
	return nil
}

// SockAccept accepts a connection on the non-blocking listening socket
// fd, suspending t until one comes (asyncio's sock_accept). The new fd is
// non-blocking and close-on-exec, and the caller's to close; addr is the
// peer's address.
//
// Cancellation: SockAccept returns an error matching ErrCancelled and no
// connection was accepted.
func SockAccept(t *Task, fd int) (nfd int, addr net.Addr, err error) {
	t.checkRunning("SockAccept")
	for {
		nfd, err := sysAccept(fd)
		switch {
		case err == nil:
			return nfd, peerName(nfd, false), nil
		case err == unix.EAGAIN:
			if err := waitFD(t, fd, poll.Readable); err != nil {
				return -1, nil, err
			}
		case isTemporaryAccept(err):
		default:
			return -1, nil, os.NewSyscallError("accept", err)
		}
	}
}

// SockConnect connects the non-blocking socket fd to addr (a
// *net.TCPAddr, *net.UDPAddr or *net.UnixAddr), suspending t until the
// connection is made or fails (asyncio's sock_connect).
//
// Cancellation: SockConnect returns an error matching ErrCancelled; the
// connect may still complete in the background, so close fd.
func SockConnect(t *Task, fd int, addr net.Addr) error {
	t.checkRunning("SockConnect")
	sa, _, err := netAddrToSockaddr(addr)
	if err != nil {
		return err
	}
	if fam, ferr := socketFamily(fd); ferr == nil && fam == unix.AF_INET6 {
		if in4, ok := sa.(*unix.SockaddrInet4); ok { // IPv4 peer of a dual-stack socket
			ap := netip.AddrPortFrom(netip.AddrFrom4(in4.Addr), uint16(in4.Port))
			sa = inetSockaddr(ap, unix.AF_INET6)
		}
	}
	err = unix.Connect(fd, sa)
	switch err {
	case nil:
		return nil
	case unix.EINPROGRESS, unix.EINTR:
	default:
		return os.NewSyscallError("connect", err)
	}
	if err := waitFD(t, fd, poll.Writable); err != nil {
		return err
	}
	if err := sockError(fd); err != nil {
		return os.NewSyscallError("connect", err)
	}
	return nil
}

// SockRecvFrom receives a datagram into buf from the non-blocking socket
// fd, suspending t until one arrives (asyncio's sock_recvfrom_into).
//
// Cancellation: SockRecvFrom returns an error matching ErrCancelled and
// nothing was received.
func SockRecvFrom(t *Task, fd int, buf []byte) (int, netip.AddrPort, error) {
	t.checkRunning("SockRecvFrom")
	var rsa unix.RawSockaddrAny
	for {
		n, from, err := sysRecvFrom(fd, buf, &rsa)
		switch err {
		case nil:
			return n, from, nil
		case unix.EINTR:
		case unix.EAGAIN:
			if err := waitFD(t, fd, poll.Readable); err != nil {
				return 0, netip.AddrPort{}, err
			}
		default:
			return 0, netip.AddrPort{}, os.NewSyscallError("recvfrom", err)
		}
	}
}

// SockSendTo sends data as one datagram to addr on the non-blocking
// socket fd, suspending t while the socket's buffer is full (asyncio's
// sock_sendto).
//
// Cancellation: SockSendTo returns an error matching ErrCancelled and
// nothing was sent.
func SockSendTo(t *Task, fd int, data []byte, addr netip.AddrPort) error {
	t.checkRunning("SockSendTo")
	family, err := socketFamily(fd)
	if err != nil {
		return err
	}
	sa := inetSockaddr(netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()), family)
	for {
		err := unix.Sendto(fd, data, msgNoSignal, sa)
		switch err {
		case nil:
			return nil
		case unix.EINTR:
		case unix.EAGAIN:
			if err := waitFD(t, fd, poll.Writable); err != nil {
				return err
			}
		default:
			return os.NewSyscallError("sendto", err)
		}
	}
}
