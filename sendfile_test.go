//go:build linux

package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// SendFile sends a range of a file larger than the socket buffers to a
// real peer, after the bytes written before it and before those written
// after it; writes made while it runs are refused. Both ways: sendfile(2)
// and the read-and-write fallback.
func TestSendFile(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprintf("fallback=%v", fallback), func(t *testing.T) {
			checkFDs(t)
			content := pattern(0, 4<<20)
			f := tempFile(t, content)
			l := newIOLoop(t)
			l.io.noSendfile = fallback
			s, c := smallBufferPair(t)
			peer := os.NewFile(uintptr(c), "peer")
			defer peer.Close()
			startReading := make(chan struct{})
			received := make(chan []byte, 1)
			go func() {
				<-startReading
				b, _ := io.ReadAll(peer)
				received <- b
			}()
			header := bytes.Repeat([]byte("header|"), 64<<10) // more than the socket takes at once
			const off, tail = 1000, 2000
			count := int64(len(content) - off - tail)
			p := &recProto{}
			runTest(t, l, func(tk *Task) error {
				tr, _, err := ConnectAccepted(l, func() *recProto { return p }, s)
				if err != nil {
					return err
				}
				if err := tr.Write(header); err != nil {
					return err
				}
				if tr.WriteBufferSize() == 0 {
					return fmt.Errorf("the header was not buffered: SendFile would not wait for it")
				}
				// Runs while SendFile waits for the peer.
				during := Spawn(tk, func(t2 *Task) (struct{}, error) {
					defer close(startReading)
					if err := tr.Write([]byte("x")); !errors.Is(err, ErrSendFileInProgress) {
						return struct{}{}, fmt.Errorf("Write during SendFile: %v, want ErrSendFileInProgress", err)
					}
					if _, err := tr.SendFile(t2, f, 0, 1); !errors.Is(err, ErrSendFileInProgress) {
						return struct{}{}, fmt.Errorf("a second SendFile: %v, want ErrSendFileInProgress", err)
					}
					return struct{}{}, nil
				})
				n, err := tr.SendFile(tk, f, off, count)
				if err != nil || n != count {
					return fmt.Errorf("SendFile sent %d, %v; want %d", n, err, count)
				}
				if _, err := Await(tk, during); err != nil {
					return err
				}
				// Past the end of the file: what there is.
				n, err = tr.SendFile(tk, f, int64(len(content)-10), 100)
				if err != nil || n != 10 {
					return fmt.Errorf("SendFile at the end of the file sent %d, %v; want 10", n, err)
				}
				if err := tr.Write([]byte("|trailer")); err != nil {
					return err
				}
				tr.Close()
				return p.waitLost(tk)
			})
			got := <-received
			want := bytes.Join([][]byte{
				header, content[off : off+int(count)], content[len(content)-10:], []byte("|trailer")}, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("peer got %d bytes, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
			if pos, _ := f.Seek(0, io.SeekCurrent); pos != 0 {
				t.Fatalf("SendFile moved the file's offset to %d", pos)
			}
		})
	}
}

// Abort while SendFile waits ends it with ErrTransportClosed.
func TestSendFileAbort(t *testing.T) {
	checkFDs(t)
	f := tempFile(t, make([]byte, 4<<20))
	l := newIOLoop(t)
	s, c := smallBufferPair(t)
	defer unix.Close(c)
	p := &recProto{}
	runTest(t, l, func(tk *Task) error {
		tr, _, err := ConnectAccepted(l, func() *recProto { return p }, s)
		if err != nil {
			return err
		}
		Spawn(tk, func(*Task) (struct{}, error) { tr.Abort(); return struct{}{}, nil })
		n, err := tr.SendFile(tk, f, 0, 0)
		if !errors.Is(err, ErrTransportClosed) || n >= 4<<20 {
			return fmt.Errorf("SendFile after Abort: %d, %v; want part of the file and ErrTransportClosed", n, err)
		}
		return p.waitLost(tk)
	})
}

// tempFile returns a file holding content, closed at the end of the test.
func tempFile(t *testing.T, content []byte) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// smallBufferPair is a TCP rawPair with small socket buffers, so that a
// SendFile of a few MiB must wait for the peer.
func smallBufferPair(t *testing.T) (int, int) {
	s, c := rawPair(t, "tcp")
	unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_SNDBUF, 32<<10)
	unix.SetsockoptInt(c, unix.SOL_SOCKET, unix.SO_RCVBUF, 32<<10)
	return s, c
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Cancelling a SendFile that waits returns what it sent with
// ErrCancelled, and lets writes in again; Close made during a SendFile
// waits for it, and the peer gets every byte.
func TestSendFileCancelAndClose(t *testing.T) {
	checkFDs(t)
	content := pattern(0, 4<<20)
	f := tempFile(t, content)
	l := newIOLoop(t)
	s, c := smallBufferPair(t)
	peer := os.NewFile(uintptr(c), "peer")
	defer peer.Close()
	received := make(chan []byte, 1)
	startReading := make(chan struct{})
	go func() {
		<-startReading
		b, _ := io.ReadAll(peer)
		received <- b
	}()
	p := &recProto{}
	var first int64
	runTest(t, l, func(tk *Task) error {
		tr, _, err := ConnectAccepted(l, func() *recProto { return p }, s)
		if err != nil {
			return err
		}
		var sendErr error
		send := Spawn(tk, func(t2 *Task) (int64, error) {
			first, sendErr = tr.SendFile(t2, f, 0, 0)
			return first, sendErr
		})
		Sleep(tk, 0) // the SendFile fills the socket and waits
		send.Cancel()
		Await(tk, send)
		if !errors.Is(sendErr, ErrCancelled) || first <= 0 || first >= int64(len(content)) {
			return fmt.Errorf("cancelled SendFile: %d, %v; want part of the file and ErrCancelled", first, sendErr)
		}
		if err := tr.Write([]byte("after")); err != nil {
			return fmt.Errorf("Write after a cancelled SendFile: %v", err)
		}
		// Again, with a Close while it runs.
		send = Spawn(tk, func(t2 *Task) (int64, error) { return tr.SendFile(t2, f, 0, 0) })
		close(startReading)
		for tr.WriteBufferSize() > 0 { // "after" is out: the file goes
			Sleep(tk, 0)
		}
		tr.Close()
		if n, err := Await(tk, send); err != nil || n != int64(len(content)) {
			return fmt.Errorf("SendFile with a Close made meanwhile: %d, %v; want the whole file", n, err)
		}
		return p.waitLost(tk)
	})
	want := bytes.Join([][]byte{content[:first], []byte("after"), content}, nil)
	if got := <-received; !bytes.Equal(got, want) {
		t.Fatalf("peer got %d bytes, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}
