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
	// asyncio's names: "peername" and "sockname" ([net.Addr]), "socket" (the
	// fd, an int). It returns nil for what it does not know.
	ExtraInfo(name string) any

	// Loop returns the loop the transport belongs to, whose goroutine
	// calls the protocol and may call the transport.
	Loop() *Loop
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
	// [ErrTransportClosed] on a closing transport, [ErrWriteAfterEOF] after
	// WriteEOF, and the error of the socket if the connection broke (the
	// transport is then closed and ConnectionLost gets that error too).
	// A write that would make the buffer exceed its hard limit sends
	// nothing and breaks the connection for good: it, every later write
	// and ConnectionLost return an error matching [ErrWriteBufferFull], so
	// the peer receives a prefix of what was written, never a stream
	// with a gap.
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

// SocketTransport is the [Transport] of a stream socket, TCP or Unix
// (asyncio's _SelectorSocketTransport). It is made by [CreateServer],
// [CreateConnection], [CreateUnixConnection] and [ConnectAccepted], and owns
// its fd.
//
// Reading: readiness is level-triggered; each pass of the loop reads at
// most a few buffers' worth from one connection into the loop's read
// buffer and hands it to the protocol. Writing: Write goes straight to
// the socket; only what the kernel refuses is copied into the transport's
// buffer, and sent when the socket becomes writable. Small writes made
// while the loop dispatches IO are gathered per connection and sent when
// the dispatch ends (see [WriteTransport.Write]).
//
// Its methods are called from the loop's goroutine.
type SocketTransport struct {
	fdStream
	family uint8

	server *Server
	prev   *SocketTransport // the server's list of connections
	next   *SocketTransport
}

// fdStream is a byte stream over an fd the transport owns: the read path
// (into the loop's buffer or a BufferedProtocol's own) and the write path
// (straight to the fd, only what the kernel refuses kept in a
// writeBuffer, with flow control and write gathering). SocketTransport
// and the pipe transports (pipe.go) embed it; the flag fPipe marks a
// pipe, which differs in the write syscalls (write and writev, not
// send and sendmsg), in its end of file (a read pipe closes, whatever
// EOFReceived says) and in WriteEOF (a write pipe closes).
type fdStream struct {
	fdTransport
	proto  Protocol
	bproto BufferedProtocol // proto, when it is a BufferedProtocol
	wb     writeBuffer
	extra  *transportExtra
}

// transportExtra holds what few transports need.
type transportExtra struct {
	laddr, raddr net.Addr
	werr         error             // broke the byte stream: every later write returns it
	sendWake     *Future[struct{}] // SendFile waits for writability on it
}

var _ Transport = (*SocketTransport)(nil)

// newSocketTransport wraps a connected, non-blocking socket. The fd is
// tracked by the loop but registered with the poller only by start.
func newSocketTransport(l *Loop, fd, family int, p Protocol, s *Server) *SocketTransport {
	t := &SocketTransport{family: uint8(family), server: s}
	t.setProtocol(p)
	t.fdTransport.init(l, fd, t)
	return t
}

func (t *fdStream) setProtocol(p Protocol) {
	t.proto = p
	t.bproto, _ = p.(BufferedProtocol)
}

// Protocol returns the transport's protocol.
func (t *fdStream) Protocol() Protocol { return t.proto }

// SetProtocol switches the transport's protocol (asyncio's set_protocol).
func (t *fdStream) SetProtocol(p Protocol) { t.setProtocol(p) }

// LocalAddr returns the socket's address (asyncio's "sockname"): a
// *[net.TCPAddr] or *[net.UnixAddr]. It is looked up on first use and cached;
// it is nil if it was never asked for before the transport closed.
func (t *SocketTransport) LocalAddr() net.Addr {
	x := t.ext()
	if x.laddr == nil && t.pfd.fd >= 0 {
		x.laddr = sockName(t.pfd.fd, false)
	}
	return x.laddr
}

// RemoteAddr returns the peer's address (asyncio's "peername"), cached as
// LocalAddr is.
func (t *SocketTransport) RemoteAddr() net.Addr {
	x := t.ext()
	if x.raddr == nil && t.pfd.fd >= 0 {
		x.raddr = peerName(t.pfd.fd, false)
	}
	return x.raddr
}

func (t *fdStream) ext() *transportExtra {
	if t.extra == nil {
		t.extra = &transportExtra{}
	}
	return t.extra
}

// ExtraInfo returns "peername", "sockname" ([net.Addr]), "socket" or "fd"
// (int); nil for other names (asyncio's get_extra_info).
func (t *SocketTransport) ExtraInfo(name string) any {
	return t.extraInfo(name, t.LocalAddr, t.RemoteAddr)
}

// String describes the transport.
func (t *SocketTransport) String() string {
	return fmt.Sprintf("<SocketTransport fd=%d %s>", t.pfd.fd, t.state())
}

// IsReading reports whether the transport receives data: not paused, not
// closing.
func (t *fdStream) IsReading() bool { return t.flags&(fReading|fClosing) == fReading }

// PauseReading stops DataReceived calls until ResumeReading, from the
// next read on: a protocol that pauses in DataReceived gets no more data
// in that pass. The kernel's buffer then fills and the peer's writes
// slow down. It does nothing on a closing or paused transport.
func (t *fdStream) PauseReading() {
	if t.flags&(fReading|fClosing) != fReading {
		return
	}
	t.flags &^= fReading
	t.update()
}

// ResumeReading undoes PauseReading.
func (t *fdStream) ResumeReading() {
	if t.flags&(fReading|fClosing) != 0 {
		return
	}
	t.flags |= fReading
	t.update()
}

// WriteBufferSize returns the number of bytes buffered, not yet sent.
func (t *fdStream) WriteBufferSize() int { return t.wb.size }

// CanWriteEOF reports true: sockets support half-close.
func (t *SocketTransport) CanWriteEOF() bool { return true }

// writeRefused is the error of a write the transport's state forbids.
func (t *fdStream) writeRefused() error {
	switch {
	case t.extra != nil && t.extra.werr != nil:
		return t.extra.werr
	case t.flags&fClosing != 0:
		return ErrTransportClosed
	case t.flags&fSendFile != 0:
		return ErrSendFileInProgress
	}
	return ErrWriteAfterEOF
}

// bufferFull breaks the transport for good after a write of n bytes that
// would pass the buffer's hard limit: nothing of it is sent, and no
// later write can be, so the peer receives a prefix of the stream with
// no gap.
func (t *fdStream) bufferFull(n int) error {
	err := fmt.Errorf("%w: a write of %d bytes to a buffer holding %d (limit %d): connection aborted",
		ErrWriteBufferFull, n, t.wb.size, t.limit)
	t.ext().werr = err
	t.forceClose(err)
	return err
}

// Write sends p straight to the socket and buffers only what the kernel
// refuses (see [WriteTransport.Write]).
func (t *fdStream) Write(p []byte) error {
	if t.flags&(fClosing|fWriteEOF|fSendFile) != 0 {
		return t.writeRefused()
	}
	if len(p) == 0 {
		return nil
	}
	if t.flags&fCorked != 0 && t.heldFits(len(p)) {
		t.wb.add(p, &t.loop.io) // joins the held writes (see Writelines)
		return nil
	}
	if t.overLimit(t.wb.size, len(p)) {
		return t.bufferFull(len(p))
	}
	if t.wb.size == 0 {
		if t.holding() && len(p) <= corkMax {
			t.corkWrite(p)
			return nil
		}
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = streamWrite(t.pfd.fd, t.flags&fPipe != 0, p)
			return err
		})
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
// buffered (see [WriteTransport.Writelines]).
func (t *fdStream) Writelines(bufs [][]byte) error {
	if t.flags&(fClosing|fWriteEOF|fSendFile) != 0 {
		return t.writeRefused()
	}
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	if total == 0 {
		return nil
	}
	if t.flags&fCorked != 0 && t.heldFits(total) {
		// Joins the writes held for this pass, which uncork sends: under
		// the cork's bound, the high-water mark and the limit, there is
		// nothing else to decide.
		for _, b := range bufs {
			t.wb.add(b, &t.loop.io)
		}
		return nil
	}
	if t.overLimit(t.wb.size, total) {
		return t.bufferFull(total)
	}
	sent := 0
	if t.wb.size == 0 {
		if t.holding() && total <= corkMax {
			for _, b := range bufs {
				t.corkWrite(b)
			}
			return nil
		}
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = sysWritev(t.pfd.fd, bufs, &t.loop.io.iov, t.flags&fPipe != 0)
			return err
		})
		if err != nil && err != unix.EAGAIN {
			return t.writeFailed(err)
		}
		if n == total {
			return nil
		}
		sent = n
	}
	wasEmpty := t.wb.size == 0
	for _, b := range bufs {
		if sent >= len(b) {
			sent -= len(b)
			continue
		}
		t.wb.add(b[sent:], &t.loop.io)
		sent = 0
	}
	t.buffered(wasEmpty)
	return nil
}

// buffer keeps the part of a write the kernel refused.
func (t *fdStream) buffer(p []byte) {
	wasEmpty := t.wb.size == 0
	t.wb.add(p, &t.loop.io)
	t.buffered(wasEmpty)
}

// buffered waits for writability once the buffer stops being empty, and
// pauses the protocol above the high-water mark.
func (t *fdStream) buffered(wasEmpty bool) {
	if wasEmpty {
		t.update()
	}
	t.maybePauseProtocol()
}

// writeFailed closes the transport after a write error and returns it.
func (t *fdStream) writeFailed(errno error) error {
	err := os.NewSyscallError("write", errno)
	t.forceClose(err)
	return err
}

// WriteEOF half-closes the connection once the buffer is sent (see
// [WriteTransport.WriteEOF]). It returns [ErrTransportClosed] on a closing
// transport; a second call does nothing.
func (t *fdStream) WriteEOF() error {
	if t.flags&(fClosing|fSendFile) != 0 {
		return t.writeRefused()
	}
	if t.flags&fWriteEOF != 0 {
		return nil
	}
	t.flags |= fWriteEOF
	if t.wb.size == 0 {
		return t.shutdownWrite()
	}
	return nil
}

func (t *fdStream) shutdownWrite() error {
	t.flags |= fShutdown
	if err := unix.Shutdown(t.pfd.fd, unix.SHUT_WR); err != nil {
		e := os.NewSyscallError("shutdown", err)
		t.forceClose(e)
		return e
	}
	return nil
}

// Abort closes the transport at once, dropping what is buffered; then
// ConnectionLost(nil) is called.
func (t *fdStream) Abort() {
	if t.flags&fCorked != 0 && t.flags&fLost == 0 {
		// Written before the abort: send what the kernel takes now, as
		// a write that had not been held back would have been.
		t.wb.send(t.pfd.fd, t.flags&fPipe != 0, &t.loop.io)
	}
	t.forceClose(nil)
}

// The transportOps of a stream socket.

func (t *SocketTransport) made() { t.proto.ConnectionMade(t) }

// lost calls the protocol's ConnectionLost and detaches the transport
// from its server.
func (t *SocketTransport) lost(err error) {
	defer t.detach()
	t.loop.protocolLost(t.proto.ConnectionLost, err)
}

func (t *fdStream) release() {
	t.pfd.close()
	t.wb.drop(&t.loop.io)
	t.wakeSendFile()
}

func (t *fdStream) update()         { t.setWant(t.want()) }
func (t *fdStream) bufferSize() int { return t.wb.size }
func (t *fdStream) protocol() any   { return t.proto }

func (t *SocketTransport) detach() {
	if s := t.server; s != nil {
		t.server = nil
		s.detach(t)
	}
}

// want returns the readiness the transport needs now: readable while
// reading, writable while bytes wait or SendFile sends.
func (t *fdStream) want() poll.Event {
	var e poll.Event
	if t.flags&(fReading|fEOF|fClosing) == fReading {
		e |= poll.Readable
	}
	if t.wb.size > 0 || t.flags&fSendFile != 0 {
		e |= poll.Writable
	}
	return e
}

// ready handles the readiness of the socket.
func (t *SocketTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	had := t.pfd.interest
	if had&poll.Readable != 0 && ev&(poll.Readable|poll.Error|poll.Hangup) != 0 {
		t.readReady()
	}
	if t.pfd.wantsWrite(ev) {
		t.flush()
	}
	if had == 0 && ev&(poll.Error|poll.Hangup) != 0 && t.flags&fLost == 0 {
		t.hangup()
	}
}

// readReady reads up to the read budget and hands the bytes to the
// protocol: from the loop's read buffer, or, for a BufferedProtocol,
// straight into the protocol's own buffer.
func (t *fdStream) readReady() {
	for range readBudget {
		buf := t.readInto()
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = streamRead(t.pfd.fd, t.flags&fPipe != 0, buf)
			return err
		})
		if err != nil {
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
func (t *fdStream) readInto() []byte {
	if t.bproto == nil {
		return t.loop.readBuffer()
	}
	buf := t.bproto.GetBuffer(-1)
	if len(buf) == 0 {
		panic("aio: BufferedProtocol.GetBuffer returned an empty buffer")
	}
	return buf
}

// eofReceived handles the peer's end of file: the protocol may keep a
// socket open for writing, or it is closed. A pipe, which has nothing to
// write on, always closes (asyncio's read pipe does the same).
func (t *fdStream) eofReceived() {
	t.flags |= fEOF
	keep := false
	if r, ok := t.proto.(EOFReceiver); ok {
		keep = r.EOFReceived()
	}
	if t.flags&fLost != 0 {
		return
	}
	if keep && t.flags&fPipe == 0 {
		t.update()
	} else {
		t.Close()
	}
}

// flush sends the buffer as the kernel takes it; the rest waits for
// writability. Once the buffer is empty the transport stops waiting for
// writability, resumes the protocol, and goes on with what waited for
// the buffer: SendFile, a pending Close or WriteEOF.
func (t *fdStream) flush() {
	for t.wb.size > 0 {
		n, offered, err := t.wb.send(t.pfd.fd, t.flags&fPipe != 0, &t.loop.io)
		if err != nil && err != unix.EAGAIN {
			t.forceClose(os.NewSyscallError("write", err))
			return
		}
		t.wb.consume(n, &t.loop.io)
		if n < offered {
			break // the kernel's buffer is full
		}
	}
	t.update()
	if t.wb.size > 0 {
		t.maybePauseProtocol() // writes held during the dispatch count too
		t.maybeResumeProtocol()
		return
	}
	t.maybeResumeProtocol() // may write again
	switch {
	case t.flags&fLost != 0 || t.wb.size > 0:
	case t.flags&fSendFile != 0:
		t.wakeSendFile()
	case t.flags&fClosing != 0:
		t.forceClose(nil)
	case t.flags&(fWriteEOF|fShutdown) == fWriteEOF:
		t.shutdownWrite()
	}
}

// hangup handles an error or hang-up reported while the transport waits
// for nothing: a pending socket error closes it; otherwise the fd leaves
// the poller (so that level-triggered hang-ups do not spin the loop)
// until the transport needs readiness again.
func (t *SocketTransport) hangup() {
	if err := sockError(t.pfd.fd); err != nil {
		t.forceClose(os.NewSyscallError("read", err))
		return
	}
	t.pfd.unregister()
}
