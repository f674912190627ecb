//go:build linux

package aio_test

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// TestStreamWritesHeldUntilPassEnds checks that a stream's small writes
// made by a task wait in the transport until the loop's pass ends, and
// then all go out: three lines, one echo each.
func TestStreamWritesHeldUntilPassEnds(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := aio.StartServer(tk, echoLines, "tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := aio.OpenConnection(tk, "tcp4", srv.Addr().String())
		if err != nil {
			return err
		}
		defer w.Close()
		lines := []string{"one\n", "two\n", "three\n"}
		total := 0
		for _, l := range lines {
			if err := w.Write([]byte(l)); err != nil {
				return err
			}
			total += len(l)
		}
		if got := w.Transport().WriteBufferSize(); got != total {
			t.Errorf("buffered before the pass ends: %d bytes, want %d (held)", got, total)
		}
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
		if got := w.Transport().WriteBufferSize(); got != 0 {
			t.Errorf("buffered after the pass: %d bytes, want 0 (sent)", got)
		}
		for _, want := range lines {
			got, err := r.ReadLine(tk)
			if err != nil {
				return err
			}
			if string(got) != want {
				t.Errorf("echo = %q, want %q", got, want)
			}
		}
		return nil
	})
}

// TestStreamHeldWriteSentWhenRunEnds checks that a line written in the
// loop's last pass reaches the peer: the pass sends what was held before
// the loop stops.
func TestStreamHeldWriteSentWhenRunEnds(t *testing.T) {
	aiotest.CheckFDs(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(time.Minute)) // a hang guard only
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			line += " (" + err.Error() + ")"
		}
		got <- line
	}()
	l, err := aio.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var w *aio.StreamWriter
	_, err = aio.RunUntilComplete(l, aio.CreateTask(l, func(tk *aio.Task) (struct{}, error) {
		_, w, err = aio.OpenConnection(tk, "tcp4", ln.Addr().String())
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	// A callback writes and stops the loop: its pass is the last.
	l.CallSoon(func() {
		w.Write([]byte("last words\n"))
		l.Stop()
	})
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	// The loop has stopped, not closed: the line must be on its way
	// already.
	if line := <-got; line != "last words\n" {
		t.Errorf("peer read %q, want %q", line, "last words\n")
	}
	w.Transport().Abort()
}
