//go:build linux

package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// echoServer starts a TCP echo server on 127.0.0.1 and returns it with
// the set of its protocols.
func echoServer(t *Task, opts ...NetOption) (*Server, *protoSet, error) {
	ps := &protoSet{setup: func(p *recProto) { p.echo = true }}
	srv, err := CreateServer(t, ps.factory, "tcp", "127.0.0.1:0", opts...)
	return srv, ps, err
}

func dialProto(t *Task, addr net.Addr, p *recProto, opts ...NetOption) (*SocketTransport, error) {
	tr, _, err := CreateConnection(t, func() *recProto { return p }, "tcp", addr.String(), opts...)
	return tr, err
}

func TestTCPEcho(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		srv, ps, err := echoServer(tk)
		if err != nil {
			return err
		}
		if !srv.IsServing() || len(srv.Sockets()) != 1 {
			return fmt.Errorf("IsServing=%v sockets=%v", srv.IsServing(), srv.Sockets())
		}
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		if cp.made != 1 || cp.tr != Transport(tr) {
			return fmt.Errorf("ConnectionMade: %d calls", cp.made)
		}
		if err := tr.Write([]byte("hello, ")); err != nil {
			return err
		}
		if err := tr.Writelines([][]byte{[]byte("wor"), nil, []byte("ld")}); err != nil {
			return err
		}
		if err := cp.waitData(tk, 12); err != nil {
			return err
		}
		if string(cp.data) != "hello, world" {
			return fmt.Errorf("echo: %q", cp.data)
		}
		// Extra info on both sides agrees.
		sp := ps.list[0]
		peer := tr.ExtraInfo("peername").(net.Addr).String()
		if peer != srv.Addr().String() {
			return fmt.Errorf("client peername %s, server at %s", peer, srv.Addr())
		}
		if got := sp.tr.ExtraInfo("peername").(net.Addr).String(); got != tr.ExtraInfo("sockname").(net.Addr).String() {
			return fmt.Errorf("server peername %s, client sockname %s", got, tr.LocalAddr())
		}
		if tr.ExtraInfo("socket").(int) != tr.Fd() || tr.ExtraInfo("nope") != nil {
			return fmt.Errorf("ExtraInfo socket/nope wrong")
		}
		if srv.Connections() != 1 {
			return fmt.Errorf("server connections %d", srv.Connections())
		}
		tr.Close()
		if !tr.IsClosing() || tr.IsReading() {
			return fmt.Errorf("after Close: IsClosing=%v IsReading=%v", tr.IsClosing(), tr.IsReading())
		}
		if err := tr.Write([]byte("x")); !errors.Is(err, ErrTransportClosed) {
			return fmt.Errorf("Write after Close: %v", err)
		}
		if err := cp.waitLost(tk); err != nil {
			return fmt.Errorf("client lost: %v", err)
		}
		if err := sp.waitLost(tk); err != nil {
			return fmt.Errorf("server side lost: %v", err)
		}
		if sp.eof != 1 || sp.lost != 1 || cp.lost != 1 {
			return fmt.Errorf("callbacks: server eof=%d lost=%d client lost=%d", sp.eof, sp.lost, cp.lost)
		}
		srv.Close()
		if srv.IsServing() || srv.Addr() != nil {
			return fmt.Errorf("closed server still serving")
		}
		return srv.WaitClosed(tk)
	})
}

func TestUnixEcho(t *testing.T) {
	checkFDs(t)
	path := t.TempDir() + "/echo.sock"
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{setup: func(p *recProto) { p.echo = true }}
		srv, err := CreateUnixServer(tk, ps.factory, path)
		if err != nil {
			return err
		}
		// The server made a socket file at path (the connection below
		// goes through it).
		if fi, err := os.Stat(path); err != nil || fi.Mode().Type() != fs.ModeSocket {
			return fmt.Errorf("stat %s: %v, %v; want a socket file", path, fi, err)
		}
		cp := &recProto{}
		tr, _, err := CreateUnixConnection(tk, func() *recProto { return cp }, path)
		if err != nil {
			return err
		}
		tr.Write([]byte("over unix"))
		if err := cp.waitData(tk, 9); err != nil {
			return err
		}
		if string(cp.data) != "over unix" {
			return fmt.Errorf("got %q", cp.data)
		}
		if a, ok := tr.RemoteAddr().(*net.UnixAddr); !ok || a.Name != path {
			return fmt.Errorf("peername %v", tr.RemoteAddr())
		}
		tr.Close()
		cp.waitLost(tk)
		srv.Close()
		if err := srv.WaitClosed(tk); err != nil {
			return err
		}
		if _, err := net.Dial("unix", path); err == nil {
			return fmt.Errorf("socket file still answers after Close")
		}
		return nil
	})
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stat after Close: %v; want the socket file removed", err)
	}
}

func hasIPv6() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func TestDualStackAndIPv6(t *testing.T) {
	if !hasIPv6() {
		t.Skip("no IPv6 loopback")
	}
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{setup: func(p *recProto) { p.echo = true }}
		dual, err := CreateServer(tk, ps.factory, "tcp", ":0")
		if err != nil {
			return err
		}
		defer dual.Close()
		port := dual.Addr().(*net.TCPAddr).Port
		v6only, err := CreateServer(tk, ps.factory, "tcp6", "[::1]:0")
		if err != nil {
			return err
		}
		defer v6only.Close()
		for _, c := range []struct{ network, addr string }{
			{"tcp4", fmt.Sprintf("127.0.0.1:%d", port)},
			{"tcp6", fmt.Sprintf("[::1]:%d", port)},
			{"tcp", v6only.Addr().String()},
		} {
			cp := &recProto{}
			tr, _, err := CreateConnection(tk, func() *recProto { return cp }, c.network, c.addr)
			if err != nil {
				return fmt.Errorf("%s %s: %w", c.network, c.addr, err)
			}
			tr.Write([]byte("v"))
			if err := cp.waitData(tk, 1); err != nil {
				return err
			}
			tr.Close()
			cp.waitLost(tk)
		}
		// A v4 client cannot reach the v6-only server.
		v6port := v6only.Addr().(*net.TCPAddr).Port
		_, _, err = CreateConnection(tk, func() *recProto { return &recProto{} }, "tcp", fmt.Sprintf("127.0.0.1:%d", v6port))
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("v4 to v6-only: %v", err)
		}
		return nil
	})
}

// TestFlowControl fills the server's write buffer against a client that
// has paused reading: PauseWriting comes above the high-water mark,
// ResumeWriting once the client reads again, and every byte arrives in
// order.
func TestFlowControl(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	const total, tail = 16 << 20, 16 << 20
	payload := make([]byte, total)
	for i := range payload {
		payload[i] = byte(i * 7 / 3)
	}
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{onMade: func(p *recProto) { p.tr.PauseReading() }}
		// Room for all that arrives: growing the slice by copying took
		// seconds on a loaded machine, past the watchdog under -race.
		cp.data = make([]byte, 0, total+tail)
		ctr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		if ctr.IsReading() {
			return fmt.Errorf("client reading after PauseReading")
		}
		if err := ps.waitN(tk, 1); err != nil {
			return err
		}
		sp := ps.list[0]
		st := sp.tr.(*SocketTransport)
		st.SetWriteBufferLimits(256<<10, -1)
		if h, lo := st.WriteBufferLimits(); h != 256<<10 || lo != 64<<10 {
			return fmt.Errorf("limits %d %d", h, lo)
		}
		for off := 0; off < total; off += 64 << 10 {
			if err := st.Write(payload[off : off+64<<10]); err != nil {
				return err
			}
		}
		if sp.paused != 1 || st.WriteBufferSize() == 0 {
			return fmt.Errorf("paused=%d buffered=%d", sp.paused, st.WriteBufferSize())
		}
		// Nothing moves while the client is paused: give the loop a few
		// passes and check that the buffer is still there.
		for range 5 {
			Sleep(tk, 0)
		}
		if st.WriteBufferSize() == 0 {
			return fmt.Errorf("buffer drained while the peer was paused")
		}
		ctr.ResumeReading()
		if err := cp.waitData(tk, total); err != nil {
			return err
		}
		if !bytes.Equal(cp.data, payload) {
			return fmt.Errorf("payload corrupted")
		}
		if sp.resumed != 1 || st.WriteBufferSize() != 0 {
			return fmt.Errorf("resumed=%d buffered=%d", sp.resumed, st.WriteBufferSize())
		}
		// Close flushes first, so a buffered tail still arrives.
		ctr.PauseReading()
		big := bytes.Repeat([]byte("z"), tail)
		st.Write(big)
		st.Close()
		if st.WriteBufferSize() == 0 {
			return fmt.Errorf("expected a buffered tail")
		}
		ctr.ResumeReading()
		if err := cp.waitLost(tk); err != nil {
			return err
		}
		if len(cp.data) != total+len(big) {
			return fmt.Errorf("after Close: %d bytes, want %d", len(cp.data), total+len(big))
		}
		return nil
	})
}

func TestWriteBufferMax(t *testing.T) {
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{onMade: func(p *recProto) { p.tr.PauseReading() }}
		ctr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		defer ctr.Abort()
		ps.waitN(tk, 1)
		st := ps.list[0].tr.(*SocketTransport)
		st.SetWriteBufferMax(1 << 20)
		chunk := make([]byte, 64<<10)
		for i := range 10000 {
			err := st.Write(chunk)
			if errors.Is(err, ErrWriteBufferFull) {
				if st.WriteBufferSize() > 1<<20 {
					return fmt.Errorf("buffer %d above its limit", st.WriteBufferSize())
				}
				return nil
			}
			if err != nil {
				return err
			}
			_ = i
		}
		return fmt.Errorf("the write buffer grew without bound")
	})
}

// TestHalfClose: each side closes its writing side in turn and the
// other keeps talking.
func TestHalfClose(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		// The server answers "bye" after the client's EOF, then closes.
		ps := &protoSet{setup: func(p *recProto) {
			p.keepOpen = true
			p.onEOF = func(p *recProto) {
				p.tr.Write([]byte("got " + string(p.data)))
				p.tr.Close()
			}
		}}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		if !tr.CanWriteEOF() {
			return fmt.Errorf("CanWriteEOF false")
		}
		tr.Write([]byte("question"))
		if err := tr.WriteEOF(); err != nil {
			return err
		}
		if err := tr.Write([]byte("more")); !errors.Is(err, ErrWriteAfterEOF) {
			return fmt.Errorf("Write after WriteEOF: %v", err)
		}
		if err := cp.waitLost(tk); err != nil {
			return err
		}
		if string(cp.data) != "got question" || cp.eof != 1 {
			return fmt.Errorf("client got %q eof=%d", cp.data, cp.eof)
		}

		// The other way: the server half-closes, the client keeps writing.
		ps2 := &protoSet{setup: func(p *recProto) {
			p.onMade = func(p *recProto) {
				p.tr.Write([]byte("greeting"))
				p.tr.WriteEOF()
			}
			p.onData = func(p *recProto, b []byte) {
				if string(p.data) == "reply" {
					p.tr.Close()
				}
			}
		}}
		srv2, err := CreateServer(tk, ps2.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv2.Close()
		cp2 := &recProto{keepOpen: true}
		cp2.onEOF = func(p *recProto) {
			p.tr.Write([]byte("reply"))
			p.tr.Close() // keeping it open means closing it ourselves
		}
		if _, err := dialProto(tk, srv2.Addr(), cp2); err != nil {
			return err
		}
		ps2.waitN(tk, 1)
		if err := cp2.waitLost(tk); err != nil {
			return err
		}
		if err := ps2.list[0].waitLost(tk); err != nil {
			return err
		}
		if string(cp2.data) != "greeting" || string(ps2.list[0].data) != "reply" {
			return fmt.Errorf("client got %q, server got %q", cp2.data, ps2.list[0].data)
		}
		return nil
	})
}

// setLingerZero makes the next close of fd send a reset.
func setLingerZero(fd int) {
	unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
}

func TestResetWhileReading(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		srv, ps, err := echoServer(tk)
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		ps.waitN(tk, 1)
		setLingerZero(tr.Fd())
		tr.Abort()
		err = ps.list[0].waitLost(tk)
		if !errors.Is(err, syscall.ECONNRESET) {
			return fmt.Errorf("server side lost with %v, want ECONNRESET", err)
		}
		return nil
	})
}

func TestResetWhileWriting(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{onMade: func(p *recProto) { p.tr.PauseReading() }}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		ps.waitN(tk, 1)
		sp := ps.list[0]
		sp.tr.PauseReading() // the reset must be found by the writer
		chunk := make([]byte, 1<<20)
		for sp.tr.WriteBufferSize() == 0 {
			sp.tr.Write(chunk)
		}
		setLingerZero(tr.Fd())
		tr.Abort()
		err = sp.waitLost(tk)
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			return fmt.Errorf("server side lost with %v, want ECONNRESET or EPIPE", err)
		}
		if sp.tr.WriteBufferSize() != 0 {
			return fmt.Errorf("buffer kept after the reset")
		}
		// A write now returns an error, never panics.
		if err := sp.tr.Write([]byte("late")); !errors.Is(err, ErrTransportClosed) {
			return fmt.Errorf("Write after reset: %v", err)
		}
		return nil
	})
}

// TestWriteToResetPeer: the reset arrives (synchronously on loopback)
// before the server writes; Write returns the error and ConnectionLost
// gets it too.
func TestWriteToResetPeer(t *testing.T) {
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		ps.waitN(tk, 1)
		sp := ps.list[0]
		setLingerZero(tr.Fd())
		tr.Abort()
		var werr error
		for range 3 { // the first write may still succeed before the RST is seen
			if werr = sp.tr.Write([]byte("x")); werr != nil {
				break
			}
		}
		if !errors.Is(werr, syscall.ECONNRESET) && !errors.Is(werr, syscall.EPIPE) {
			return fmt.Errorf("Write to a reset peer: %v", werr)
		}
		lerr := sp.waitLost(tk)
		if !errors.Is(lerr, syscall.ECONNRESET) && !errors.Is(lerr, syscall.EPIPE) {
			return fmt.Errorf("ConnectionLost: %v", lerr)
		}
		return nil
	})
}

func TestEOFClosesByDefault(t *testing.T) {
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		var lost []error
		srv, err := CreateServer(tk, func() *plainProto { return &plainProto{lost: &lost} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		tr.WriteEOF()
		if err := cp.waitLost(tk); err != nil { // the server closed: EOF, then our own close
			return fmt.Errorf("client lost: %v", err)
		}
		srv.Close()
		if err := srv.WaitClosed(tk); err != nil {
			return err
		}
		if len(lost) != 1 || lost[0] != nil {
			return fmt.Errorf("server lost: %v", lost)
		}
		return nil
	})
}

// plainProto implements only Protocol: no EOFReceived, no flow control.
type plainProto struct {
	tr   Transport
	lost *[]error
}

func (p *plainProto) ConnectionMade(t Transport) { p.tr = t }
func (p *plainProto) DataReceived([]byte)        {}
func (p *plainProto) ConnectionLost(err error)   { *p.lost = append(*p.lost, err) }

// TestPanickingProtocol: a panic in DataReceived aborts that connection
// and reaches the exception handler; other connections go on.
func TestPanickingProtocol(t *testing.T) {
	checkFDs(t)
	rec := &recorder{}
	l := newIOLoop(t, rec.handler())
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{setup: func(p *recProto) {
			p.echo = true
			p.onData = func(p *recProto, b []byte) {
				if bytes.Contains(b, []byte("boom")) {
					panic("protocol bug")
				}
			}
		}}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		good, bad := &recProto{}, &recProto{}
		gtr, err := dialProto(tk, srv.Addr(), good)
		if err != nil {
			return err
		}
		btr, err := dialProto(tk, srv.Addr(), bad)
		if err != nil {
			return err
		}
		btr.Write([]byte("boom"))
		if err := bad.waitLost(tk); err != nil {
			return fmt.Errorf("bad client: %v", err)
		}
		var pe *PanicError
		for _, p := range ps.list {
			if p.lost == 1 && errors.As(p.err, &pe) && pe.Value == "protocol bug" {
				break
			}
		}
		if pe == nil {
			return fmt.Errorf("no server protocol lost its connection with the panic")
		}
		if !strings.Contains(rec.messages(), "panic in a protocol callback") {
			return fmt.Errorf("exception handler got %q", rec.messages())
		}
		gtr.Write([]byte("still fine"))
		if err := good.waitData(tk, 10); err != nil {
			return err
		}
		gtr.Close()
		return good.waitLost(tk)
	})
}

// TestPanicInConnectionMade aborts the new connection.
func TestPanicInConnectionMade(t *testing.T) {
	rec := &recorder{}
	l := newIOLoop(t, rec.handler())
	runTest(t, l, func(tk *Task) error {
		srv, _, err := echoServer(tk)
		if err != nil {
			return err
		}
		defer srv.Close()
		p := &recProto{onMade: func(*recProto) { panic("made") }}
		_, err = dialProto(tk, srv.Addr(), p)
		var pe *PanicError
		if !errors.As(err, &pe) {
			return fmt.Errorf("CreateConnection: %v", err)
		}
		if err := p.waitLost(tk); !errors.As(err, &pe) {
			return fmt.Errorf("ConnectionLost: %v", err)
		}
		return nil
	})
}

type bufProto struct {
	recProto
	buf     [7]byte // small on purpose: several reads per message
	updates int
}

func (p *bufProto) GetBuffer(int) []byte { return p.buf[:] }
func (p *bufProto) BufferUpdated(n int) {
	p.updates++
	p.tr.Write(p.buf[:n])
}

func TestBufferedProtocol(t *testing.T) {
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		var sp *bufProto
		srv, err := CreateServer(tk, func() *bufProto { sp = &bufProto{}; return sp }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp)
		if err != nil {
			return err
		}
		msg := "buffered protocols get no copy"
		tr.Write([]byte(msg))
		if err := cp.waitData(tk, len(msg)); err != nil {
			return err
		}
		if string(cp.data) != msg || sp.updates < 4 || len(sp.data) != 0 {
			return fmt.Errorf("got %q, %d updates, DataReceived %q", cp.data, sp.updates, sp.data)
		}
		tr.Close()
		return cp.waitLost(tk)
	})
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		_, _, err := CreateConnection(tk, func() *recProto { return &recProto{} }, "tcp", addr)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("got %v, want ECONNREFUSED", err)
		}
		var oe *net.OpError
		if !errors.As(err, &oe) || oe.Op != "dial" {
			return fmt.Errorf("not a dial *net.OpError: %#v", err)
		}
		_, _, err = CreateUnixConnection(tk, func() *recProto { return &recProto{} }, t.TempDir()+"/none.sock")
		if !errors.Is(err, syscall.ENOENT) {
			return fmt.Errorf("unix: got %v, want ENOENT", err)
		}
		return nil
	})
}

// blackhole returns a listening address whose accept queue is full, so
// that the kernel drops further SYNs: a connect to it hangs.
func blackhole(t *testing.T) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	// Backlog 0 holds one connection; fill it (and one more for kernels
	// that count differently), completing the handshake for real.
	for range 2 {
		c, err := net.DialTimeout("tcp", addr, 200*1e6)
		if err != nil {
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	return addr
}

// TestConnectTimeout runs on the virtual clock: the connect to a full
// accept queue never completes, and the timeout fires without waiting.
func TestConnectTimeout(t *testing.T) {
	addr := blackhole(t)
	checkFDs(t)
	l := newIOLoop(t, VirtualClock())
	runTest(t, l, func(tk *Task) error {
		start := l.Time()
		_, _, err := CreateConnection(tk, func() *recProto { return &recProto{} }, "tcp", addr, ConnectTimeout(30*1e9))
		if !errors.Is(err, ErrTimeout) {
			return fmt.Errorf("got %v, want a timeout", err)
		}
		if got := l.Time() - start; got != 30*1e9 {
			return fmt.Errorf("timed out after %v of loop time", got)
		}
		if tk.Cancelling() != 0 {
			return fmt.Errorf("the timeout left a cancel request: %d", tk.Cancelling())
		}
		return nil
	})
}

// TestHappyEyeballsRace: the first address hangs; after the delay the
// second is tried in parallel and wins.
func TestHappyEyeballsRace(t *testing.T) {
	hole := blackhole(t)
	l := newIOLoop(t, VirtualClock())
	runTest(t, l, func(tk *Task) error {
		srv, _, err := echoServer(tk)
		if err != nil {
			return err
		}
		defer srv.Close()
		var targets []target
		for _, a := range []string{hole, srv.Addr().String()} {
			ta, _ := net.ResolveTCPAddr("tcp", a)
			sa, f, _ := netAddrToSockaddr(ta)
			targets = append(targets, target{sa, f, ta})
		}
		start := l.Time()
		cfg := newNetConfig([]NetOption{HappyEyeballsDelay(250 * 1e6)})
		fd, _, err := race(tk, "tcp", targets, nil, cfg)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if peerName(fd, false).String() != srv.Addr().String() {
			return fmt.Errorf("connected to %v", peerName(fd, false))
		}
		if got := l.Time() - start; got != 250*1e6 {
			return fmt.Errorf("won after %v, want the 250ms delay", got)
		}
		return nil
	})
}

func TestInterleaveAddrs(t *testing.T) {
	parse := func(s string) []string { return strings.Fields(s) }
	cases := []struct{ in, want string }{
		{"::1 ::2 1.1.1.1 1.1.1.2 ::3", "::1 1.1.1.1 ::2 1.1.1.2 ::3"},
		{"1.1.1.1 ::1 ::2 ::3", "1.1.1.1 ::1 ::2 ::3"},
		{"1.1.1.1", "1.1.1.1"},
	}
	for _, c := range cases {
		var in []netip.Addr
		for _, s := range parse(c.in) {
			in = append(in, netip.MustParseAddr(s))
		}
		var got []string
		for _, a := range interleaveAddrs(in) {
			got = append(got, a.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("interleave(%s) = %v, want %s", c.in, got, c.want)
		}
	}
}

func TestLocalAddr(t *testing.T) {
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		srv, ps, err := echoServer(tk)
		if err != nil {
			return err
		}
		defer srv.Close()
		// Reserve a free port for the client's side.
		probe, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		local := probe.Addr().String()
		probe.Close()
		cp := &recProto{}
		tr, err := dialProto(tk, srv.Addr(), cp, LocalAddr(local), KeepAlive(true))
		if err != nil {
			return err
		}
		defer tr.Close()
		if tr.LocalAddr().String() != local {
			return fmt.Errorf("bound to %v, want %s", tr.LocalAddr(), local)
		}
		ps.waitN(tk, 1)
		if got := ps.list[0].tr.ExtraInfo("peername").(net.Addr).String(); got != local {
			return fmt.Errorf("server sees %s", got)
		}
		if v, _ := unix.GetsockoptInt(tr.Fd(), unix.SOL_SOCKET, unix.SO_KEEPALIVE); v != 1 {
			return fmt.Errorf("SO_KEEPALIVE not set")
		}
		return nil
	})
}

func TestConnectAccepted(t *testing.T) {
	checkFDs(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		p := &recProto{echo: true}
		tr, got, err := ConnectAccepted(l, func() *recProto { return p }, fds[0])
		if err != nil {
			return err
		}
		if got != p || p.made != 1 || tr.Fd() != fds[0] {
			return fmt.Errorf("ConnectAccepted returned the wrong protocol or transport")
		}
		unix.Write(fds[1], []byte("ping"))
		if err := p.waitData(tk, 4); err != nil {
			return err
		}
		buf := make([]byte, 8)
		n, _ := unix.Read(fds[1], buf)
		if string(buf[:n]) != "ping" {
			return fmt.Errorf("echo %q", buf[:n])
		}
		tr.Close()
		return p.waitLost(tk)
	})
	l.Close()
	if _, _, err := ConnectAccepted(l, func() *recProto { return &recProto{} }, fds[1]); !errors.Is(err, ErrLoopClosed) {
		t.Fatal("ConnectAccepted on a closed loop succeeded")
	}
}

// TestServerLifecycle: StartServing(false), ServeForever with a cancel,
// WaitClosed waiting for the connections, CloseClients and AbortClients.
func TestServerLifecycle(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		ps := &protoSet{setup: func(p *recProto) { p.echo = true }}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0", StartServing(false), Backlog(16), ReusePort(true))
		if err != nil {
			return err
		}
		if srv.IsServing() {
			return fmt.Errorf("serving before StartServing")
		}
		serve := Spawn(tk, func(t *Task) (struct{}, error) { return struct{}{}, srv.ServeForever(t) })
		clients := make([]*recProto, 3)
		for i := range clients {
			clients[i] = &recProto{}
			tr, err := dialProto(tk, srv.Addr(), clients[i])
			if err != nil {
				return err
			}
			tr.Write([]byte("hi"))
			if err := clients[i].waitData(tk, 2); err != nil {
				return err
			}
		}
		if !srv.IsServing() || srv.Connections() != 3 {
			return fmt.Errorf("serving=%v connections=%d", srv.IsServing(), srv.Connections())
		}
		serve.Cancel()
		Sleep(tk, 0)
		Sleep(tk, 0)
		if srv.IsServing() || serve.Done() {
			return fmt.Errorf("after cancel: serving=%v, ServeForever done=%v", srv.IsServing(), serve.Done())
		}
		// ServeForever now waits for the connections; end them.
		ps.list[0].tr.Write([]byte("bye"))
		srv.CloseClients()
		srv.AbortClients() // no effect on closing ones
		if _, err := Await(tk, serve); !errors.Is(err, ErrCancelled) {
			return fmt.Errorf("ServeForever: %v", err)
		}
		for _, c := range clients {
			if err := c.waitLost(tk); err != nil {
				return err
			}
		}
		if string(clients[0].data) != "hibye" {
			return fmt.Errorf("CloseClients did not flush: %q", clients[0].data)
		}
		if err := srv.WaitClosed(tk); err != nil {
			return err
		}
		if err := srv.StartServing(); !errors.Is(err, ErrServerClosed) {
			return fmt.Errorf("StartServing after Close: %v", err)
		}
		return nil
	})
}

// TestLoopCloseReleasesEverything: a loop closed with servers, open
// connections and connects in flight leaves no fd behind.
func TestLoopCloseReleasesEverything(t *testing.T) {
	hole := blackhole(t)
	checkFDs(t)
	rec := &recorder{}
	l, err := NewLoop(NoSignalHandlers(), rec.handler())
	if err != nil {
		t.Fatal(err)
	}
	_, err = runMain(t, l, func(tk *Task) (struct{}, error) {
		ps := &protoSet{setup: func(p *recProto) { p.echo = true; p.onMade = func(*recProto) {} }}
		srv, err := CreateServer(tk, ps.factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return struct{}{}, err
		}
		for range 5 {
			cp := &recProto{}
			cp.onMade = func(p *recProto) {}
			if _, err := dialProto(tk, srv.Addr(), cp); err != nil {
				return struct{}{}, err
			}
		}
		if err := ps.waitN(tk, 5); err != nil {
			return struct{}{}, err
		}
		for _, p := range ps.list {
			p.onMade = nil
		}
		// A connect that will never finish, left running.
		CreateTask(l, func(t *Task) (struct{}, error) {
			_, _, err := CreateConnection(t, func() *recProto { return &recProto{} }, "tcp", hole)
			return struct{}{}, err
		})
		Sleep(tk, 0)
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
}
