package aio

import (
	"fmt"
	"net"

	"github.com/aio-go/aio/internal/poll"
)

// transport state flags (transportBase.flags)
const (
	fReading     uint16 = 1 << iota // reading wanted (not paused)
	fEOF                            // end of file received
	fClosing                        // Close called, or lost
	fLost                           // released, ConnectionLost scheduled
	fWriteEOF                       // WriteEOF called
	fShutdown                       // shutdown(SHUT_WR) done
	fWritePaused                    // PauseWriting called on the protocol
	fCorked                         // holds writes made during the IO dispatch (corkWrite)
	fSendFile                       // SendFile is sending: writes are refused
	fPipe                           // the fd is a pipe, not a socket (fdStream)
	fHoldWrites                     // small writes wait for the end of the pass (holdWrites)
)

const (
	defaultHighWater = 64 << 10
	defaultLowWater  = defaultHighWater / 4
	// defaultMaxWriteBuffer is the hard limit of a write buffer.
	defaultMaxWriteBuffer = 64 << 20
)

// transportBase is what every transport shares, whatever carries its
// bytes: the state flags, the loop, the write buffer's flow-control
// marks and hard limit, and the calls into the protocol, each with a
// panic contained to that transport. A transport embeds it (through
// fdTransport when it owns an fd) and hands it its own parts as
// transportOps.
//
// Its methods are called from the loop's goroutine.
type transportBase struct {
	loop      *Loop
	ops       transportOps // the transport that embeds this one
	flags     uint16
	high, low int
	limit     int // hard limit of the write buffer; <= 0: none
}

// transportOps is what a transport gives its transportBase.
type transportOps interface {
	// made calls the protocol's ConnectionMade.
	made()
	// lost calls the protocol's ConnectionLost, after the release.
	lost(err error)
	// release frees the fd and the buffers; it is called once.
	release()
	// update brings the transport's wait for readiness in line with
	// its state.
	update()
	// bufferSize returns the bytes buffered, not yet sent.
	bufferSize() int
	// protocol returns the protocol, for its optional interfaces.
	protocol() any
}

func (b *transportBase) init(l *Loop, ops transportOps) {
	b.loop, b.ops = l, ops
	b.flags = fReading
	b.high, b.low, b.limit = defaultHighWater, defaultLowWater, defaultMaxWriteBuffer
}

// start calls ConnectionMade and starts reading. A panic in
// ConnectionMade aborts the transport and is returned.
func (b *transportBase) start() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = b.protocolPanicked(r)
		}
	}()
	b.ops.made()
	b.ops.update()
	return nil
}

// state names the transport's state for String: open, closing, closed.
func (b *transportBase) state() string {
	switch {
	case b.flags&fLost != 0:
		return "closed"
	case b.flags&fClosing != 0:
		return "closing"
	}
	return "open"
}

// Loop returns the loop the transport belongs to.
func (b *transportBase) Loop() *Loop { return b.loop }

// IsClosing reports whether Close or Abort was called or the connection
// was lost.
func (b *transportBase) IsClosing() bool { return b.flags&fClosing != 0 }

// Close closes the transport once what is buffered is sent; then
// ConnectionLost(nil) is called. It does nothing on a closing transport
// and always returns nil.
func (b *transportBase) Close() error {
	if b.flags&fClosing != 0 {
		return nil
	}
	b.flags |= fClosing
	if b.ops.bufferSize() == 0 && b.flags&fSendFile == 0 {
		b.forceClose(nil)
		return nil
	}
	b.ops.update() // stop reading, keep flushing
	return nil
}

// Abort closes the transport at once, dropping what is buffered; then
// ConnectionLost(nil) is called.
func (b *transportBase) Abort() { b.forceClose(nil) }

func (b *transportBase) closeForLoop() { b.forceClose(nil) }

// forceClose releases the transport now and schedules ConnectionLost(err).
func (b *transportBase) forceClose(err error) {
	if b.flags&fLost != 0 {
		return
	}
	b.flags |= fLost | fClosing
	b.ops.release()
	b.loop.ready.push(funcCallback(func() { b.ops.lost(err) }))
}

// protocolPanicked reports a panic of a protocol callback, aborts the
// transport, and returns the panic as an error.
func (b *transportBase) protocolPanicked(r any) error {
	pe := newPanicError(r)
	b.loop.CallExceptionHandler(ExceptionContext{
		Message: "panic in a protocol callback: transport aborted", Err: pe,
	})
	b.forceClose(pe)
	return pe
}

// recoverPanic, deferred around protocol callbacks, contains a panic to
// the transport.
func (b *transportBase) recoverPanic() {
	if r := recover(); r != nil {
		b.protocolPanicked(r)
	}
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

// SetWriteBufferLimits sets the flow-control marks of the write buffer
// (see WriteTransport.SetWriteBufferLimits); the protocol is paused and
// resumed only if it implements WriteFlowProtocol. It panics if low >
// high.
func (b *transportBase) SetWriteBufferLimits(high, low int) {
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
	b.high, b.low = high, low
	b.maybePauseProtocol()
}

// WriteBufferLimits returns the high- and low-water marks.
func (b *transportBase) WriteBufferLimits() (high, low int) { return b.high, b.low }

// SetWriteBufferMax sets the hard limit of the write buffer, so that a
// peer that does not read cannot make it grow without bound. The default
// is 64 MiB; n <= 0 removes the limit. What a write past the limit does
// depends on the transport: see ErrWriteBufferFull.
func (b *transportBase) SetWriteBufferMax(n int) { b.limit = n }

// overLimit reports whether buffering n more bytes on top of buffered
// passes the hard limit. The caller passes its own count (not
// ops.bufferSize) to keep the write path free of an interface call.
func (b *transportBase) overLimit(buffered, n int) bool {
	return b.limit > 0 && buffered+n > b.limit
}

func (b *transportBase) maybePauseProtocol() {
	if b.flags&fWritePaused != 0 || b.ops.bufferSize() <= b.high {
		return
	}
	b.flags |= fWritePaused
	if fp, ok := b.ops.protocol().(WriteFlowProtocol); ok {
		callProtocol(b.loop, "protocol PauseWriting failed", fp.PauseWriting)
	}
}

func (b *transportBase) maybeResumeProtocol() {
	if b.flags&fWritePaused == 0 || b.ops.bufferSize() > b.low {
		return
	}
	b.flags &^= fWritePaused
	if fp, ok := b.ops.protocol().(WriteFlowProtocol); ok {
		callProtocol(b.loop, "protocol ResumeWriting failed", fp.ResumeWriting)
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

// fdTransport is a transportBase over an fd it owns and registers with
// the loop's poller: the base of fdStream (socket and pipe transports)
// and of the datagram transport.
type fdTransport struct {
	transportBase
	pfd pollFD
}

// init wraps fd, which the transport now owns; ops is the transport,
// which is also the fd's handler.
func (t *fdTransport) init(l *Loop, fd int, ops interface {
	transportOps
	fdHandler
}) {
	t.transportBase.init(l, ops)
	t.pfd.init(l, fd, ops)
}

// Fd returns the transport's file descriptor, or -1 once the transport
// is closed. The transport owns it: do not close it.
func (t *fdTransport) Fd() int { return t.pfd.fd }

// setWant makes the poller's interest in the fd w; a failure closes the
// transport.
func (t *fdTransport) setWant(w poll.Event) {
	if t.flags&fLost != 0 {
		return
	}
	if err := t.pfd.setInterest(w); err != nil {
		t.forceClose(err)
	}
}

// extraInfo answers ExtraInfo for a socket transport with the given
// addresses (asyncio's get_extra_info).
func (t *fdTransport) extraInfo(name string, local, remote func() net.Addr) any {
	var a net.Addr
	switch name {
	case "peername":
		a = remote()
	case "sockname":
		a = local()
	case "socket", "fd":
		return t.pfd.fd
	}
	if a == nil {
		return nil // not a nil net.Addr in a non-nil any
	}
	return a
}
