package aio_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// TLSTransport passes the stream transport conformance checks: a
// CreateServer with WithTLS accepts the connection a CreateConnection
// with WithTLS makes.
func TestTLSTransportConformance(t *testing.T) {
	pki := mustPKI(t, "conformance")
	aiotest.TestStreamTransport(t, func(tk *aio.Task, client, server *aiotest.Recorder) error {
		srv, err := aio.CreateServer(tk, func() *aiotest.Recorder { return server }, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		defer srv.Close()
		if _, _, err := aio.CreateConnection(tk, func() *aiotest.Recorder { return client }, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig())); err != nil {
			return err
		}
		return server.WaitEvent(tk, aiotest.Made, 1)
	})
}

// Closing the loop ends open TLS connections: both protocols get their
// ConnectionLost.
func TestTLSLoopClose(t *testing.T) {
	pki := mustPKI(t, "loopclose")
	l := aiotest.NewLoop(t)
	client, server := &aiotest.Recorder{}, &aiotest.Recorder{}
	err := aiotest.RunMain(t, l, func(tk *aio.Task) error {
		srv, err := aio.CreateServer(tk, func() *aiotest.Recorder { return server }, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		if _, _, err := aio.CreateConnection(tk, func() *aiotest.Recorder { return client }, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig())); err != nil {
			return err
		}
		return server.WaitEvent(tk, aiotest.Made, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if !client.Lost() || !server.Lost() {
		t.Errorf("after the loop closed: client lost %v, server lost %v", client.Lost(), server.Lost())
	}
}

// Listen and Dial with WithTLS: the conns are TLS connections whose
// handshake is done, and a bufio exchange runs over them.
func TestTLSListenDial(t *testing.T) {
	pki := mustPKI(t, "listen")
	aiotest.Run(t, func(tk *aio.Task) error {
		ln, err := aio.Listen(tk, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		defer ln.Close()
		c, err := aio.Dial(tk, "tcp", ln.Addr().String(), aio.WithTLS(pki.ClientConfig()))
		if err != nil {
			return err
		}
		defer c.Close()
		s, err := ln.Accept()
		if err != nil {
			return err
		}
		defer s.Close()
		for _, conn := range []net.Conn{c, s} {
			tt, ok := conn.(*aio.Conn).Writer().Transport().(*aio.TLSTransport)
			if !ok || !tt.ConnectionState().HandshakeComplete {
				t.Errorf("%v: not a TLS connection with its handshake done", conn.LocalAddr())
			}
		}
		fmt.Fprintf(c, "over TLS\n")
		line, err := bufio.NewReader(s).ReadString('\n')
		if err != nil || line != "over TLS\n" {
			t.Errorf("read %q, %v", line, err)
		}
		return nil
	})
}

// SetWriteBufferMax on a TLS transport limits the socket's buffer: a
// write past it breaks the connection with ErrWriteBufferFull.
func TestTLSWriteBufferMax(t *testing.T) {
	pki := mustPKI(t, "max")
	aiotest.Run(t, func(tk *aio.Task) error {
		server := &aiotest.Recorder{}
		srv, err := aio.CreateServer(tk, func() *aiotest.Recorder { return server }, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		defer srv.Close()
		client := &aiotest.Recorder{}
		if _, _, err := aio.CreateConnection(tk, func() *aiotest.Recorder { return client }, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig())); err != nil {
			return err
		}
		if err := server.WaitEvent(tk, aiotest.Made, 1); err != nil {
			return err
		}
		server.Transport().PauseReading()
		tt := client.Transport().(*aio.TLSTransport)
		tt.SetWriteBufferMax(1 << 20)
		var err2 error
		for i := 0; i < 1000 && err2 == nil; i++ {
			err2 = tt.Write(make([]byte, 64<<10))
		}
		if !errors.Is(err2, aio.ErrWriteBufferFull) {
			t.Errorf("writes past the limit: %v, want ErrWriteBufferFull", err2)
		}
		if err := client.WaitLost(tk); err != nil {
			return err
		}
		server.Transport().Abort()
		return server.WaitLost(tk)
	})
}
