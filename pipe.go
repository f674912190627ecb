package aio

import (
	"errors"
	"fmt"
	"os"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// Pipe transports: the read and the write end of a pipe (or a FIFO, a
// character device, a socket used one way) as a Transport, asyncio's
// _UnixReadPipeTransport and _UnixWritePipeTransport. They are fdStreams
// with the flag fPipe, so reading, writing, flow control and write
// gathering are the socket transport's own code.

var (
	// ErrNotPipe is returned by ConnectReadPipe and ConnectWritePipe for
	// a file that the loop cannot poll: a regular file or a directory
	// (asyncio's "Pipe transport is for pipes/sockets only").
	ErrNotPipe = errors.New("aio: not a pipe, socket or character device")

	// ErrNotWritable is returned by the write methods of a
	// ReadPipeTransport: the read end of a pipe has no way back.
	ErrNotWritable = errors.New("aio: the transport is the read end of a pipe")
)

// ReadPipeTransport is the [Transport] of the read end of a pipe
// (asyncio's read pipe transport), made by [ConnectReadPipe] and for a
// subprocess's stdout and stderr. Its protocol gets ConnectionMade,
// DataReceived as bytes come, EOFReceived (if it is an [EOFReceiver])
// when every writer has closed its end, and ConnectionLost; the
// transport closes after the end of file whatever EOFReceived returns,
// since a pipe has no writing side to keep open. Reading is
// level-triggered with a read budget per pass, as on a socket, and
// [BufferedProtocol] is honoured.
//
// The write methods return [ErrNotWritable]; CanWriteEOF reports false.
// Its methods are called from the loop's goroutine.
type ReadPipeTransport struct{ fdStream }

// WritePipeTransport is the [Transport] of the write end of a pipe
// (asyncio's write pipe transport), made by [ConnectWritePipe] and for a
// subprocess's stdin. Write goes straight to the pipe and only what the
// kernel refuses is buffered, with the flow control and hard limit of a
// socket transport (see [WriteTransport]). WriteEOF closes the pipe once
// the buffer is sent, which is how a pipe's reader sees its end.
//
// The transport watches for the reader going away: when every reader
// has closed its end, the transport closes, with ConnectionLost(nil) if
// nothing was buffered and an error matching [syscall.EPIPE] otherwise
// (asyncio's BrokenPipeError). It never reads: IsReading reports false,
// PauseReading and ResumeReading do nothing. Its methods are called
// from the loop's goroutine.
type WritePipeTransport struct{ fdStream }

var (
	_ Transport = (*ReadPipeTransport)(nil)
	_ Transport = (*WritePipeTransport)(nil)
)

// ConnectReadPipe wraps f, the read end of a pipe, a FIFO or a character
// device, in a transport with a protocol from factory (asyncio's
// loop.connect_read_pipe). The transport takes f over: it keeps a
// non-blocking duplicate of f's fd, closes f, and closes the duplicate
// when it closes. If f cannot be taken ([ErrNotPipe], [ErrLoopClosed], a
// failing Stat or dup) it is left open and the error returned; after
// that, an error (a factory that fails, a ConnectionMade that panics)
// leaves it closed. The protocol's ConnectionMade has run when
// ConnectReadPipe returns. Call it from the loop's goroutine; it does
// not suspend.
//
// A character device that cannot be polled (/dev/null) is accepted, and
// its transport is lost at once with the poller's error (EPERM), which
// ConnectionLost receives (asyncio reports it to the exception handler).
//
// O_NONBLOCK belongs to the open file, not to the fd: a pipe shared with
// another process (the terminal's stdin) becomes non-blocking for it
// too, as with asyncio.
func ConnectReadPipe[P Protocol](l *Loop, factory func() P, f *os.File) (*ReadPipeTransport, P, error) {
	return connectPipe(l, factory, f, newReadPipe)
}

// ConnectWritePipe wraps f, the write end of a pipe, a FIFO or a
// character device, in a transport with a protocol from factory
// (asyncio's loop.connect_write_pipe). f is taken over as by
// [ConnectReadPipe]. The protocol receives no data: it gets
// ConnectionMade, PauseWriting and ResumeWriting (if it is a
// [WriteFlowProtocol]) and ConnectionLost. Call it from the loop's
// goroutine; it does not suspend.
func ConnectWritePipe[P Protocol](l *Loop, factory func() P, f *os.File) (*WritePipeTransport, P, error) {
	return connectPipe(l, factory, f, newWritePipe)
}

// connectPipe adopts f, makes the protocol and the transport, and calls
// ConnectionMade.
func connectPipe[P Protocol, T interface{ start() error }](l *Loop, factory func() P, f *os.File, wrap func(*Loop, int, Protocol) T) (T, P, error) {
	var zt T
	var zp P
	fd, err := adoptPipe(l, f)
	if err != nil {
		return zt, zp, err
	}
	p, err := callFactory(factory)
	if err != nil {
		unix.Close(fd)
		return zt, zp, err
	}
	tr := wrap(l, fd, p)
	if err := tr.start(); err != nil {
		return zt, zp, err
	}
	return tr, p, nil
}

// adoptPipe checks that f can be polled and returns a non-blocking,
// close-on-exec duplicate of its fd; f is closed once the duplicate is
// made.
func adoptPipe(l *Loop, f *os.File) (int, error) {
	if l.closed.Load() {
		return -1, ErrLoopClosed
	}
	st, err := f.Stat()
	if err != nil {
		return -1, err
	}
	switch m := st.Mode(); {
	case m&os.ModeNamedPipe != 0, m&os.ModeSocket != 0, m&os.ModeCharDevice != 0:
	default:
		return -1, fmt.Errorf("%w: %s is %v", ErrNotPipe, f.Name(), m.Type())
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	cerr := rc.Control(func(s uintptr) {
		fd, err = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	})
	if cerr != nil {
		return -1, cerr
	}
	if err != nil {
		return -1, os.NewSyscallError("fcntl", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("setnonblock", err)
	}
	f.Close()
	return fd, nil
}

// newReadPipe wraps fd, a non-blocking read end the transport now owns.
func newReadPipe(l *Loop, fd int, p Protocol) *ReadPipeTransport {
	t := &ReadPipeTransport{}
	t.initPipe(l, fd, p, t)
	return t
}

// newWritePipe wraps fd, a non-blocking write end the transport now
// owns. fReading stays set: the transport polls for readability, which
// a write end reports only as the error or hang-up of a pipe without
// readers.
func newWritePipe(l *Loop, fd int, p Protocol) *WritePipeTransport {
	t := &WritePipeTransport{}
	t.initPipe(l, fd, p, t)
	return t
}

// initPipe sets up the fdStream of pipe transport outer.
func (t *fdStream) initPipe(l *Loop, fd int, p Protocol, outer interface {
	transportOps
	fdHandler
}) {
	t.setProtocol(p)
	t.fdTransport.init(l, fd, outer)
	t.flags |= fPipe
}

// streamWrite is the write syscall of an fdStream: send with
// MSG_NOSIGNAL on a socket, write on a pipe (where send fails with
// ENOTSOCK; a broken pipe still gives EPIPE, since the Go runtime
// ignores SIGPIPE for fds other than 1 and 2).
func streamWrite(fd int, pipe bool, p []byte) (int, error) {
	if pipe {
		return sysWrite(fd, p)
	}
	return sysSend(fd, p)
}

// streamRead is the read syscall of an fdStream: recv on a socket (see
// sysRecv), read on a pipe.
func streamRead(fd int, pipe bool, p []byte) (int, error) {
	if pipe {
		return sysRead(fd, p)
	}
	return sysRecv(fd, p)
}

// pipeExtraInfo answers ExtraInfo for a pipe: "pipe" and "fd" give the
// fd (asyncio's "pipe" is the file object).
func (t *fdStream) pipeExtraInfo(name string) any {
	if name == "pipe" || name == "fd" {
		return t.pfd.fd
	}
	return nil
}

// pipeString describes a pipe transport.
func (t *fdStream) pipeString(kind string) string {
	return fmt.Sprintf("<%s fd=%d %s>", kind, t.pfd.fd, t.state())
}

// ExtraInfo returns the fd for "pipe" and "fd", nil for other names.
func (t *ReadPipeTransport) ExtraInfo(name string) any { return t.pipeExtraInfo(name) }

// String describes the transport.
func (t *ReadPipeTransport) String() string { return t.pipeString("ReadPipeTransport") }

// Write returns [ErrNotWritable].
func (t *ReadPipeTransport) Write([]byte) error { return ErrNotWritable }

// Writelines returns [ErrNotWritable].
func (t *ReadPipeTransport) Writelines([][]byte) error { return ErrNotWritable }

// WriteEOF returns [ErrNotWritable].
func (t *ReadPipeTransport) WriteEOF() error { return ErrNotWritable }

// CanWriteEOF reports false.
func (t *ReadPipeTransport) CanWriteEOF() bool { return false }

func (t *ReadPipeTransport) made()          { t.proto.ConnectionMade(t) }
func (t *ReadPipeTransport) lost(err error) { t.loop.protocolLost(t.proto.ConnectionLost, err) }

// ready reads; a hang-up while paused takes the fd out of the poller
// until ResumeReading, whose read then finds the end of file.
func (t *ReadPipeTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	if t.pfd.wantsRead(ev) {
		t.readReady()
	} else if ev&(poll.Error|poll.Hangup) != 0 && t.flags&fLost == 0 {
		t.pfd.unregister()
	}
}

// ExtraInfo returns the fd for "pipe" and "fd", nil for other names.
func (t *WritePipeTransport) ExtraInfo(name string) any { return t.pipeExtraInfo(name) }

// String describes the transport.
func (t *WritePipeTransport) String() string { return t.pipeString("WritePipeTransport") }

// CanWriteEOF reports true: WriteEOF closes the pipe.
func (t *WritePipeTransport) CanWriteEOF() bool { return true }

// WriteEOF closes the pipe once the buffered bytes are sent, which is
// how its reader sees the end (asyncio's write_eof on a pipe). Writes
// after it return [ErrTransportClosed]; so does WriteEOF on a closing
// transport.
func (t *WritePipeTransport) WriteEOF() error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	t.flags |= fWriteEOF
	return t.Close()
}

// IsReading reports false: a write pipe does not read.
func (t *WritePipeTransport) IsReading() bool { return false }

// PauseReading does nothing: a write pipe does not read.
func (t *WritePipeTransport) PauseReading() {}

// ResumeReading does nothing: a write pipe does not read.
func (t *WritePipeTransport) ResumeReading() {}

func (t *WritePipeTransport) made()          { t.proto.ConnectionMade(t) }
func (t *WritePipeTransport) lost(err error) { t.loop.protocolLost(t.proto.ConnectionLost, err) }

// ready flushes the buffer on writability. Readability, an error or a
// hang-up on a write end all mean the same: no reader is left, so the
// transport closes, with EPIPE if bytes could not be delivered.
func (t *WritePipeTransport) ready(ev poll.Event) {
	defer t.recoverPanic()
	if ev&(poll.Readable|poll.Error|poll.Hangup) != 0 {
		var err error
		if t.wb.size > 0 {
			err = os.NewSyscallError("write", unix.EPIPE)
		}
		t.forceClose(err)
		return
	}
	if t.pfd.wantsWrite(ev) {
		t.flush()
	}
}
