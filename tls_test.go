//go:build linux

package aio_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// startTLSEcho starts a TLS line echo server on 127.0.0.1.
func startTLSEcho(tk *aio.Task, cfg *tls.Config, opts ...aio.NetOption) (*aio.Server, error) {
	return aio.StartServer(tk, echoLines, "tcp", "127.0.0.1:0", append([]aio.NetOption{aio.WithTLS(cfg)}, opts...)...)
}

// closeServer closes srv and its connections and waits for them. A
// connection still open then is an error: a test closes what it opened
// (and a server must have closed the connections it refused).
func closeServer(tk *aio.Task, srv *aio.Server) error {
	srv.Close()
	if err := aio.Sleep(tk, time.Second); err != nil {
		return err
	}
	if n := srv.Connections(); n > 0 {
		srv.AbortClients()
		srv.WaitClosed(tk)
		return fmt.Errorf("%d connection(s) still open", n)
	}
	return srv.WaitClosed(tk)
}

// startSilent starts a plain server that reads and never answers.
func startSilent(tk *aio.Task) (*aio.Server, error) {
	return aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
		_, err := r.ReadAll(tk)
		w.Close()
		return err
	}, "tcp", "127.0.0.1:0")
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
			return echoLines(tk, r, w)
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

// dialState connects a TLS stream client with cfg (and opts) to addr,
// exchanges a line so that post-handshake messages (TLS 1.3 session
// tickets) are read, and returns the client's state.
func dialState(tk *aio.Task, addr string, cfg *tls.Config, opts ...aio.NetOption) (tls.ConnectionState, error) {
	r, w, err := aio.OpenConnection(tk, "tcp", addr, append([]aio.NetOption{aio.WithTLS(cfg)}, opts...)...)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer w.Close()
	w.Write([]byte("ping\n"))
	if _, err := r.ReadLine(tk); err != nil {
		return tls.ConnectionState{}, err
	}
	return w.ExtraInfo("ssl_object").(tls.ConnectionState), nil
}

// ALPN: the protocol both sides list is negotiated and seen on both.
func TestTLSALPN(t *testing.T) {
	pki := mustPKI(t, "alpn")
	aiotest.Run(t, func(tk *aio.Task) error {
		scfg := pki.ServerConfig()
		scfg.NextProtos = []string{"h2", "http/1.1"}
		var serverProto string
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			serverProto = w.ExtraInfo("ssl_object").(tls.ConnectionState).NegotiatedProtocol
			return echoLines(tk, r, w)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(scfg))
		if err != nil {
			return err
		}
		ccfg := pki.ClientConfig()
		ccfg.NextProtos = []string{"http/1.1"}
		cs, err := dialState(tk, srv.Addr().String(), ccfg)
		if err != nil {
			return err
		}
		if cs.NegotiatedProtocol != "http/1.1" || serverProto != "http/1.1" {
			t.Errorf("ALPN: client %q, server %q; want http/1.1", cs.NegotiatedProtocol, serverProto)
		}
		ccfg.NextProtos = []string{"spdy/1"}
		if _, err := dialState(tk, srv.Addr().String(), ccfg); err == nil || !strings.Contains(err.Error(), "no application protocol") {
			t.Errorf("no common ALPN protocol: %v", err)
		}
		return closeServer(tk, srv)
	})
}

// SNI: the client sends the name of ServerHostname, else the config's
// ServerName, else the address's host (an IP, which SNI leaves out but
// the certificate check uses).
func TestTLSSNI(t *testing.T) {
	pki := mustPKI(t, "sni")
	aiotest.Run(t, func(tk *aio.Task) error {
		var names []string
		scfg := pki.ServerConfig()
		scfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			names = append(names, hello.ServerName)
			return nil, nil
		}
		srv, err := startTLSEcho(tk, scfg)
		if err != nil {
			return err
		}
		addr := srv.Addr().String()
		if _, err := dialState(tk, addr, pki.ClientConfig()); err != nil {
			return err
		}
		if _, err := dialState(tk, addr, pki.ClientConfig(), aio.ServerHostname("localhost")); err != nil {
			return err
		}
		ccfg := pki.ClientConfig()
		ccfg.ServerName = "localhost"
		if _, err := dialState(tk, addr, ccfg); err != nil {
			return err
		}
		// A name the certificate does not have fails the check.
		_, err = dialState(tk, addr, pki.ClientConfig(), aio.ServerHostname("example.com"))
		var hostErr x509.HostnameError
		if !errors.As(err, &hostErr) {
			t.Errorf("wrong server name: %v, want x509.HostnameError", err)
		}
		if want := []string{"", "localhost", "localhost", "example.com"}; strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("SNI seen by the server: %q, want %q", names, want)
		}
		return closeServer(tk, srv)
	})
}

// Client authentication: a server that requires a client certificate
// sees it ("peercert"); a client without one fails the handshake.
func TestTLSClientAuth(t *testing.T) {
	pki := mustPKI(t, "clientauth")
	aiotest.Run(t, func(tk *aio.Task) error {
		scfg := pki.ServerConfig()
		scfg.ClientAuth = tls.RequireAndVerifyClientCert
		var peer *x509.Certificate
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			peer, _ = w.ExtraInfo("peercert").(*x509.Certificate)
			return echoLines(tk, r, w)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(scfg))
		if err != nil {
			return err
		}
		ccfg := pki.ClientConfig()
		ccfg.Certificates = []tls.Certificate{pki.Client}
		if _, err := dialState(tk, srv.Addr().String(), ccfg); err != nil {
			return err
		}
		if peer == nil || peer.Subject.CommonName != "aio test client" {
			t.Errorf("server's peercert = %v", peer)
		}
		// Without a certificate: TLS 1.3 clients finish their side of the
		// handshake first and learn of the refusal at their first read.
		if _, err := dialState(tk, srv.Addr().String(), pki.ClientConfig()); err == nil || !strings.Contains(err.Error(), "certificate required") {
			t.Errorf("client without a certificate: %v", err)
		}
		return closeServer(tk, srv)
	})
}

// Session resumption: with a client session cache the second
// connection resumes the first one's session, in TLS 1.3 and 1.2.
func TestTLSResumption(t *testing.T) {
	pki := mustPKI(t, "resume")
	for _, version := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		aiotest.Run(t, func(tk *aio.Task) error {
			scfg := pki.ServerConfig()
			scfg.MaxVersion = version
			srv, err := startTLSEcho(tk, scfg)
			if err != nil {
				return err
			}
			ccfg := pki.ClientConfig()
			ccfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
			var resumed []bool
			for range 2 {
				cs, err := dialState(tk, srv.Addr().String(), ccfg)
				if err != nil {
					return err
				}
				resumed = append(resumed, cs.DidResume)
			}
			if resumed[0] || !resumed[1] {
				t.Errorf("version %x: resumed %v, want [false true]", version, resumed)
			}
			return closeServer(tk, srv)
		})
	}
}

// The handshake timeout: a server whose client never speaks closes the
// connection when it runs out; a client whose server never answers gets
// an error matching ErrTimeout. Virtual time: instant.
func TestTLSHandshakeTimeout(t *testing.T) {
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "timeout")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := startTLSEcho(tk, pki.ServerConfig(), aio.TLSHandshakeTimeout(10*time.Second))
		if err != nil {
			return err
		}
		r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		start := tk.Loop().Time()
		if _, err := r.ReadAll(tk); err != nil {
			return err
		}
		if took := tk.Loop().Time() - start; took != 10*time.Second {
			t.Errorf("server closed the silent client after %v, want 10s", took)
		}
		w.Close()

		// A plain server that never answers.
		silent, err := startSilent(tk)
		if err != nil {
			return err
		}
		start = tk.Loop().Time()
		_, _, err = aio.OpenConnection(tk, "tcp", silent.Addr().String(), aio.WithTLS(pki.ClientConfig()))
		if !errors.Is(err, aio.ErrTimeout) || tk.Loop().Time()-start != aio.DefaultTLSHandshakeTimeout {
			t.Errorf("client handshake with a silent server: %v after %v, want ErrTimeout after 60s", err, tk.Loop().Time()-start)
		}
		if err := closeServer(tk, silent); err != nil {
			return err
		}
		return closeServer(tk, srv)
	})
}

// A client cancelled in its handshake gets ErrCancelled, and the socket
// is closed.
func TestTLSHandshakeCancelled(t *testing.T) {
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "cancel")
	aiotest.Run(t, func(tk *aio.Task) error {
		silent, err := startSilent(tk)
		if err != nil {
			return err
		}
		f := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) {
			_, _, err := aio.OpenConnection(tk, "tcp", silent.Addr().String(), aio.WithTLS(pki.ClientConfig()))
			return struct{}{}, err
		})
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		f.Cancel()
		if _, err := aio.Await(tk, f); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled handshake: %v", err)
		}
		return closeServer(tk, silent)
	})
}
