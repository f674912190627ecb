package aio

import (
	"fmt"
	"net"
	"os"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// BaseTransport is what every transport has (asyncio.BaseTransport). Like
// every transport method, these are called from the loop's goroutine.
type BaseTransport interface {
	// Close closes the transport. Buffered data is sent first (for
	// transports that buffer); then the protocol's ConnectionLost is
	// called with nil. Closing twice does nothing.
	Close() error

	// IsClosing reports whether the transport is closing or closed.
	IsClosing() bool

	// ExtraInfo returns optional information about the transport, by
	// asyncio's names: "peername" and "sockname" (net.Addr), "socket" (the
	// fd, an int). It returns nil for what it does not know.
	ExtraInfo(name string) any
}

// ReadTransport is the reading side of a transport
// (asyncio.ReadTransport).
type ReadTransport interface {
	BaseTransport

	// PauseReading stops the protocol from receiving data until
	// ResumeReading. It does nothing on a closing or paused transport.
	PauseReading()

	// ResumeReading undoes PauseReading.
	ResumeReading()

	// IsReading reports whether the transport is receiving: not paused
	// and not closing.
	IsReading() bool
}

// WriteTransport is the writing side of a transport
// (asyncio.WriteTransport).
type WriteTransport interface {
	BaseTransport

	// Write sends p. It never blocks: what the kernel does not take at
	// once is copied into the transport's buffer and sent as the socket
	// drains. p may be reused as soon as Write returns. Write returns
	// ErrTransportClosed on a closing transport, ErrWriteAfterEOF after
	// WriteEOF, ErrWriteBufferFull when the buffer would exceed its hard
	// limit, and the error of the socket if the connection broke (the
	// transport is then closed and ConnectionLost gets that error too).
	//
	// Small writes made while the loop dispatches IO readiness (from
	// DataReceived, ConnectionMade and the like) are gathered and sent
	// when that dispatch ends, in the same pass, as one send per
	// connection: a protocol that answers with several writes costs one
	// syscall, and the peers' answers go out together. A broken
	// connection is then reported to ConnectionLost only.
	Write(p []byte) error

	// Writelines sends the buffers in order, as one writev when nothing
	// is buffered. Errors as for Write.
	Writelines(bufs [][]byte) error

	// WriteEOF closes the writing side after the buffered data is sent
	// (a half-close; shutdown(SHUT_WR) on a socket). Reading goes on.
	WriteEOF() error

	// CanWriteEOF reports whether WriteEOF is supported.
	CanWriteEOF() bool

	// Abort closes the transport at once, dropping buffered data; the
	// protocol's ConnectionLost is called with nil.
	Abort()

	// SetWriteBufferLimits sets the high- and low-water marks of the
	// write buffer for flow control: PauseWriting is called on the
	// protocol when the buffer grows above high, ResumeWriting when it
	// drains to low or below. A negative value means "unset": both unset
	// give the defaults (64 KiB and 16 KiB), an unset high is 4×low, an
	// unset low is high/4. It panics if low > high.
	SetWriteBufferLimits(high, low int)

	// WriteBufferLimits returns the high- and low-water marks.
	WriteBufferLimits() (high, low int)

	// WriteBufferSize returns the number of bytes buffered, not yet sent.
	WriteBufferSize() int
}

// Transport is a bidirectional stream transport (asyncio.Transport): the
// protocol's handle on a connection. Its methods are called from the
// loop's goroutine: in protocol callbacks, in tasks and callbacks of the
// same loop.
type Transport interface {
	ReadTransport
	WriteTransport

	// Protocol returns the protocol that receives the transport's events.
	Protocol() Protocol

	// SetProtocol switches the protocol that receives the events from now
	// on (asyncio's set_protocol).
	SetProtocol(p Protocol)
}

const (
	defaultHighWater = 64 << 10
	defaultLowWater  = defaultHighWater / 4
	// defaultMaxWriteBuffer is the hard limit of a write buffer.
	defaultMaxWriteBuffer = 64 << 20
	// keepWriteBuffer is the largest write buffer kept once drained;
	// larger ones are released.
	keepWriteBuffer = 16 << 10
)

// transport state flags
const (
	fReading      uint16 = 1 << iota // reading wanted (not paused)
	fEOF                             // end of file received
	fClosing                         // Close called, or lost
	fLost                            // fd closed, ConnectionLost scheduled
	fWriteEOF                        // WriteEOF called
	fShutdown                        // shutdown(SHUT_WR) done
	fWritePaused                     // PauseWriting called on the protocol
	fUnregistered                    // fd not in the poller
	fCorked                          // holds writes made during the IO dispatch (corkWrite)
)

// corkMax is the largest write that waits for the end of the IO dispatch
// (corkWrite); bigger ones are worth a syscall of their own.
const corkMax = 16 << 10

// SocketTransport is the Transport of a stream socket, TCP or Unix
// (asyncio's _SelectorSocketTransport). It is made by CreateServer,
// CreateConnection, CreateUnixConnection and ConnectAccepted, and owns
// its fd.
//
// Reading: readiness is level-triggered; each pass of the loop reads at
// most a few buffers' worth from one connection into the loop's read
// buffer and hands it to the protocol. Writing: Write goes straight to
// the socket; only what the kernel refuses is copied into the transport's
// buffer, and sent when the socket becomes writable. Small writes made
// while the loop dispatches IO are gathered per connection and sent when
// the dispatch ends (see WriteTransport.Write).
//
// Its methods are called from the loop's goroutine.
type SocketTransport struct {
	loop     *Loop
	fd       int
	family   uint8
	flags    uint16
	interest poll.Event

	proto  Protocol
	bproto BufferedProtocol // proto, when it is a BufferedProtocol
	server *Server
	prev   *SocketTransport // the server's list of connections
	next   *SocketTransport

	wbuf      []byte // buffered bytes are wbuf[woff:]
	woff      int
	high, low int

	extra *transportExtra
}

// transportExtra holds what few transports need.
type transportExtra struct {
	laddr, raddr net.Addr
	maxBuf       int
}

var _ Transport = (*SocketTransport)(nil)

// newSocketTransport wraps a connected, non-blocking socket. The fd is
// tracked by the loop but registered with the poller only by start.
func newSocketTransport(l *Loop, fd, family int, p Protocol, s *Server) *SocketTransport {
	t := &SocketTransport{
		loop: l, fd: fd, family: uint8(family), flags: fReading | fUnregistered,
		high: defaultHighWater, low: defaultLowWater, server: s,
	}
	t.setProtocol(p)
	l.trackFD(fd, t)
	return t
}

// start calls ConnectionMade and starts reading. A panic in
// ConnectionMade aborts the transport and is returned.
func (t *SocketTransport) start() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = t.protocolPanicked(r)
		}
	}()
	t.proto.ConnectionMade(t)
	t.updateInterest()
	return nil
}

func (t *SocketTransport) setProtocol(p Protocol) {
	t.proto = p
	t.bproto, _ = p.(BufferedProtocol)
}

// Protocol returns the transport's protocol.
func (t *SocketTransport) Protocol() Protocol { return t.proto }

// SetProtocol switches the transport's protocol (asyncio's set_protocol).
func (t *SocketTransport) SetProtocol(p Protocol) { t.setProtocol(p) }

// Loop returns the loop the transport belongs to.
func (t *SocketTransport) Loop() *Loop { return t.loop }

// Fd returns the socket's file descriptor, or -1 once the transport is
// closed. The transport owns it: do not close it.
func (t *SocketTransport) Fd() int { return t.fd }

// LocalAddr returns the socket's address (asyncio's "sockname"): a
// *net.TCPAddr or *net.UnixAddr. It is looked up on first use and cached;
// it is nil if it was never asked for before the transport closed.
func (t *SocketTransport) LocalAddr() net.Addr {
	x := t.ext()
	if x.laddr == nil && t.fd >= 0 {
		x.laddr = sockName(t.fd, false)
	}
	return x.laddr
}

// RemoteAddr returns the peer's address (asyncio's "peername"), cached as
// LocalAddr is.
func (t *SocketTransport) RemoteAddr() net.Addr {
	x := t.ext()
	if x.raddr == nil && t.fd >= 0 {
		x.raddr = peerName(t.fd, false)
	}
	return x.raddr
}

func (t *SocketTransport) ext() *transportExtra {
	if t.extra == nil {
		t.extra = &transportExtra{maxBuf: defaultMaxWriteBuffer}
	}
	return t.extra
}

// ExtraInfo returns "peername", "sockname" (net.Addr), "socket" or "fd"
// (int); nil for other names (asyncio's get_extra_info).
func (t *SocketTransport) ExtraInfo(name string) any {
	switch name {
	case "peername":
		if a := t.RemoteAddr(); a != nil {
			return a
		}
	case "sockname":
		if a := t.LocalAddr(); a != nil {
			return a
		}
	case "socket", "fd":
		return t.fd
	}
	return nil
}

// String describes the transport.
func (t *SocketTransport) String() string {
	state := "open"
	switch {
	case t.flags&fLost != 0:
		state = "closed"
	case t.flags&fClosing != 0:
		state = "closing"
	}
	return fmt.Sprintf("<SocketTransport fd=%d %s>", t.fd, state)
}

// IsClosing reports whether Close or Abort was called or the connection
// was lost.
func (t *SocketTransport) IsClosing() bool { return t.flags&fClosing != 0 }

// IsReading reports whether the transport receives data: not paused, not
// closing.
func (t *SocketTransport) IsReading() bool { return t.flags&(fReading|fClosing) == fReading }

// PauseReading stops DataReceived calls until ResumeReading; the kernel's
// buffer then fills and the peer's writes slow down. It does nothing on a
// closing or paused transport.
func (t *SocketTransport) PauseReading() {
	if t.flags&(fReading|fClosing) != fReading {
		return
	}
	t.flags &^= fReading
	t.updateInterest()
}

// ResumeReading undoes PauseReading.
func (t *SocketTransport) ResumeReading() {
	if t.flags&(fReading|fClosing) != 0 {
		return
	}
	t.flags |= fReading
	t.updateInterest()
}

// WriteBufferSize returns the number of bytes buffered, not yet sent.
func (t *SocketTransport) WriteBufferSize() int { return len(t.wbuf) - t.woff }

// SetWriteBufferLimits sets the flow-control marks (see WriteTransport).
func (t *SocketTransport) SetWriteBufferLimits(high, low int) {
	switch {
	case high < 0 && low < 0:
		high, low = defaultHighWater, defaultLowWater
	case high < 0:
		high = 4 * low
	case low < 0:
		low = high / 4
	}
	if low > high {
		panic(fmt.Sprintf("aio: SetWriteBufferLimits: low (%d) must not exceed high (%d)", low, high))
	}
	t.high, t.low = high, low
	t.maybePauseProtocol()
}

// WriteBufferLimits returns the high- and low-water marks.
func (t *SocketTransport) WriteBufferLimits() (high, low int) { return t.high, t.low }

// SetWriteBufferMax sets the hard limit of the write buffer: a write that
// would make the buffer exceed n bytes returns ErrWriteBufferFull and
// sends nothing, so a peer that does not read cannot make the buffer grow
// without bound. The default is 64 MiB; n <= 0 removes the limit.
func (t *SocketTransport) SetWriteBufferMax(n int) { t.ext().maxBuf = n }

func (t *SocketTransport) maxBuffer() int {
	if t.extra == nil {
		return defaultMaxWriteBuffer
	}
	return t.extra.maxBuf
}

// CanWriteEOF reports true: sockets support half-close.
func (t *SocketTransport) CanWriteEOF() bool { return true }

// writeRefused is the error of a write the transport's state forbids.
func (t *SocketTransport) writeRefused() error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	return ErrWriteAfterEOF
}

// Write sends p straight to the socket and buffers only what the kernel
// refuses (see WriteTransport.Write).
func (t *SocketTransport) Write(p []byte) error {
	if t.flags&(fClosing|fWriteEOF) != 0 {
		return t.writeRefused()
	}
	if len(p) == 0 {
		return nil
	}
	pending := len(t.wbuf) - t.woff
	if m := t.maxBuffer(); m > 0 && pending+len(p) > m {
		return ErrWriteBufferFull
	}
	if pending == 0 && t.loop.io.dispatching && len(p) <= corkMax {
		t.corkWrite(p)
		return nil
	}
	if pending == 0 {
		n, err := sysSend(t.fd, p)
		for err == unix.EINTR {
			n, err = sysSend(t.fd, p)
		}
		if err != nil && err != unix.EAGAIN {
			return t.writeFailed(err)
		}
		if n == len(p) {
			return nil
		}
		p = p[n:]
	}
	t.buffer(p)
	return nil
}

// Writelines sends bufs in order, with one writev when nothing is
// buffered (see WriteTransport.Writelines).
func (t *SocketTransport) Writelines(bufs [][]byte) error {
	if t.flags&(fClosing|fWriteEOF) != 0 {
		return t.writeRefused()
	}
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	if total == 0 {
		return nil
	}
	pending := len(t.wbuf) - t.woff
	if m := t.maxBuffer(); m > 0 && pending+total > m {
		return ErrWriteBufferFull
	}
	if pending == 0 && t.loop.io.dispatching && total <= corkMax {
		for _, b := range bufs {
			t.corkWrite(b)
		}
		return nil
	}
	start, n := 0, 0
	if pending == 0 {
		var err error
		n, err = sysWritev(t.fd, bufs, &t.loop.io.iov)
		for err == unix.EINTR {
			n, err = sysWritev(t.fd, bufs, &t.loop.io.iov)
		}
		if err != nil && err != unix.EAGAIN {
			return t.writeFailed(err)
		}
		if n == total {
			return nil
		}
		for start < len(bufs) && n >= len(bufs[start]) {
			n -= len(bufs[start])
			start++
		}
	}
	for i := start; i < len(bufs); i++ {
		b := bufs[i]
		if i == start {
			b = b[n:]
		}
		t.appendBuffer(b, i == len(bufs)-1)
	}
	return nil
}

// corkWrite holds p, written while the loop dispatches IO readiness, for
// uncork at the end of the dispatch: every connection's writes of one
// dispatch go out as one send each, together. The buffer is not
// registered for writability, since uncork sends it in the same pass.
func (t *SocketTransport) corkWrite(p []byte) {
	if t.flags&fCorked == 0 {
		t.flags |= fCorked
		t.loop.io.corked = append(t.loop.io.corked, t)
	}
	t.wbuf = append(t.wbuf, p...)
}

// uncork sends what corkWrite held, as the kernel takes it; the rest
// waits for writability like any refused write.
func (t *SocketTransport) uncork() {
	t.flags &^= fCorked
	if t.flags&fLost != 0 || len(t.wbuf) == t.woff {
		return
	}
	t.flush()
	if t.flags&fLost == 0 && len(t.wbuf) > t.woff {
		t.updateInterest()
		t.maybePauseProtocol()
	}
}

// buffer appends the part of a write the kernel refused.
func (t *SocketTransport) buffer(p []byte) { t.appendBuffer(p, true) }

func (t *SocketTransport) appendBuffer(p []byte, last bool) {
	wasEmpty := len(t.wbuf) == t.woff
	if t.woff > 0 && cap(t.wbuf)-len(t.wbuf) < len(p) {
		n := copy(t.wbuf, t.wbuf[t.woff:])
		t.wbuf, t.woff = t.wbuf[:n], 0
	}
	t.wbuf = append(t.wbuf, p...)
	if wasEmpty {
		t.updateInterest()
	}
	if last {
		t.maybePauseProtocol()
	}
}

// writeFailed closes the transport after a write error and returns it.
func (t *SocketTransport) writeFailed(errno error) error {
	err := os.NewSyscallError("write", errno)
	t.forceClose(err)
	return err
}

// WriteEOF half-closes the connection once the buffer is sent (see
// WriteTransport.WriteEOF). It returns ErrTransportClosed on a closing
// transport; a second call does nothing.
func (t *SocketTransport) WriteEOF() error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	if t.flags&fWriteEOF != 0 {
		return nil
	}
	t.flags |= fWriteEOF
	if len(t.wbuf) == t.woff {
		return t.shutdownWrite()
	}
	return nil
}

func (t *SocketTransport) shutdownWrite() error {
	t.flags |= fShutdown
	if err := unix.Shutdown(t.fd, unix.SHUT_WR); err != nil {
		e := os.NewSyscallError("shutdown", err)
		t.forceClose(e)
		return e
	}
	return nil
}

// Close closes the transport after sending what is buffered; then
// ConnectionLost(nil) is called. It does nothing on a closing transport
// and always returns nil.
func (t *SocketTransport) Close() error {
	if t.flags&fClosing != 0 {
		return nil
	}
	t.flags |= fClosing
	if len(t.wbuf) == t.woff {
		t.forceClose(nil)
		return nil
	}
	t.updateInterest() // stop reading, keep flushing
	return nil
}

// Abort closes the transport at once, dropping what is buffered; then
// ConnectionLost(nil) is called.
func (t *SocketTransport) Abort() {
	if t.flags&fCorked != 0 && t.flags&fLost == 0 {
		// Written before the abort: send what the kernel takes now, as
		// a write that had not been held back would have been.
		sysSend(t.fd, t.wbuf[t.woff:])
	}
	t.forceClose(nil)
}

func (t *SocketTransport) closeForLoop() { t.forceClose(nil) }

// forceClose releases the fd now and schedules ConnectionLost(err).
func (t *SocketTransport) forceClose(err error) {
	if t.flags&fLost != 0 {
		return
	}
	t.flags |= fLost | fClosing
	t.loop.untrackFD(t.fd, t.flags&fUnregistered == 0)
	unix.Close(t.fd)
	t.fd = -1
	t.interest = 0
	t.wbuf, t.woff = nil, 0
	t.loop.ready.push(funcCallback(func() { t.connectionLost(err) }))
}

// connectionLost calls the protocol's ConnectionLost and detaches the
// transport from its server.
func (t *SocketTransport) connectionLost(err error) {
	defer t.detach()
	t.loop.protocolLost(t.proto.ConnectionLost, err)
}

// protocolLost calls a protocol's ConnectionLost, sending a panic in it to
// the exception handler: the connection is gone either way.
func (l *Loop) protocolLost(lost func(error), err error) {
	defer func() {
		if r := recover(); r != nil {
			l.CallExceptionHandler(ExceptionContext{
				Message: "panic in protocol ConnectionLost", Err: newPanicError(r),
			})
		}
	}()
	lost(err)
}

func (t *SocketTransport) detach() {
	if s := t.server; s != nil {
		t.server = nil
		s.detach(t)
	}
}

// protocolPanicked reports a panic of a protocol callback, aborts the
// connection, and returns the panic as an error.
func (t *SocketTransport) protocolPanicked(r any) error {
	pe := newPanicError(r)
	t.loop.CallExceptionHandler(ExceptionContext{
		Message: "panic in a protocol callback: connection aborted", Err: pe,
	})
	t.forceClose(pe)
	return pe
}

func (t *SocketTransport) recoverPanic() {
	if r := recover(); r != nil {
		t.protocolPanicked(r)
	}
}

// want returns the readiness the transport needs now.
func (t *SocketTransport) want() poll.Event {
	var e poll.Event
	if t.flags&(fReading|fEOF|fClosing) == fReading {
		e |= poll.Readable
	}
	if len(t.wbuf) > t.woff {
		e |= poll.Writable
	}
	return e
}

// updateInterest makes the poller's interest match want.
func (t *SocketTransport) updateInterest() {
	if t.flags&fLost != 0 {
		return
	}
	w := t.want()
	if err := t.loop.setInterest(t.fd, &t.flags, &t.interest, w); err != nil {
		t.forceClose(err)
	}
}

// setInterest brings a transport's fd in the poller to the readiness w:
// registered on first interest (flags' fUnregistered), modified when w
// differs from *interest. Stream and datagram transports share it.
func (l *Loop) setInterest(fd int, flags *uint16, interest *poll.Event, w poll.Event) error {
	var err error
	switch {
	case *flags&fUnregistered != 0:
		if w == 0 {
			return nil
		}
		if err = l.poller.Register(fd, w); err == nil {
			*flags &^= fUnregistered
		}
	case w != *interest:
		err = l.poller.Modify(fd, w)
	default:
		return nil
	}
	if err == nil {
		*interest = w
	}
	return err
}

// ready handles the readiness of the socket.
func (t *SocketTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	had := t.interest
	if had&poll.Readable != 0 && ev&(poll.Readable|poll.Error|poll.Hangup) != 0 {
		t.readReady()
	}
	if t.interest&poll.Writable != 0 && ev&(poll.Writable|poll.Error|poll.Hangup) != 0 {
		t.flush()
	}
	if had == 0 && ev&(poll.Error|poll.Hangup) != 0 && t.flags&fLost == 0 {
		t.hangup()
	}
}

// readReady reads up to the read budget and hands the bytes to the
// protocol: from the loop's read buffer, or, for a BufferedProtocol,
// straight into the protocol's own buffer.
func (t *SocketTransport) readReady() {
	for range readBudget {
		buf := t.readInto()
		n, err := sysRead(t.fd, buf)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			if err != unix.EAGAIN {
				t.forceClose(os.NewSyscallError("read", err))
			}
			return
		}
		if n == 0 {
			t.eofReceived()
			return
		}
		if t.bproto != nil {
			t.bproto.BufferUpdated(n)
		} else {
			t.proto.DataReceived(buf[:n])
		}
		if n < len(buf) || t.flags&(fReading|fEOF|fClosing) != fReading {
			return // drained (a short read), or the protocol paused or closed
		}
	}
}

// readInto returns the buffer for the next read.
func (t *SocketTransport) readInto() []byte {
	if t.bproto == nil {
		return t.loop.readBuffer()
	}
	buf := t.bproto.GetBuffer(-1)
	if len(buf) == 0 {
		panic("aio: BufferedProtocol.GetBuffer returned an empty buffer")
	}
	return buf
}

// eofReceived handles the peer's end of file: the protocol may keep the
// connection open for writing, or it is closed.
func (t *SocketTransport) eofReceived() {
	t.flags |= fEOF
	keep := false
	if r, ok := t.proto.(EOFReceiver); ok {
		keep = r.EOFReceived()
	}
	if t.flags&fLost != 0 {
		return
	}
	if keep {
		t.updateInterest()
	} else {
		t.Close()
	}
}

// flush sends buffered bytes; once the buffer is empty it stops waiting
// for writability, resumes the protocol, and finishes a pending Close or
// WriteEOF.
func (t *SocketTransport) flush() {
	for {
		rem := t.wbuf[t.woff:]
		n, err := sysSend(t.fd, rem)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			if err != unix.EAGAIN {
				t.forceClose(os.NewSyscallError("write", err))
			}
			return
		}
		t.woff += n
		if n < len(rem) {
			t.maybeResumeProtocol() // may append to the buffer
			return
		}
		break
	}
	t.woff = 0
	if cap(t.wbuf) > keepWriteBuffer {
		t.wbuf = nil
	} else {
		t.wbuf = t.wbuf[:0]
	}
	t.updateInterest()
	t.maybeResumeProtocol()
	switch {
	case t.flags&fLost != 0 || len(t.wbuf) > t.woff:
	case t.flags&fClosing != 0:
		t.forceClose(nil)
	case t.flags&(fWriteEOF|fShutdown) == fWriteEOF:
		t.shutdownWrite()
	}
}

// hangup handles an error or hang-up reported while the transport waits
// for nothing: a pending socket error closes it; otherwise both
// directions are shut, and the fd leaves the poller (so that
// level-triggered hang-ups do not spin the loop) until the transport
// needs readiness again.
func (t *SocketTransport) hangup() {
	if err := sockError(t.fd); err != nil {
		t.forceClose(os.NewSyscallError("read", err))
		return
	}
	t.loop.poller.Unregister(t.fd)
	t.flags |= fUnregistered
	t.interest = 0
}

func (t *SocketTransport) maybePauseProtocol() {
	if t.flags&fWritePaused != 0 || len(t.wbuf)-t.woff <= t.high {
		return
	}
	t.flags |= fWritePaused
	if fp, ok := t.proto.(WriteFlowProtocol); ok {
		callProtocol(t.loop, "protocol PauseWriting failed", fp.PauseWriting)
	}
}

func (t *SocketTransport) maybeResumeProtocol() {
	if t.flags&fWritePaused == 0 || len(t.wbuf)-t.woff > t.low {
		return
	}
	t.flags &^= fWritePaused
	if fp, ok := t.proto.(WriteFlowProtocol); ok {
		callProtocol(t.loop, "protocol ResumeWriting failed", fp.ResumeWriting)
	}
}

// callProtocol calls a flow-control callback, reporting a panic to the
// loop's exception handler (asyncio does the same for pause_writing and
// resume_writing).
func callProtocol(l *Loop, msg string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			l.CallExceptionHandler(ExceptionContext{Message: msg, Err: newPanicError(r)})
		}
	}()
	fn()
}
