package aio_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// mustPKI makes a testPKI or fails the test.
func mustPKI(tb testing.TB, name string) *testPKI {
	tb.Helper()
	p, err := newPKI(name)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// tlsEcho is a stream handler that echoes lines until the end.
func tlsEcho(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
	defer w.Close()
	for line, err := range r.Lines(tk) {
		if err != nil {
			return err
		}
		w.Write(line)
		if err := w.Drain(tk); err != nil {
			return err
		}
	}
	return nil
}

// startTLSEcho starts a TLS line echo server on 127.0.0.1.
func startTLSEcho(tk *aio.Task, cfg *tls.Config, opts ...aio.NetOption) (*aio.Server, error) {
	return aio.StartServer(tk, tlsEcho, "tcp", "127.0.0.1:0", append([]aio.NetOption{aio.WithTLS(cfg)}, opts...)...)
}

// closeServer closes srv and its connections and waits for them.
func closeServer(tk *aio.Task, srv *aio.Server) error {
	srv.Close()
	srv.CloseClients()
	return srv.WaitClosed(tk)
}

// A TLS line echo: stream server and client, both with WithTLS; the
// TLS extra info is there on both sides, and everything is released.
func TestTLSStreamEcho(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "echo")
	aiotest.Run(t, func(tk *aio.Task) error {
		var serverState tls.ConnectionState
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			serverState = w.ExtraInfo("ssl_object").(tls.ConnectionState)
			return tlsEcho(tk, r, w)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig()))
		if err != nil {
			return err
		}
		if _, ok := w.Transport().(*aio.TLSTransport); !ok {
			t.Errorf("transport %T, want *aio.TLSTransport", w.Transport())
		}
		for _, msg := range []string{"hello\n", strings.Repeat("x", 60000) + "\n", "bye\n"} {
			w.Write([]byte(msg))
			line, err := r.ReadLine(tk)
			if err != nil || string(line) != msg {
				t.Errorf("echo of %d bytes: %d bytes, %v", len(msg), len(line), err)
			}
		}
		cs := w.ExtraInfo("ssl_object").(tls.ConnectionState)
		if !cs.HandshakeComplete || cs.Version != tls.VersionTLS13 {
			t.Errorf("client state: complete %v, version %x", cs.HandshakeComplete, cs.Version)
		}
		if pc, _ := w.ExtraInfo("peercert").(*x509.Certificate); pc == nil || pc.Subject.CommonName != "aio test server" {
			t.Errorf("peercert = %v", pc)
		}
		if w.ExtraInfo("cipher") == nil || w.ExtraInfo("sslcontext") == nil || w.ExtraInfo("peername") == nil {
			t.Errorf("extra info: cipher %v, sslcontext %v, peername %v", w.ExtraInfo("cipher"), w.ExtraInfo("sslcontext"), w.ExtraInfo("peername"))
		}
		if !serverState.HandshakeComplete {
			t.Errorf("server state: %+v", serverState)
		}
		w.Close()
		if err := w.WaitClosed(tk); err != nil {
			return err
		}
		return closeServer(tk, srv)
	})
}

// A client that does not trust the server's CA fails the handshake with
// crypto/x509's error; the server drops that connection quietly and
// both sides release it.
func TestTLSWrongCA(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki, other := mustPKI(t, "server"), mustPKI(t, "other")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := startTLSEcho(tk, pki.ServerConfig())
		if err != nil {
			return err
		}
		_, _, err = aio.OpenConnection(tk, "tcp", srv.Addr().String(), aio.WithTLS(other.ClientConfig()))
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("handshake error = %v, want x509.UnknownAuthorityError", err)
		}
		for srv.Connections() > 0 {
			if err := aio.Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		return closeServer(tk, srv)
	})
}

// Plain text sent to a TLS port: the server's handshake fails, it sends
// an alert and closes; the connection is released.
func TestTLSPlainTextToTLSPort(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "plain")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := startTLSEcho(tk, pki.ServerConfig())
		if err != nil {
			return err
		}
		r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		w.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
		answer, err := r.ReadAll(tk)
		if err != nil {
			return err
		}
		// A TLS alert record (type 21), or nothing: never an echo.
		if len(answer) > 0 && answer[0] != 21 {
			t.Errorf("answer to plain text: %q", answer)
		}
		w.Close()
		if err := w.WaitClosed(tk); err != nil {
			return err
		}
		for srv.Connections() > 0 {
			if err := aio.Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		return closeServer(tk, srv)
	})
}

// A record cut short by the end of the socket's stream is an error
// matching io.ErrUnexpectedEOF for the reader, not a clean end.
func TestTLSTruncatedRecord(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "trunc")
	aiotest.Run(t, func(tk *aio.Task) error {
		var (
			got  []byte
			rerr error
			done aio.Event
		)
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			defer done.Set()
			for {
				b, err := r.Read(tk, 100)
				got = append(got, b...)
				if err != nil {
					rerr = err
					return nil
				}
			}
		}, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		// The client is crypto/tls over a plain stream's Conn; then the
		// test writes half of a record on the Conn itself.
		conn, err := aio.Dial(tk, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		cfg := pki.ClientConfig()
		cfg.ServerName = "127.0.0.1"
		client := tls.Client(conn, cfg)
		if _, err := client.Write([]byte("hello")); err != nil {
			return err
		}
		conn.Write([]byte{23, 3, 3, 0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
		conn.CloseWrite()
		if err := done.Wait(tk); err != nil {
			return err
		}
		if string(got) != "hello" || !errors.Is(rerr, io.ErrUnexpectedEOF) {
			t.Errorf("server read %q then %v, want hello then io.ErrUnexpectedEOF", got, rerr)
		}
		conn.Close()
		return closeServer(tk, srv)
	})
}
