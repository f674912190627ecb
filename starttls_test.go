//go:build linux

package aio_test

import (
	"crypto/tls"
	"errors"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// A STARTTLS exchange with streams on both sides: plain text first, then
// both writers upgrade in place. The client sends its ClientHello right
// behind its STARTTLS line, so the server's reader holds the first
// handshake bytes when it upgrades: they must be handed over.
func TestStreamStartTLS(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "starttls")
	aiotest.Run(t, func(tk *aio.Task) error {
		var serverErr error
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			line, err := r.ReadLine(tk)
			if err != nil || string(line) != "STARTTLS\n" {
				serverErr = errors.Join(err, errors.New("no STARTTLS: "+string(line)))
				return nil
			}
			if err := aio.Sleep(tk, 0); err != nil { // let the ClientHello come into the buffer
				return err
			}
			if err := w.StartTLS(tk, pki.ServerConfig()); err != nil {
				serverErr = err
				return nil
			}
			return echoLines(tk, r, w)
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		defer w.Close()
		w.Write([]byte("STARTTLS\n"))
		if err := w.StartTLS(tk, pki.ClientConfig(), aio.ServerHostname("localhost")); err != nil {
			return err
		}
		if _, ok := w.Transport().(*aio.TLSTransport); !ok {
			t.Errorf("transport after StartTLS: %T", w.Transport())
		}
		w.Write([]byte("secret\n"))
		line, err := r.ReadLine(tk)
		if err != nil || string(line) != "secret\n" {
			t.Errorf("echo after StartTLS: %q %v", line, err)
		}
		if cs := w.ExtraInfo("ssl_object").(tls.ConnectionState); cs.ServerName != "localhost" {
			t.Errorf("state after StartTLS: %+v", cs)
		}
		w.Close()
		if err := w.WaitClosed(tk); err != nil {
			return err
		}
		if err := closeServer(tk, srv); err != nil {
			return err
		}
		return serverErr
	})
}

// A failed StartTLS closes the connection: the reader sees the end.
func TestStreamStartTLSFails(t *testing.T) {
	aiotest.CheckFDs(t)
	pki, other := mustPKI(t, "a"), mustPKI(t, "b")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			w.StartTLS(tk, pki.ServerConfig())
			return nil
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		err = w.StartTLS(tk, other.ClientConfig(), aio.ServerHostname("localhost"))
		if err == nil {
			t.Fatal("StartTLS with an untrusted server succeeded")
		}
		if rest, err := r.ReadAll(tk); len(rest) != 0 || err != nil {
			t.Errorf("reader after a failed StartTLS: %q %v", rest, err)
		}
		if err := w.WaitClosed(tk); err != nil {
			return err
		}
		return closeServer(tk, srv)
	})
}

// loop-level StartTLS: a protocol's transport upgraded, the peer being
// crypto/tls over a Conn in another task.
func TestStartTLSProtocol(t *testing.T) {
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "proto")
	aiotest.Run(t, func(tk *aio.Task) error {
		ln, err := aio.Listen(tk, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		peer := aio.Spawn(tk, func(tk *aio.Task) (string, error) {
			c, err := ln.Accept()
			if err != nil {
				return "", err
			}
			defer c.Close()
			ts := tls.Server(c, pki.ServerConfig())
			buf := make([]byte, 64)
			n, err := ts.Read(buf)
			if err != nil {
				return "", err
			}
			_, err = ts.Write(append([]byte("got "), buf[:n]...))
			return string(buf[:n]), err
		})
		rec := &aiotest.Recorder{}
		tr, _, err := aio.CreateConnection(tk, func() *aiotest.Recorder { return rec }, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		tt, err := aio.StartTLS(tk, tr, pki.ClientConfig(), aio.ServerHostname("127.0.0.1"))
		if err != nil {
			return err
		}
		if tt.Protocol() != rec || tt.Raw() != aio.Transport(tr) {
			t.Errorf("protocol %v, raw %v", tt.Protocol(), tt.Raw())
		}
		tt.Write([]byte("hello"))
		if err := rec.WaitBytes(tk, 9); err != nil {
			return err
		}
		if got := string(rec.Bytes()); got != "got hello" {
			t.Errorf("protocol received %q", got)
		}
		if got, err := aio.Await(tk, peer); err != nil || got != "hello" {
			t.Errorf("peer read %q, %v", got, err)
		}
		tt.Close()
		return rec.WaitLost(tk)
	})
}

var _ net.Conn = (*aio.Conn)(nil)
