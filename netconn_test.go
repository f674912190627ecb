package aio_test

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// connPair returns the two ends of a TCP connection as Conns: a client
// from Dial and the server's from a Listener's Accept.
func connPair(tk *aio.Task, opts ...aio.NetOption) (client, server net.Conn, ln *aio.Listener, err error) {
	ln, err = aio.Listen(tk, "tcp", "127.0.0.1:0", opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := aio.Dial(tk, "tcp", ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, nil, nil, err
	}
	s, err := ln.Accept()
	if err != nil {
		c.Close()
		ln.Close()
		return nil, nil, nil, err
	}
	return c, s, ln, nil
}

// withPair runs body with a connected pair and closes everything after.
func withPair(t *testing.T, body func(tk *aio.Task, c, s net.Conn) error) {
	t.Helper()
	aiotest.Run(t, func(tk *aio.Task) error {
		c, s, ln, err := connPair(tk)
		if err != nil {
			return err
		}
		defer ln.Close()
		defer c.Close()
		defer s.Close()
		return body(tk, c, s)
	})
}

// spawn runs fn in a new task and returns its future.
func spawn(tk *aio.Task, fn func(tk *aio.Task) error) *aio.Future[struct{}] {
	return aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) { return struct{}{}, fn(tk) })
}

// Standard library code over a Conn: bufio lines, an encoding/json
// stream, and a net/textproto exchange, each side in its own task.
func TestConnStandardLibrary(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	withPair(t, func(tk *aio.Task, c, s net.Conn) error {
		type msg struct {
			N    int
			Text string
		}
		server := spawn(tk, func(tk *aio.Task) error {
			tp := textproto.NewConn(s)
			line, err := tp.ReadLine()
			if err != nil {
				return err
			}
			if err := tp.PrintfLine("250 hello %s", strings.TrimPrefix(line, "HELO ")); err != nil {
				return err
			}
			dec := json.NewDecoder(tp.R)
			enc := json.NewEncoder(s)
			for {
				var m msg
				if err := dec.Decode(&m); err == io.EOF {
					return s.Close()
				} else if err != nil {
					return err
				}
				m.N *= 2
				if err := enc.Encode(m); err != nil {
					return err
				}
			}
		})
		tp := textproto.NewConn(c)
		if err := tp.PrintfLine("HELO aio"); err != nil {
			return err
		}
		code, text, err := tp.ReadResponse(250)
		if err != nil || code != 250 || text != "hello aio" {
			t.Errorf("textproto: %d %q %v", code, text, err)
		}
		enc, dec := json.NewEncoder(c), json.NewDecoder(bufio.NewReader(c))
		for i := range 100 {
			if err := enc.Encode(msg{i, strings.Repeat("j", i*100)}); err != nil {
				return err
			}
			var m msg
			if err := dec.Decode(&m); err != nil || m.N != 2*i || len(m.Text) != i*100 {
				t.Fatalf("json %d: %+v %v", i, m.N, err)
			}
		}
		c.(*aio.Conn).CloseWrite()
		if _, err := aio.Await(tk, server); err != nil {
			return err
		}
		if _, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("read after the server's close: %v, want io.EOF", err)
		}
		return nil
	})
}

// crypto/tls over Conns: tls.Server and tls.Client each in a task, the
// interop path for libraries that do their own TLS.
func TestConnUnderCryptoTLS(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "conn")
	withPair(t, func(tk *aio.Task, c, s net.Conn) error {
		server := spawn(tk, func(tk *aio.Task) error {
			ts := tls.Server(s, pki.ServerConfig())
			_, err := io.Copy(ts, ts) // echo until close_notify
			if err != nil {
				return err
			}
			return ts.Close()
		})
		ccfg := pki.ClientConfig()
		ccfg.ServerName = "127.0.0.1"
		tc := tls.Client(c, ccfg)
		// The handshake first: crypto/tls holds a mutex across it, which
		// a second task would block the loop on (see Conn).
		if err := tc.Handshake(); err != nil {
			return err
		}
		big := strings.Repeat("0123456789", 50000)
		writer := spawn(tk, func(tk *aio.Task) error {
			if _, err := io.WriteString(tc, big); err != nil {
				return err
			}
			return tc.CloseWrite()
		})
		got, err := io.ReadAll(tc)
		if err != nil || string(got) != big {
			t.Errorf("echo through crypto/tls over Conn: %d bytes of %d, %v", len(got), len(big), err)
		}
		if _, err := aio.Await(tk, writer); err != nil {
			return err
		}
		_, err = aio.Await(tk, server)
		return err
	})
}

// The checks of golang.org/x/net/nettest.TestConn that apply, written
// for tasks. Not applicable: RacyRead and RacyWrite (they call Read and
// Write from many goroutines at once: here a Conn belongs to its loop's
// tasks, and one task at a time may wait in Read), and the goroutine
// parts of ConcurrentMethods (the task version is
// TestConnConcurrentTasks).
func TestConnConformance(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	t.Run("BasicIO", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			want := make([]byte, 1<<20)
			for i := range want {
				want[i] = byte(i * 7)
			}
			echo := spawn(tk, func(tk *aio.Task) error {
				_, err := io.Copy(s, s)
				s.(*aio.Conn).CloseWrite()
				return err
			})
			send := spawn(tk, func(tk *aio.Task) error {
				_, err := c.Write(want)
				c.(*aio.Conn).CloseWrite()
				return err
			})
			got, err := io.ReadAll(c)
			if err != nil || string(got) != string(want) {
				t.Errorf("basic IO: %d of %d bytes, %v", len(got), len(want), err)
			}
			_, err1 := aio.Await(tk, send)
			_, err2 := aio.Await(tk, echo)
			return errors.Join(err1, err2)
		})
	})
	t.Run("PingPong", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			pong := spawn(tk, func(tk *aio.Task) error {
				buf := make([]byte, 8)
				for {
					if _, err := io.ReadFull(s, buf); err == io.EOF {
						return nil
					} else if err != nil {
						return err
					}
					buf[0]++
					if _, err := s.Write(buf); err != nil {
						return err
					}
				}
			})
			buf := make([]byte, 8)
			for i := range 1000 {
				buf[0] = byte(i)
				if _, err := c.Write(buf); err != nil {
					return err
				}
				if _, err := io.ReadFull(c, buf); err != nil || buf[0] != byte(i+1) {
					t.Fatalf("ping %d: %v %v", i, buf[0], err)
				}
			}
			c.(*aio.Conn).CloseWrite()
			_, err := aio.Await(tk, pong)
			return err
		})
	})
	t.Run("PastTimeout", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			s.Write([]byte("data"))
			c.SetDeadline(time.Now().Add(-time.Second))
			if _, err := c.Read(make([]byte, 4)); !isTimeout(err) {
				t.Errorf("read past the deadline: %v", err)
			}
			if _, err := c.Write([]byte("x")); !isTimeout(err) {
				t.Errorf("write past the deadline: %v", err)
			}
			c.SetDeadline(time.Time{})
			if n, err := c.Read(make([]byte, 4)); n != 4 || err != nil {
				t.Errorf("read once the deadline is cleared: %d %v (the data was not lost?)", n, err)
			}
			return nil
		})
	})
	t.Run("FutureTimeout", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			start := tk.Loop().Time()
			c.SetReadDeadline(time.Now().Add(time.Hour))
			_, err := c.Read(make([]byte, 1))
			if !isTimeout(err) || tk.Loop().Time()-start < time.Hour-time.Second {
				t.Errorf("read until the deadline: %v after %v", err, tk.Loop().Time()-start)
			}
			// Passed: it fails at once until set again, even on the
			// virtual clock, where real time has not moved.
			start = tk.Loop().Time()
			if _, err := c.Read(make([]byte, 1)); !isTimeout(err) || tk.Loop().Time() != start {
				t.Errorf("read after the deadline passed: %v", err)
			}
			return nil
		})
	})
	t.Run("DeadlineChangedWhileBlocked", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			c.SetReadDeadline(time.Now().Add(time.Hour))
			start := tk.Loop().Time()
			reader := aio.Spawn(tk, func(tk *aio.Task) (error, error) {
				_, err := c.Read(make([]byte, 1))
				return err, nil
			})
			if err := aio.Sleep(tk, time.Minute); err != nil {
				return err
			}
			c.SetReadDeadline(time.Now().Add(time.Second)) // shorter: applies to the waiting Read
			err, _ := aio.Await(tk, reader)
			if took := tk.Loop().Time() - start; !isTimeout(err) || took > time.Minute+2*time.Second {
				t.Errorf("shortened deadline: %v after %v", err, took)
			}
			// Cleared while blocked: the read waits for data instead.
			c.SetReadDeadline(time.Now().Add(time.Second))
			reader = aio.Spawn(tk, func(tk *aio.Task) (error, error) {
				_, err := c.Read(make([]byte, 1))
				return err, nil
			})
			aio.Sleep(tk, 0)
			c.SetReadDeadline(time.Time{})
			if err := aio.Sleep(tk, time.Hour); err != nil {
				return err
			}
			s.Write([]byte("z"))
			if err, _ := aio.Await(tk, reader); err != nil {
				t.Errorf("read after the deadline was cleared: %v", err)
			}
			return nil
		})
	})
	t.Run("WriteTimeout", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			// Nobody reads s: the writes fill the buffers, then wait.
			c.SetWriteDeadline(time.Now().Add(time.Minute))
			n, err := c.Write(make([]byte, 64<<20))
			if !isTimeout(err) || n == 0 || n >= 64<<20 {
				t.Errorf("write to a peer that does not read: %d bytes, %v", n, err)
			}
			return nil
		})
	})
	t.Run("CloseUnblocks", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			reader := aio.Spawn(tk, func(tk *aio.Task) (error, error) {
				_, err := c.Read(make([]byte, 1))
				return err, nil
			})
			writer := aio.Spawn(tk, func(tk *aio.Task) (error, error) {
				_, err := c.Write(make([]byte, 64<<20))
				return err, nil
			})
			if err := aio.Sleep(tk, time.Second); err != nil {
				return err
			}
			if err := c.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
			rerr, _ := aio.Await(tk, reader)
			werr, _ := aio.Await(tk, writer)
			if !errors.Is(rerr, net.ErrClosed) || !errors.Is(werr, net.ErrClosed) {
				t.Errorf("blocked calls after Close: read %v, write %v", rerr, werr)
			}
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("read after close: %v", err)
			}
			if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
				t.Errorf("write after close: %v", err)
			}
			if err := c.Close(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("second close: %v", err)
			}
			s.Close()
			return nil
		})
	})
	t.Run("Addrs", func(t *testing.T) {
		withPair(t, func(tk *aio.Task, c, s net.Conn) error {
			if c.LocalAddr().String() != s.RemoteAddr().String() || c.RemoteAddr().String() != s.LocalAddr().String() {
				t.Errorf("addresses: client %v-%v, server %v-%v", c.LocalAddr(), c.RemoteAddr(), s.LocalAddr(), s.RemoteAddr())
			}
			return nil
		})
	})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
}

// A task cancelled in Read gets ErrCancelled and loses nothing; two
// tasks may not wait in Read at once; concurrent Writes each stay whole.
func TestConnConcurrentTasks(t *testing.T) {
	withPair(t, func(tk *aio.Task, c, s net.Conn) error {
		reader := aio.Spawn(tk, func(tk *aio.Task) (error, error) {
			_, err := c.Read(make([]byte, 1))
			return err, nil
		})
		aio.Sleep(tk, 0)
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, aio.ErrReadInProgress) {
			t.Errorf("second reader: %v", err)
		}
		reader.Cancel()
		if err, _ := aio.Await(tk, reader); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled read: %v", err)
		}
		s.Write([]byte("kept"))
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "kept" {
			t.Errorf("read after a cancelled read: %q %v", buf, err)
		}

		// Two writers of 1 MiB each, concurrently: each one's bytes come
		// in one piece.
		const size = 1 << 20
		for _, b := range []byte{'a', 'b'} {
			spawn(tk, func(tk *aio.Task) error {
				_, err := c.Write([]byte(strings.Repeat(string(b), size)))
				return err
			})
		}
		got := make([]byte, 2*size)
		if _, err := io.ReadFull(s, got); err != nil {
			return err
		}
		if strings.Count(string(got[:size]), string(got[0])) != size {
			t.Errorf("concurrent writes interleaved")
		}
		return nil
	})
}

// A Conn used from another goroutine, or Read from a callback, returns
// ErrWrongGoroutine at once and touches nothing.
func TestConnWrongGoroutine(t *testing.T) {
	withPair(t, func(tk *aio.Task, c, s net.Conn) error {
		s.Write([]byte("x"))
		errs, err := aio.ToThread(tk, func() ([]error, error) {
			_, rerr := c.Read(make([]byte, 1))
			_, werr := c.Write([]byte("y"))
			return []error{rerr, werr, c.SetDeadline(time.Time{}), c.Close()}, nil
		})
		if err != nil {
			return err
		}
		for i, err := range errs {
			if !errors.Is(err, aio.ErrWrongGoroutine) {
				t.Errorf("call %d from another goroutine: %v", i, err)
			}
		}
		var cbErr, cbDeadline error
		done := aio.NewFuture[struct{}](tk.Loop())
		tk.Loop().CallSoon(func() {
			_, cbErr = c.Read(make([]byte, 1))
			cbDeadline = c.SetReadDeadline(time.Time{})
			done.SetResult(struct{}{})
		})
		aio.Await(tk, done)
		if !errors.Is(cbErr, aio.ErrWrongGoroutine) || cbDeadline != nil {
			t.Errorf("from a callback: Read %v, SetReadDeadline %v", cbErr, cbDeadline)
		}
		// Nothing was consumed or closed.
		if n, err := c.Read(make([]byte, 1)); n != 1 || err != nil {
			t.Errorf("read afterwards: %d %v", n, err)
		}
		return nil
	})
}

// Listener: Accept waits for a connection; Close ends a waiting Accept
// and later ones with net.ErrClosed; a cancelled Accept gets ErrCancelled.
func TestListener(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	aiotest.Run(t, func(tk *aio.Task) error {
		ln, err := aio.Listen(tk, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		var _ net.Listener = ln
		accepted := aio.Spawn(tk, func(tk *aio.Task) (net.Conn, error) { return ln.Accept() })
		aio.Sleep(tk, time.Second)
		c, err := aio.Dial(tk, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		s, err := aio.Await(tk, accepted)
		if err != nil {
			return err
		}
		if s.RemoteAddr().String() != c.LocalAddr().String() {
			t.Errorf("accepted %v, dialled from %v", s.RemoteAddr(), c.LocalAddr())
		}
		cancelled := aio.Spawn(tk, func(tk *aio.Task) (net.Conn, error) { return ln.Accept() })
		aio.Sleep(tk, 0)
		cancelled.Cancel()
		if _, err := aio.Await(tk, cancelled); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled Accept: %v", err)
		}
		// An Accept that waits is ended by Close; a connection left in
		// the queue is closed.
		blocked := aio.Spawn(tk, func(tk *aio.Task) (net.Conn, error) { return ln.Accept() })
		aio.Sleep(tk, time.Second)
		orphan, err := aio.Dial(tk, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		took, err := aio.Await(tk, blocked)
		if err != nil {
			return err
		}
		took.Close()
		queued, err := aio.Dial(tk, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		aio.Sleep(tk, time.Second)
		blocked = aio.Spawn(tk, func(tk *aio.Task) (net.Conn, error) {
			aio.Sleep(tk, time.Second) // after the queued one is gone
			return ln.Accept()
		})
		if err := ln.Close(); err != nil {
			return err
		}
		if _, err := aio.Await(tk, blocked); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: %v", err)
		}
		if n, err := queued.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("queued connection after Close: %d %v, want EOF", n, err)
		}
		if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("second Close: %v", err)
		}
		orphan.Close()
		c.Close()
		s.Close()
		queued.Close()
		return nil
	})
}
