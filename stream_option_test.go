//go:build linux

package aio_test

import (
	"errors"
	"io"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"golang.org/x/sys/unix"
)

// TestStreamLimitOption: StreamLimit sets the limit of a server's and a
// client's readers; a line past it is a LimitOverrunError.
func TestStreamLimitOption(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		got := make(chan error, 1)
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			if r.Limit() != 8 {
				t.Errorf("server reader limit = %d, want 8", r.Limit())
			}
			_, err := r.ReadLine(tk)
			got <- err
			return nil
		}, "tcp4", "127.0.0.1:0", aio.StreamLimit(8))
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := aio.OpenConnection(tk, "tcp4", srv.Addr().String(), aio.StreamLimit(5))
		if err != nil {
			return err
		}
		defer w.Close()
		if r.Limit() != 5 {
			t.Errorf("client reader limit = %d, want 5", r.Limit())
		}
		w.Write([]byte("a line longer than eight bytes\n"))
		if _, err := r.ReadAll(tk); err != nil { // the server closes after its read
			return err
		}
		if err := <-got; !errors.Is(err, aio.ErrLimitOverrun) {
			t.Errorf("server ReadLine of a long line: %v, want ErrLimitOverrun", err)
		}
		return nil
	})
}

// TestOpenAccepted adopts both ends of a socketpair as streams.
func TestOpenAccepted(t *testing.T) {
	aiotest.CheckFDs(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(tk *aio.Task) error {
		ra, wa, err := aio.OpenAccepted(tk.Loop(), fds[0], aio.StreamLimit(16))
		if err != nil {
			return err
		}
		rb, wb, err := aio.OpenAccepted(tk.Loop(), fds[1])
		if err != nil {
			return err
		}
		if ra.Limit() != 16 || rb.Limit() != aio.DefaultStreamLimit {
			t.Errorf("limits %d and %d, want 16 and the default", ra.Limit(), rb.Limit())
		}
		wa.Write([]byte("ping\n"))
		if line, err := rb.ReadLine(tk); err != nil || string(line) != "ping\n" {
			t.Errorf("ReadLine = %q, %v", line, err)
		}
		wa.Close()
		if _, err := rb.ReadLine(tk); !errors.Is(err, io.EOF) {
			t.Errorf("after the peer's close: %v, want io.EOF", err)
		}
		wb.Close()
		if err := wa.WaitClosed(tk); err != nil {
			return err
		}
		return wb.WaitClosed(tk)
	})
	if _, _, err := aio.OpenAccepted(mustLoop(t), -1); err == nil {
		t.Errorf("OpenAccepted(-1) succeeded")
	}
}

func mustLoop(t *testing.T) *aio.Loop {
	l, err := aio.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
