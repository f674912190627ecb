//go:build linux

package aio_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// The pipe transports against the stream checks that apply to a
// one-way transport. aiotest.TestStreamTransport needs both ends to
// write and read, so it cannot run on a pipe; of its checks:
//
//	Exchange, WriteEOFFlushes, PauseReading, FlowControl, CloseFlushes,
//	CloseTwice, Abort, BufferedProtocol, LargeTransfer, and the peer
//	going away (PeerReset*) have one-way versions here;
//	HalfClose*, EchoFromCallbacks and EOFClosesByDefault's "keep open"
//	are n/a: a pipe has no half-close (WriteEOF closes the write end,
//	and a read pipe closes after its end of file whatever EOFReceived
//	says, which pipeEOFClosesAnyway checks); WritelinesMany,
//	PauseReadingInCallback, WriteBufferLimits and SetProtocol run the
//	socket transport's own code (fdStream), which the socket suite
//	covers.

// pipePair connects an os.Pipe: w's transport writes, r's reads.
func pipePair(tk *aio.Task, w, r *aiotest.Recorder) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	if _, _, err := aio.ConnectWritePipe(tk.Loop(), func() *aiotest.Recorder { return w }, pw); err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	_, _, err = aio.ConnectReadPipe(tk.Loop(), func() *aiotest.Recorder { return r }, pr)
	return err
}

var pipeChecks = []struct {
	name string
	run  func(tk *aio.Task, w, r *aiotest.Recorder) error
}{
	{"Exchange", pipeExchange},
	{"WriteEOFFlushes", pipeWriteEOFFlushes},
	{"EOFClosesAnyway", pipeEOFClosesAnyway},
	{"PauseReading", pipePauseReading},
	{"FlowControl", pipeFlowControl},
	{"CloseTwice", pipeCloseTwice},
	{"Abort", pipeAbort},
	{"ReaderGoneIdle", pipeReaderGoneIdle},
	{"ReaderGoneWhileWriting", pipeReaderGoneWhileWriting},
	{"BufferedProtocol", pipeBufferedProtocol},
}

func TestPipeTransport(t *testing.T) {
	for _, c := range pipeChecks {
		t.Run(c.name, func(t *testing.T) {
			runProc(t, func(tk *aio.Task) error {
				w, r := &aiotest.Recorder{}, &aiotest.Recorder{}
				if err := pipePair(tk, w, r); err != nil {
					return err
				}
				err := c.run(tk, w, r)
				for _, rec := range []*aiotest.Recorder{w, r} {
					if !rec.Transport().IsClosing() {
						rec.Transport().Abort()
					}
				}
				for i, rec := range []*aiotest.Recorder{w, r} {
					if werr := rec.WaitLost(tk); werr != nil {
						return werr
					}
					if oerr := rec.CheckOrder(); oerr != nil {
						err = errors.Join(err, fmt.Errorf("%s: %w", [2]string{"writer", "reader"}[i], oerr))
					}
				}
				return err
			})
		})
	}
}

// pattern makes n reproducible bytes that differ with seed.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i/251) ^ seed
	}
	return b
}

func pipeExchange(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt, rt := w.Transport(), r.Transport()
	if _, ok := wt.(*aio.WritePipeTransport); !ok {
		return fmt.Errorf("writer's transport is %T", wt)
	}
	if _, ok := rt.(*aio.ReadPipeTransport); !ok {
		return fmt.Errorf("reader's transport is %T", rt)
	}
	if wt.IsReading() || !rt.IsReading() || !wt.CanWriteEOF() || rt.CanWriteEOF() {
		return fmt.Errorf("IsReading %v/%v CanWriteEOF %v/%v", wt.IsReading(), rt.IsReading(), wt.CanWriteEOF(), rt.CanWriteEOF())
	}
	for _, err := range []error{rt.Write([]byte("x")), rt.Writelines([][]byte{{'x'}}), rt.WriteEOF()} {
		if !errors.Is(err, aio.ErrNotWritable) {
			return fmt.Errorf("writing to a read pipe: %v, want ErrNotWritable", err)
		}
	}
	if fd, ok := wt.ExtraInfo("pipe").(int); !ok || fd < 0 {
		return fmt.Errorf(`ExtraInfo("pipe") = %v`, wt.ExtraInfo("pipe"))
	}
	if err := wt.Write([]byte("hello, ")); err != nil {
		return err
	}
	if err := wt.Writelines([][]byte{[]byte("pipe"), nil, []byte("!")}); err != nil {
		return err
	}
	if err := r.WaitBytes(tk, 12); err != nil {
		return err
	}
	if string(r.Bytes()) != "hello, pipe!" {
		return fmt.Errorf("read %q", r.Bytes())
	}
	return nil
}

// pipeWriteEOFFlushes: WriteEOF with a full buffer sends it all, then
// closes the pipe; the reader gets every byte, its end of file, and
// ConnectionLost(nil); so does the writer.
func pipeWriteEOFFlushes(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt := w.Transport()
	data := pattern(4<<20, 1)
	if err := wt.Write(data); err != nil {
		return err
	}
	if wt.WriteBufferSize() == 0 {
		return fmt.Errorf("4 MiB went into a pipe at once")
	}
	if err := wt.WriteEOF(); err != nil {
		return err
	}
	if err := wt.Write([]byte("x")); !errors.Is(err, aio.ErrTransportClosed) {
		return fmt.Errorf("Write after WriteEOF: %v", err)
	}
	if err := r.WaitLost(tk); err != nil {
		return err
	}
	if err := w.WaitLost(tk); err != nil {
		return err
	}
	if !r.EOF() || !bytes.Equal(r.Bytes(), data) || r.Err() != nil || w.Err() != nil {
		return fmt.Errorf("EOF %v, %d bytes equal %v, errors %v %v", r.EOF(), len(r.Bytes()), bytes.Equal(r.Bytes(), data), r.Err(), w.Err())
	}
	return nil
}

// pipeEOFClosesAnyway: a read pipe closes after its end of file even if
// EOFReceived asks to keep it open (it has nothing to write on).
func pipeEOFClosesAnyway(tk *aio.Task, w, r *aiotest.Recorder) error {
	r.KeepOpen = true
	w.Transport().Close()
	if err := r.WaitLost(tk); err != nil {
		return err
	}
	if !r.EOF() || r.Err() != nil {
		return fmt.Errorf("EOF %v, error %v", r.EOF(), r.Err())
	}
	return nil
}

// pipePauseReading: nothing, not even the end of file, arrives while the
// reader is paused; all of it after.
func pipePauseReading(tk *aio.Task, w, r *aiotest.Recorder) error {
	rt := r.Transport()
	rt.PauseReading()
	if rt.IsReading() {
		return fmt.Errorf("IsReading after PauseReading")
	}
	if err := w.Transport().Write([]byte("held")); err != nil {
		return err
	}
	w.Transport().Close()
	for range 10 {
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
	}
	// The hang-up of a paused reader must not keep the loop busy: the
	// virtual clock jumps only when no IO is ready.
	if err := aio.Sleep(tk, time.Hour); err != nil {
		return err
	}
	if r.Count(aiotest.Data) > 0 || r.EOF() || r.Lost() {
		return fmt.Errorf("callbacks while paused: %v", r.Events())
	}
	rt.ResumeReading()
	if err := r.WaitLost(tk); err != nil {
		return err
	}
	if string(r.Bytes()) != "held" || !r.EOF() {
		return fmt.Errorf("after ResumeReading: %q, EOF %v", r.Bytes(), r.EOF())
	}
	return nil
}

// pipeFlowControl: PauseWriting when the buffer rises above high,
// ResumeWriting when it drains to low, data intact.
func pipeFlowControl(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt, rt := w.Transport(), r.Transport()
	wt.SetWriteBufferLimits(256<<10, 64<<10)
	rt.PauseReading()
	var sent []byte
	for w.Count(aiotest.PauseWriting) == 0 {
		chunk := pattern(32<<10, byte(len(sent)>>15))
		sent = append(sent, chunk...)
		if err := wt.Write(chunk); err != nil {
			return err
		}
		if len(sent) > 8<<20 {
			return fmt.Errorf("no PauseWriting after %d bytes", len(sent))
		}
	}
	if b := w.Events()[len(w.Events())-1].Buffered; b <= 256<<10 {
		return fmt.Errorf("PauseWriting with %d buffered", b)
	}
	rt.ResumeReading()
	if err := w.WaitEvent(tk, aiotest.ResumeWriting, 1); err != nil {
		return err
	}
	if b := w.Events()[len(w.Events())-1].Buffered; b > 64<<10 {
		return fmt.Errorf("ResumeWriting with %d buffered", b)
	}
	if err := r.WaitBytes(tk, len(sent)); err != nil {
		return err
	}
	if !bytes.Equal(r.Bytes(), sent) {
		return fmt.Errorf("data differs")
	}
	return nil
}

func pipeCloseTwice(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt := w.Transport()
	if err := wt.Write([]byte("last")); err != nil {
		return err
	}
	if wt.Close() != nil || wt.Close() != nil {
		return fmt.Errorf("Close returned an error")
	}
	if err := wt.Write([]byte("x")); !errors.Is(err, aio.ErrTransportClosed) {
		return fmt.Errorf("Write after Close: %v", err)
	}
	if err := r.WaitLost(tk); err != nil {
		return err
	}
	if string(r.Bytes()) != "last" || w.Count(aiotest.Lost) != 1 {
		return fmt.Errorf("read %q, writer lost %d times", r.Bytes(), w.Count(aiotest.Lost))
	}
	return nil
}

// pipeAbort drops the buffer: the reader gets a prefix and its end.
func pipeAbort(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt := w.Transport()
	data := pattern(4<<20, 3)
	if err := wt.Write(data); err != nil {
		return err
	}
	wt.Abort()
	if err := r.WaitLost(tk); err != nil {
		return err
	}
	got := r.Bytes()
	if len(got) >= len(data) || !bytes.Equal(got, data[:len(got)]) || w.Err() != nil {
		return fmt.Errorf("got %d of %d bytes (a prefix: %v), writer's error %v", len(got), len(data), bytes.Equal(got, data[:len(got)]), w.Err())
	}
	return nil
}

// pipeReaderGoneIdle: the reader closes while the writer has nothing
// buffered; the writer notices at once (no write needed) and closes
// with ConnectionLost(nil), as asyncio's write pipe does.
func pipeReaderGoneIdle(tk *aio.Task, w, r *aiotest.Recorder) error {
	r.Transport().Close()
	if err := w.WaitLost(tk); err != nil {
		return err
	}
	if w.Err() != nil {
		return fmt.Errorf("writer lost with %v, want nil", w.Err())
	}
	return nil
}

// pipeReaderGoneWhileWriting: the reader closes while the writer has
// bytes buffered: ConnectionLost gets EPIPE.
func pipeReaderGoneWhileWriting(tk *aio.Task, w, r *aiotest.Recorder) error {
	wt := w.Transport()
	r.Transport().PauseReading()
	if err := wt.Write(pattern(1<<20, 4)); err != nil {
		return err
	}
	if wt.WriteBufferSize() == 0 {
		return fmt.Errorf("1 MiB went into a paused pipe at once")
	}
	r.Transport().Close()
	if err := w.WaitLost(tk); err != nil {
		return err
	}
	if !errors.Is(w.Err(), syscall.EPIPE) {
		return fmt.Errorf("writer lost with %v, want EPIPE", w.Err())
	}
	return nil
}

// bufProto is a BufferedProtocol reading through a 7-byte buffer.
type bufProto struct {
	*aiotest.Recorder
	buf [7]byte
}

func (p *bufProto) GetBuffer(int) []byte { return p.buf[:] }
func (p *bufProto) BufferUpdated(n int)  { p.DataReceived(p.buf[:n]) }

func pipeBufferedProtocol(tk *aio.Task, w, _ *aiotest.Recorder) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	rec := &aiotest.Recorder{}
	rt, _, err := aio.ConnectReadPipe(tk.Loop(), func() *bufProto { return &bufProto{Recorder: rec} }, pr)
	if err != nil {
		pw.Close()
		return err
	}
	wt, _, err := aio.ConnectWritePipe(tk.Loop(), func() *aiotest.Recorder { return &aiotest.Recorder{} }, pw)
	if err != nil {
		rt.Abort()
		return err
	}
	data := pattern(100<<10, 5)
	wt.Write(data)
	wt.Close()
	if err := rec.WaitLost(tk); err != nil {
		return err
	}
	if !bytes.Equal(rec.Bytes(), data) || rec.Count(aiotest.Data) < len(data)/7 {
		return fmt.Errorf("got %d bytes in %d reads", len(rec.Bytes()), rec.Count(aiotest.Data))
	}
	return nil
}

// TestPipeNotAPipe: a regular file cannot be polled: ErrNotPipe, and the
// file stays the caller's, open.
func TestPipeNotAPipe(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/regular")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runProc(t, func(tk *aio.Task) error {
		_, _, err := aio.ConnectReadPipe(tk.Loop(), func() *aiotest.Recorder { return &aiotest.Recorder{} }, f)
		if !errors.Is(err, aio.ErrNotPipe) {
			t.Errorf("ConnectReadPipe(regular file): %v", err)
		}
		_, _, err = aio.ConnectWritePipe(tk.Loop(), func() *aiotest.Recorder { return &aiotest.Recorder{} }, f)
		if !errors.Is(err, aio.ErrNotPipe) {
			t.Errorf("ConnectWritePipe(regular file): %v", err)
		}
		return nil
	})
	if _, err := f.Write([]byte("still open")); err != nil {
		t.Errorf("the file was closed: %v", err)
	}
}

// TestPipeLargeTransfer: 16 MiB through a pipe with flow control on both
// sides, intact.
func TestPipeLargeTransfer(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		w, r := &aiotest.Recorder{}, &aiotest.Recorder{}
		if err := pipePair(tk, w, r); err != nil {
			return err
		}
		data := pattern(16<<20, 6)
		for off := 0; off < len(data); off += 1 << 20 {
			if err := w.Transport().Write(data[off : off+1<<20]); err != nil {
				return err
			}
			if err := w.Wait(tk, func(w *aiotest.Recorder) bool { return !w.WritePaused() }); err != nil {
				return err
			}
		}
		w.Transport().Close()
		if err := r.WaitLost(tk); err != nil {
			return err
		}
		if !bytes.Equal(r.Bytes(), data) {
			return fmt.Errorf("got %d bytes, equal %v", len(r.Bytes()), bytes.Equal(r.Bytes(), data))
		}
		return w.WaitLost(tk)
	})
}
