//go:build linux

package aio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

var streamNetworks = []string{"tcp4", "tcp6", "unix"}

// streamConn is both ends of a stream connection and its server.
type streamConn struct {
	srv    *aio.Server
	cr, sr *aio.StreamReader
	cw, sw *aio.StreamWriter
	served *aio.Future[struct{}] // resolved when the server's handler returns
	done   *aio.Future[struct{}] // resolve to let the server's handler return
}

// openStreams starts a stream server on network whose handler hands its
// reader and writer over and waits until the test is done, then connects
// to it.
func openStreams(t *aio.Task, network, dir string) (*streamConn, error) {
	c := &streamConn{
		served: aio.NewFuture[struct{}](t.Loop()),
		done:   aio.NewFuture[struct{}](t.Loop()),
	}
	got := aio.NewFuture[struct{}](t.Loop())
	handler := func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
		c.sr, c.sw = r, w
		got.SetResult(struct{}{})
		_, err := aio.Await(tk, c.done)
		c.served.SetResult(struct{}{})
		return err
	}
	var err error
	switch network {
	case "unix":
		path := filepath.Join(dir, "s.sock")
		if c.srv, err = aio.StartUnixServer(t, handler, path); err != nil {
			return nil, err
		}
		c.cr, c.cw, err = aio.OpenUnixConnection(t, path)
	default:
		host := "127.0.0.1:0"
		if network == "tcp6" {
			host = "[::1]:0"
		}
		if c.srv, err = aio.StartServer(t, handler, network, host); err != nil {
			return nil, err
		}
		c.cr, c.cw, err = aio.OpenConnection(t, network, c.srv.Addr().String())
	}
	if err != nil {
		c.srv.Close()
		return nil, err
	}
	if _, err := aio.Await(t, got); err != nil {
		return nil, err
	}
	return c, nil
}

// close ends the connection and the server and waits for both.
func (c *streamConn) close(t *aio.Task) error {
	c.done.SetResult(struct{}{})
	if _, err := aio.Await(t, c.served); err != nil {
		return err
	}
	c.cw.Close()
	c.sw.Close()
	c.srv.Close()
	if err := c.cw.WaitClosed(t); err != nil {
		return err
	}
	return c.srv.WaitClosed(t)
}

// runStreams runs body over a fresh connection for each network.
func runStreams(t *testing.T, body func(tk *aio.Task, c *streamConn) error, opts ...aio.Option) {
	for _, network := range streamNetworks {
		t.Run(network, func(t *testing.T) {
			aiotest.RequireLoopback(t, network)
			aiotest.CheckGoroutines(t)
			aiotest.CheckFDs(t)
			dir := t.TempDir()
			aiotest.Run(t, func(tk *aio.Task) error {
				c, err := openStreams(tk, network, dir)
				if err != nil {
					return err
				}
				berr := body(tk, c)
				if err := c.close(tk); err != nil && berr == nil {
					berr = err
				}
				return berr
			}, opts...)
		})
	}
}

func expect(what string, got []byte, err error, want string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if string(got) != want {
		return fmt.Errorf("%s = %q, want %q", what, got, want)
	}
	return nil
}

func TestStreamReadMethodsOverSockets(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		if c.cw.ExtraInfo("peername") == nil || c.sw.ExtraInfo("sockname") == nil {
			return errors.New("no peername or sockname")
		}
		if c.cw.Transport() == nil || !c.cw.CanWriteEOF() || c.cw.IsClosing() {
			return errors.New("writer state is wrong")
		}
		c.cw.Writelines([][]byte{[]byte("line one\nab"), []byte("cXYZrest12345")})
		if err := c.cw.Drain(tk); err != nil {
			return err
		}
		line, err := c.sr.ReadLine(tk)
		if err := expect("ReadLine", line, err, "line one\n"); err != nil {
			return err
		}
		chunk, err := c.sr.ReadUntil(tk, []byte("XYZ"))
		if err := expect("ReadUntil", chunk, err, "abcXYZ"); err != nil {
			return err
		}
		four, err := c.sr.ReadExactly(tk, 4)
		if err := expect("ReadExactly", four, err, "rest"); err != nil {
			return err
		}
		some, err := c.sr.Read(tk, 2)
		if err := expect("Read", some, err, "12"); err != nil {
			return err
		}
		c.cw.Write([]byte("tail"))
		if err := c.cw.WriteEOF(); err != nil {
			return err
		}
		all, err := c.sr.ReadAll(tk)
		if err := expect("ReadAll", all, err, "345tail"); err != nil {
			return err
		}
		if !c.sr.AtEOF() {
			return errors.New("AtEOF false after ReadAll")
		}
		if b, err := c.sr.Read(tk, 10); err != io.EOF {
			return fmt.Errorf("Read at EOF = %q, %v", b, err)
		}
		// The half-closed server still answers.
		c.sw.Write([]byte("bye\n"))
		line, err = c.cr.ReadLine(tk)
		return expect("answer after half-close", line, err, "bye\n")
	})
}

// TestStreamReadExactlyIncomplete checks the error at an early end.
func TestStreamReadExactlyIncomplete(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		c.cw.Write([]byte("abc"))
		c.cw.WriteEOF()
		_, err := c.sr.ReadExactly(tk, 5)
		var ie *aio.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "abc" || ie.Expected != 5 {
			return fmt.Errorf("ReadExactly at early EOF: %v", err)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("%v: wrong errors.Is", err)
		}
		_, err = c.sr.ReadExactly(tk, 1)
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("ReadExactly after the end: %v, want io.EOF match", err)
		}
		return nil
	})
}

// readCase is one read method and what it returns when the whole of
// "part1" + "part2" has come.
type readCase struct {
	name         string
	read         func(tk *aio.Task, r *aio.StreamReader) ([]byte, error)
	part1, part2 string
	want         string
}

var readCases = []readCase{
	{"ReadLine", func(tk *aio.Task, r *aio.StreamReader) ([]byte, error) { return r.ReadLine(tk) },
		"half a li", "ne\nnext", "half a line\n"},
	{"ReadUntil", func(tk *aio.Task, r *aio.StreamReader) ([]byte, error) { return r.ReadUntil(tk, []byte("END")) },
		"payload E", "ND more", "payload END"},
	{"ReadExactly", func(tk *aio.Task, r *aio.StreamReader) ([]byte, error) { return r.ReadExactly(tk, 10) },
		"01234", "56789xx", "0123456789"},
	{"Read", func(tk *aio.Task, r *aio.StreamReader) ([]byte, error) { return r.Read(tk, 100) },
		"", "whole", "whole"},
	{"ReadInto", readInto100, "", "whole", "whole"},
	{"ReadAll", func(tk *aio.Task, r *aio.StreamReader) ([]byte, error) { return r.ReadAll(tk) },
		"first ", "second", "first second"},
}

// waitBuffered polls until r holds n bytes. The polling is on the loop's
// clock, which only decides how often it looks.
func waitBuffered(tk *aio.Task, r *aio.StreamReader, n int) error {
	for r.Buffered() < n {
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
	}
	return nil
}

// TestStreamCancelledReadLosesNothing cancels each read method while it
// waits with part of its answer buffered, then reads again and gets the
// whole answer; the stream stays usable.
func TestStreamCancelledReadLosesNothing(t *testing.T) {
	for _, rc := range readCases {
		t.Run(rc.name, func(t *testing.T) {
			runStreams(t, func(tk *aio.Task, c *streamConn) error {
				c.cw.Write([]byte(rc.part1))
				if err := waitBuffered(tk, c.sr, len(rc.part1)); err != nil {
					return err
				}
				reader := aio.Spawn(tk, func(tk *aio.Task) ([]byte, error) { return rc.read(tk, c.sr) })
				if err := aio.Sleep(tk, 0); err != nil { // let it start and wait
					return err
				}
				reader.Cancel()
				if _, err := aio.Await(tk, reader); !errors.Is(err, aio.ErrCancelled) {
					return fmt.Errorf("cancelled read returned %v", err)
				}
				if c.sr.Buffered() != len(rc.part1) {
					return fmt.Errorf("after the cancel %d bytes are buffered, want %d", c.sr.Buffered(), len(rc.part1))
				}
				c.cw.Write([]byte(rc.part2))
				if rc.name == "ReadAll" {
					c.cw.WriteEOF()
				}
				got, err := rc.read(tk, c.sr)
				return expect("read after the cancel", got, err, rc.want)
			})
		})
	}
}

// TestStreamOneReaderAtATime checks asyncio's "already waiting" rule.
func TestStreamOneReaderAtATime(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(0)
		first := aio.Spawn(tk, func(tk *aio.Task) ([]byte, error) { return r.ReadLine(tk) })
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
		for _, rc := range readCases {
			if _, err := rc.read(tk, r); !errors.Is(err, aio.ErrReadInProgress) {
				return fmt.Errorf("%s while another read waits: %v, want ErrReadInProgress", rc.name, err)
			}
		}
		r.FeedData([]byte("x\n"))
		got, err := aio.Await(tk, first)
		return expect("the first reader", got, err, "x\n")
	})
}

// TestStreamCancelledDrain cancels a Drain blocked by a peer that does
// not read; the writer stays usable, and Drain returns once the peer
// reads everything.
func TestStreamCancelledDrain(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		c.cw.Transport().SetWriteBufferLimits(1024, 256)
		block := bytes.Repeat([]byte("0123456789abcdef"), 4096)
		sent := 0
		for c.cw.Transport().WriteBufferSize() <= 1024 {
			if err := c.cw.Write(block); err != nil {
				return err
			}
			sent += len(block)
		}
		drain := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) { return struct{}{}, c.cw.Drain(tk) })
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
		if drain.Done() {
			return errors.New("Drain returned above the high-water mark")
		}
		drain.Cancel()
		if _, err := aio.Await(tk, drain); !errors.Is(err, aio.ErrCancelled) {
			return fmt.Errorf("cancelled Drain returned %v", err)
		}
		drain = aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) { return struct{}{}, c.cw.Drain(tk) })
		got, err := c.sr.ReadExactly(tk, sent)
		if err != nil {
			return err
		}
		if _, err := aio.Await(tk, drain); err != nil {
			return fmt.Errorf("Drain after the peer read: %v", err)
		}
		if !bytes.Equal(got[:len(block)], block) || len(got) != sent {
			return errors.New("the peer got other bytes")
		}
		return nil
	})
}

// TestStreamDrainAfterLoss checks that Drain reports a lost connection.
func TestStreamDrainAfterLoss(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		c.sw.Transport().Abort()
		if _, err := c.cr.ReadAll(tk); err != nil && !errors.Is(err, io.EOF) {
			// A reset is fine too: it is the connection's error.
			if err2 := c.cw.Drain(tk); !errors.Is(err2, err) {
				return fmt.Errorf("Drain = %v, want the reader's %v", err2, err)
			}
			return nil
		}
		c.cw.Close()
		if err := c.cw.Drain(tk); !errors.Is(err, aio.ErrTransportClosed) {
			return fmt.Errorf("Drain on a closed connection = %v, want ErrTransportClosed", err)
		}
		if !c.cw.IsClosing() {
			return errors.New("IsClosing false after Close")
		}
		return c.cw.WaitClosed(tk)
	})
}

// TestStreamFlowControl checks that the reader pauses its transport past
// twice its limit and resumes it at the limit.
func TestStreamFlowControl(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		c.sr.SetLimit(100)
		c.cw.Write(bytes.Repeat([]byte("x"), 250))
		if err := waitBuffered(tk, c.sr, 201); err != nil {
			return err
		}
		tr := c.sw.Transport()
		if tr.IsReading() {
			return fmt.Errorf("transport reading with %d bytes buffered, limit 100", c.sr.Buffered())
		}
		c.sr.ReadExactly(tk, 100)
		if tr.IsReading() {
			return fmt.Errorf("transport resumed with %d buffered, above the limit", c.sr.Buffered())
		}
		c.sr.ReadExactly(tk, 50)
		if !tr.IsReading() {
			return fmt.Errorf("transport still paused with %d buffered", c.sr.Buffered())
		}
		// A read that needs more than is buffered resumes the transport.
		c.cw.Write(bytes.Repeat([]byte("y"), 400))
		got, err := c.sr.ReadExactly(tk, 500)
		if err != nil || len(got) != 500 {
			return fmt.Errorf("ReadExactly(500) = %d bytes, %v", len(got), err)
		}
		return nil
	})
}

// TestStreamHandlerError checks that a handler's error reaches the loop's
// exception handler and closes its connection.
func TestStreamHandlerError(t *testing.T) {
	aiotest.CheckFDs(t)
	var reported []error
	boom := errors.New("boom")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, r, w, err := serveOne(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			line, err := r.ReadLine(tk)
			if err != nil {
				return err
			}
			w.Write(line)
			return boom
		})
		if err != nil {
			return err
		}
		defer srv.Close()
		defer w.Close()
		w.Write([]byte("hi\n"))
		got, err := r.ReadAll(tk)
		if err := expect("answer", got, err, "hi\n"); err != nil {
			return err
		}
		srv.Close()
		return srv.WaitClosed(tk)
	}, aio.WithExceptionHandler(func(l *aio.Loop, c aio.ExceptionContext) { reported = append(reported, c.Err) }))
	if len(reported) != 1 || !errors.Is(reported[0], boom) {
		t.Fatalf("exception handler got %v, want [boom]", reported)
	}
}

// TestStreamLines checks the range-over-func iteration.
func TestStreamLines(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(4)
		r.FeedData([]byte("a\nbb\ntoolong\nc"))
		r.FeedEOF()
		var got []string
		var errs []error
		for line, err := range r.Lines(tk) {
			got = append(got, string(line))
			errs = append(errs, err)
		}
		if !slices.Equal(got, []string{"a\n", "bb\n", ""}) || errs[0] != nil || !errors.Is(errs[2], aio.ErrLimitOverrun) {
			return fmt.Errorf("Lines gave %q, %v", got, errs)
		}
		// The overrun dropped "toolong\n" and the iteration ended; the
		// rest is still there.
		for line, err := range r.Lines(tk) {
			if err := expect("last line", line, err, "c"); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestStreamCloseWakesReader closes a connection from its own side while
// a task waits to read from it: the read returns the end of the stream.
func TestStreamCloseWakesReader(t *testing.T) {
	runStreams(t, func(tk *aio.Task, c *streamConn) error {
		c.cw.Write([]byte("partial"))
		if err := waitBuffered(tk, c.sr, 7); err != nil {
			return err
		}
		reader := aio.Spawn(tk, func(tk *aio.Task) ([]byte, error) { return c.sr.ReadLine(tk) })
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
		c.sw.Transport().Abort()
		got, err := aio.Await(tk, reader)
		if err := expect("ReadLine on a closed connection", got, err, "partial"); err != nil {
			return err
		}
		if _, err := c.sr.ReadLine(tk); err != io.EOF {
			return fmt.Errorf("then ReadLine = %v, want io.EOF", err)
		}
		return c.sw.WaitClosed(tk)
	})
}

// TestStreamCancelledHandler cancels a handler: its connection closes.
func TestStreamCancelledHandler(t *testing.T) {
	aiotest.CheckFDs(t)
	aiotest.Run(t, func(tk *aio.Task) error {
		var handler *aio.Task
		srv, r, w, err := serveOne(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			handler = tk
			_, err := r.ReadLine(tk)
			return err
		})
		if err != nil {
			return err
		}
		defer srv.Close()
		defer w.Close()
		if err := waitFor(tk, func() bool { return handler != nil }); err != nil {
			return err
		}
		handler.Cancel()
		if got, err := r.ReadAll(tk); err != nil || len(got) != 0 {
			return fmt.Errorf("client read %q, %v; want the end", got, err)
		}
		srv.Close()
		return srv.WaitClosed(tk)
	})
}

// serveOne starts a stream server with handler on 127.0.0.1 and connects
// to it. The caller closes the server and the writer.
func serveOne(tk *aio.Task, handler aio.StreamHandler) (*aio.Server, *aio.StreamReader, *aio.StreamWriter, error) {
	srv, err := aio.StartServer(tk, handler, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	r, w, err := aio.OpenConnection(tk, "tcp4", srv.Addr().String())
	if err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	return srv, r, w, nil
}
