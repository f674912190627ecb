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
	pfd    pollFD
	reader func()
	writer func()
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
		w = &fdWatcher{}
		w.pfd.init(l, fd, w)
	}
	slot := w.slot(mode)
	if exclusive && *slot != nil {
		return fmt.Errorf("aio: fd %d already has a %s", fd, modeName(mode))
	}
	*slot = fn
	if err := w.update(); err != nil {
		*slot = nil
		w.update()
		return err
	}
	return nil
}

func modeName(mode poll.Event) string {
	if mode == poll.Readable {
		return "reader"
	}
	return "writer"
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
	slot := w.slot(mode)
	had := *slot != nil
	*slot = nil
	w.update()
	return had
}

// slot returns the callback of mode.
func (w *fdWatcher) slot(mode poll.Event) *func() {
	if mode == poll.Readable {
		return &w.reader
	}
	return &w.writer
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
	if want == 0 {
		w.pfd.release()
		return nil
	}
	return w.pfd.setInterest(want)
}

func (w *fdWatcher) ready(ev poll.Event) {
	if r := w.reader; r != nil && w.pfd.wantsRead(ev) {
		r()
	}
	if wr := w.writer; wr != nil && w.pfd.wantsWrite(ev) {
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
	err := AwaitDone(t, f)
	l.removeWatch(fd, mode)
	return err
}

// SockRecv reads up to n bytes from the non-blocking socket fd, suspending
// t until some arrive (asyncio's sock_recv). It returns an empty slice at
// end of file. The fd must not belong to a transport.
//
// Cancellation: SockRecv returns an error matching [ErrCancelled] and
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
// Cancellation: SockRecvInto returns an error matching [ErrCancelled] and
// nothing was read.
func SockRecvInto(t *Task, fd int, buf []byte) (int, error) {
	t.checkRunning("SockRecvInto")
	var n int
	err := sockRetry(t, fd, poll.Readable, func() (err error) {
		n, err = sysRead(fd, buf)
		return err
	})
	if err != nil {
		return 0, sockErr("recv", err)
	}
	return n, nil
}

// sockErr wraps the error of a syscall named op; the error of a wait (a
// cancellation) is returned as it is.
func sockErr(op string, err error) error {
	if errno, ok := err.(unix.Errno); ok {
		return os.NewSyscallError(op, errno)
	}
	return err
}

// SockSendAll sends all of data on the non-blocking socket fd, suspending
// t while the socket's buffer is full (asyncio's sock_sendall).
//
// Cancellation: SockSendAll returns an error matching [ErrCancelled]; part
// of data may have been sent.
func SockSendAll(t *Task, fd int, data []byte) error {
	t.checkRunning("SockSendAll")
	for len(data) > 0 {
		var n int
		err := sockRetry(t, fd, poll.Writable, func() (err error) {
			n, err = sysSend(fd, data)
			return err
		})
		if err != nil {
			return sockErr("send", err)
		}
		data = data[n:]
	}
	return nil
}

// SockAccept accepts a connection on the non-blocking listening socket
// fd, suspending t until one comes (asyncio's sock_accept). The new fd is
// non-blocking and close-on-exec, and the caller's to close; addr is the
// peer's address.
//
// Cancellation: SockAccept returns an error matching [ErrCancelled] and no
// connection was accepted.
func SockAccept(t *Task, fd int) (nfd int, addr net.Addr, err error) {
	t.checkRunning("SockAccept")
	accept := func() (err error) {
		nfd, err = sysAccept(fd)
		return err
	}
	for {
		err = sockRetry(t, fd, poll.Readable, accept)
		if err == nil {
			return nfd, peerName(nfd, false), nil
		}
		if !isTemporaryAccept(err) {
			return -1, nil, sockErr("accept", err)
		}
	}
}

// SockConnect connects the non-blocking socket fd to addr (a
// *[net.TCPAddr], *[net.UDPAddr] or *[net.UnixAddr]), suspending t until the
// connection is made or fails (asyncio's sock_connect).
//
// Cancellation: SockConnect returns an error matching [ErrCancelled]; the
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
// Cancellation: SockRecvFrom returns an error matching [ErrCancelled] and
// nothing was received.
func SockRecvFrom(t *Task, fd int, buf []byte) (int, netip.AddrPort, error) {
	t.checkRunning("SockRecvFrom")
	var rsa unix.RawSockaddrAny
	var n int
	var from netip.AddrPort
	err := sockRetry(t, fd, poll.Readable, func() (err error) {
		n, from, err = sysRecvFrom(fd, buf, &rsa)
		return err
	})
	if err != nil {
		return 0, netip.AddrPort{}, sockErr("recvfrom", err)
	}
	return n, from, nil
}

// SockSendTo sends data as one datagram to addr on the non-blocking
// socket fd, suspending t while the socket's buffer is full (asyncio's
// sock_sendto).
//
// Cancellation: SockSendTo returns an error matching [ErrCancelled] and
// nothing was sent.
func SockSendTo(t *Task, fd int, data []byte, addr netip.AddrPort) error {
	t.checkRunning("SockSendTo")
	family, err := socketFamily(fd)
	if err != nil {
		return err
	}
	sa := inetSockaddr(netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()), family)
	err = sockRetry(t, fd, poll.Writable, func() error {
		return unix.Sendto(fd, data, msgNoSignal, sa)
	})
	return sockErr("sendto", err)
}
