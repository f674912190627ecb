//go:build linux

package aio

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"golang.org/x/sys/unix"
)

// Writes made while the loop dispatches IO wait in the transport and go
// out, in order, when the dispatch ends; writes made elsewhere, and big
// ones, go straight to the socket.
func TestWritesGatheredDuringDispatch(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	var held []int
	p := &recProto{onData: func(p *recProto, b []byte) {
		p.tr.Write([]byte("one,"))
		p.tr.(*SocketTransport).Writelines([][]byte{[]byte("two,"), []byte("three,")})
		held = append(held, p.tr.(*SocketTransport).WriteBufferSize())
		p.tr.Write(make([]byte, corkMax+1)) // big: joins the held ones, in order
		held = append(held, p.tr.(*SocketTransport).WriteBufferSize())
	}}
	tr, peer := peerPair(t, l, "unix", func() *recProto { return p })
	runTest(t, l, func(tk *Task) error {
		peer.Write([]byte("x"))
		if err := p.waitData(tk, 1); err != nil {
			return err
		}
		if held[0] != len("one,two,three,") || held[1] != held[0]+corkMax+1 {
			return fmt.Errorf("held during the dispatch: %v", held)
		}
		want := "one,two,three," + string(make([]byte, corkMax+1))
		got := make([]byte, len(want))
		if _, err := io.ReadFull(peer, got); err != nil || string(got) != want {
			return fmt.Errorf("peer got %d bytes (%v), want the writes in order", len(got), err)
		}
		if n := tr.WriteBufferSize(); n != 0 {
			return fmt.Errorf("%d bytes still held after the dispatch", n)
		}
		tr.Write([]byte("later")) // not in a dispatch: straight out
		if n := tr.WriteBufferSize(); n != 0 {
			return fmt.Errorf("a write outside the dispatch was held (%d bytes)", n)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "later" {
			return fmt.Errorf("peer got %q, %v", buf, err)
		}
		tr.Close()
		return p.waitLost(tk)
	})
}

// Held writes count as buffered: crossing the high-water mark pauses the
// protocol inside the callback that wrote, as a buffered write would, and
// crossing the buffer's limit refuses the write.
func TestHeldWritesPauseAndLimit(t *testing.T) {
	for _, lines := range []bool{false, true} {
		t.Run(fmt.Sprintf("Writelines=%v", lines), func(t *testing.T) {
			checkFDs(t)
			l := newIOLoop(t)
			var pausedAt []int
			var limitErr error
			p := &recProto{onData: func(p *recProto, b []byte) {
				tr := p.tr.(*SocketTransport)
				write := func(n int) error {
					if lines {
						return tr.Writelines([][]byte{make([]byte, n/2), make([]byte, n-n/2)})
					}
					return tr.Write(make([]byte, n))
				}
				tr.SetWriteBufferLimits(100, 10)
				for range 3 {
					write(60)
					pausedAt = append(pausedAt, p.paused)
				}
				tr.SetWriteBufferLimits(1000, 10) // the limit, not the mark, is what refuses
				tr.SetWriteBufferMax(200)
				limitErr = write(30)
			}}
			_, peer := peerPair(t, l, "unix", func() *recProto { return p })
			runTest(t, l, func(tk *Task) error {
				peer.Write([]byte("x"))
				if err := p.waitLost(tk); !errors.Is(err, ErrWriteBufferFull) {
					return fmt.Errorf("connection lost with %v, want ErrWriteBufferFull", err)
				}
				if fmt.Sprint(pausedAt) != "[0 1 1]" {
					return fmt.Errorf("paused after each 60-byte write (high-water 100): %v, want [0 1 1]", pausedAt)
				}
				if !errors.Is(limitErr, ErrWriteBufferFull) {
					return fmt.Errorf("a write past the limit: %v, want ErrWriteBufferFull", limitErr)
				}
				return nil
			})
		})
	}
}

// A write held during the dispatch still reaches the peer when the
// protocol closes or aborts the transport in the same callback.
func TestHeldWritesThenCloseOrAbort(t *testing.T) {
	for _, abort := range []bool{false, true} {
		t.Run(fmt.Sprintf("abort=%v", abort), func(t *testing.T) {
			checkFDs(t)
			l := newIOLoop(t)
			p := &recProto{onData: func(p *recProto, b []byte) {
				p.tr.Write([]byte("bye"))
				if abort {
					p.tr.(*SocketTransport).Abort()
				} else {
					p.tr.Close()
				}
			}}
			_, peer := peerPair(t, l, "unix", func() *recProto { return p })
			runTest(t, l, func(tk *Task) error {
				peer.Write([]byte("x"))
				if err := p.waitLost(tk); err != nil {
					return err
				}
				got, err := io.ReadAll(peer)
				if string(got) != "bye" || err != nil {
					return fmt.Errorf("peer got %q, %v; want bye then EOF", got, err)
				}
				return nil
			})
		})
	}
}

// A held write to a peer that is gone fails at the end of the dispatch:
// ConnectionLost gets the socket's error and the loop goes on.
func TestHeldWriteToResetPeer(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	var writeErr error
	p := &recProto{onData: func(p *recProto, b []byte) { writeErr = p.tr.Write([]byte("late")) }}
	_, peer := peerPair(t, l, "unix", func() *recProto { return p })
	runTest(t, l, func(tk *Task) error {
		peer.Write([]byte("x"))
		peer.Close() // unread data on close: the transport's send fails
		lostErr := p.waitLost(tk)
		if writeErr != nil {
			return fmt.Errorf("Write returned %v; a held write reports through ConnectionLost", writeErr)
		}
		if !errors.Is(lostErr, unix.EPIPE) && !errors.Is(lostErr, unix.ECONNRESET) {
			return fmt.Errorf("ConnectionLost(%v), want EPIPE or ECONNRESET", lostErr)
		}
		return nil
	})
}
