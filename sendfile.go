package aio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// SendFile sends count bytes of f, starting at offset, on the connection,
// and suspends task until the kernel has taken them (asyncio's
// loop.sendfile). The bytes follow everything written before: SendFile
// first waits for the write buffer to drain. count <= 0 sends up to the
// end of the file. It returns the number of bytes sent, fewer than count
// only with an error or when the file ends first.
//
// It uses sendfile(2) where the system has it (Linux), so the file's
// bytes never pass through user space, and reads and writes otherwise,
// or when the kernel refuses sendfile for this file. Either way it does
// not move f's own offset, and it never blocks the loop on the socket:
// when the socket's buffer is full it waits for writability. Reading a
// regular file is not waited for (as with any read of a regular file).
//
// While it runs, Write, Writelines and WriteEOF return
// [ErrSendFileInProgress] (their bytes would have to pass the file's), and
// so does a second SendFile; reading goes on. Close waits for SendFile
// to finish; Abort, or the connection breaking, ends it with
// [ErrTransportClosed]. Call it from a task of the transport's loop.
//
// Cancellation: SendFile returns the bytes sent so far with an error
// matching [ErrCancelled]. The peer has then received a prefix of the
// range, so the connection is usually aborted.
func (t *SocketTransport) SendFile(task *Task, f *os.File, offset, count int64) (int64, error) {
	task.checkRunning("SendFile")
	if task.fut.loop != t.loop {
		return 0, errors.New("aio: SendFile: the task runs on another loop than the transport")
	}
	if t.flags&(fClosing|fWriteEOF|fSendFile) != 0 {
		return 0, t.writeRefused()
	}
	if offset < 0 {
		return 0, fmt.Errorf("aio: SendFile: negative offset %d", offset)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	if count <= 0 {
		st, err := f.Stat()
		if err != nil {
			return 0, err
		}
		if count = st.Size() - offset; count <= 0 {
			return 0, nil
		}
	}
	t.flags |= fSendFile
	defer t.endSendFile()
	t.update() // flushes what is buffered, then wakes us
	for t.wb.size > 0 {
		if err := t.waitWritable(task); err != nil {
			return 0, err
		}
	}
	s := fileSender{rc: rc, f: f, off: offset, native: !t.loop.io.noSendfile}
	var sent int64
	for sent < count {
		n, err := s.send(t.pfd.fd, count-sent)
		sent += int64(n)
		switch {
		case err == unix.EAGAIN:
			if err := t.waitWritable(task); err != nil {
				return sent, err
			}
		case err == io.EOF:
			return sent, nil
		case err != nil:
			err = os.NewSyscallError("sendfile", err)
			t.forceClose(err)
			return sent, err
		}
	}
	return sent, nil
}

// waitWritable suspends task until the socket may take more (or the
// transport is lost).
func (t *SocketTransport) waitWritable(task *Task) error {
	f := NewFuture[struct{}](t.loop)
	t.ext().sendWake = f
	err := AwaitDone(task, f)
	t.extra.sendWake = nil
	if err == nil && t.flags&fLost != 0 {
		if t.extra.werr != nil {
			return t.extra.werr
		}
		return ErrTransportClosed
	}
	return err
}

// wakeSendFile resumes a SendFile waiting in waitWritable.
func (t *fdStream) wakeSendFile() {
	if t.extra != nil && t.extra.sendWake != nil && !t.extra.sendWake.Done() {
		t.extra.sendWake.SetResult(struct{}{})
	}
}

// endSendFile lets writes in again and finishes a Close made meanwhile.
func (t *SocketTransport) endSendFile() {
	t.flags &^= fSendFile
	if t.flags&fLost != 0 {
		return
	}
	t.update()
	if t.flags&fClosing != 0 && t.wb.size == 0 {
		t.forceClose(nil)
	}
}

// fileSendChunk bounds the bytes of one sendfile call or one read of the
// fallback.
const fileSendChunk = 1 << 20

// fileSender sends a range of a file on a socket, one call at a time.
type fileSender struct {
	rc      syscall.RawConn
	f       *os.File
	off     int64 // next byte of the file to read
	native  bool  // try sendfile(2)
	buf     []byte
	pending []byte // fallback: read from the file, not yet sent
}

// send makes one call that sends at most max bytes; it returns
// unix.EAGAIN when the socket is full and io.EOF when the file ended.
func (s *fileSender) send(fd int, max int64) (int, error) {
	if s.native {
		n, err := sysSendfile(fd, s.rc, &s.off, int(min(max, fileSendChunk)))
		switch {
		case err == nil && n == 0:
			return 0, io.EOF
		case err == unix.ENOSYS || err == unix.EINVAL || err == unix.EOPNOTSUPP:
			s.native = false // not for this file or system: read and write
		default:
			return n, err
		}
	}
	if len(s.pending) == 0 {
		if s.buf == nil {
			s.buf = make([]byte, min(max, fileSendChunk))
		}
		m, err := s.f.ReadAt(s.buf[:min(int64(len(s.buf)), max)], s.off)
		if m == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		s.off += int64(m)
		s.pending = s.buf[:m]
	}
	var n int
	err := ignoringEINTR(func() (err error) {
		n, err = sysSend(fd, s.pending)
		return err
	})
	s.pending = s.pending[n:]
	return n, err
}
