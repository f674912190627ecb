//go:build linux

package aio

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// TestStreamReadsIntoReaderBuffer checks the stream protocol's
// BufferedProtocol side: an empty reader hands out the loop's read buffer
// (it holds none of its own), and a ReadExactly waiting for many bytes
// has the transport read straight into the reader's buffer.
func TestStreamReadsIntoReaderBuffer(t *testing.T) {
	l := newIOLoop(t)
	p := newStreamProtocol(nil)
	tr, _ := peerPair(t, l, "unix", func() *streamProtocol { return p })
	defer tr.Abort()
	runTest(t, l, func(tk *Task) error {
		b := p.GetBuffer(-1)
		if p.direct || &b[0] != &l.readBuffer()[0] {
			t.Errorf("empty reader: GetBuffer is not the loop's read buffer")
		}
		n := copy(b, "hello\n")
		p.BufferUpdated(n)
		if line, err := p.r.ReadLine(tk); err != nil || string(line) != "hello\n" {
			t.Errorf("ReadLine = %q, %v", line, err)
		}

		const size = 64 << 10
		f := Spawn(tk, func(tk *Task) ([]byte, error) { return p.r.ReadExactly(tk, size) })
		if err := Sleep(tk, 0); err != nil {
			return err
		}
		want := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		for off := 0; off < size; {
			b := p.GetBuffer(-1)
			if !p.direct || &b[0] != &p.r.buf[:len(p.r.buf)+1][len(p.r.buf)] {
				return fmt.Errorf("ReadExactly waiting with %d of %d bytes: GetBuffer is not the reader's buffer", off, size)
			}
			n := copy(b[:min(len(b), 5000)], want[off:])
			p.BufferUpdated(n)
			off += n
		}
		got, err := Await(tk, f)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ReadExactly = %d bytes, %v; want the %d fed", len(got), err, size)
		}
		return nil
	})
}

// TestDefaultHappyEyeballsDelay: without the option, CreateConnection
// races its addresses with RFC 8305's 250 ms; HappyEyeballsDelay(0)
// tries them one after the other.
func TestDefaultHappyEyeballsDelay(t *testing.T) {
	if d := newNetConfig(nil).eyeballsDelay; d != 250*time.Millisecond {
		t.Errorf("default happy eyeballs delay %v, want 250ms", d)
	}
	if d := newNetConfig([]NetOption{HappyEyeballsDelay(0)}).eyeballsDelay; d != 0 {
		t.Errorf("HappyEyeballsDelay(0) gives %v", d)
	}
}

// otherTransport is a transport that is not a socket's: its methods are
// never called here.
type otherTransport struct{ Transport }

// TestStreamGetBufferOtherTransport: under a transport other than a
// socket's, GetBuffer never hands out the loop's read buffer (that
// transport may be reading from it), only room in the reader's own.
func TestStreamGetBufferOtherTransport(t *testing.T) {
	p := newStreamProtocol(nil)
	p.tr = otherTransport{}
	b := p.GetBuffer(-1)
	if !p.direct || len(b) < minDirectRead {
		t.Fatalf("GetBuffer = %d bytes, direct %v; want the reader's own room", len(b), p.direct)
	}
	n := copy(b, "line\n")
	p.BufferUpdated(n)
	if p.r.Buffered() != n || string(p.r.buf[p.r.off:]) != "line\n" {
		t.Errorf("buffered %q", p.r.buf[p.r.off:])
	}
}
