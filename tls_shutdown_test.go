package aio_test

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// idleCloser is a protocol that records CloseWhenIdle and closes then.
type idleCloser struct {
	aiotest.Recorder
	asked int
}

func (p *idleCloser) CloseWhenIdle() {
	p.asked++
	p.Transport().Close()
}

// Server.Shutdown reaches the protocol above a TLS transport: an
// IdleCloser is asked to close (once), any other protocol is closed;
// either way the client reads the clean end (io.EOF). (crypto/tls's
// client reads a close without close_notify as io.EOF too, so whether
// the alert was sent is not checked here.)
func TestTLSShutdownReachesProtocol(t *testing.T) {
	srvCfg, cliCfg := aiotest.TLSConfigs(t)
	for _, idle := range []bool{true, false} {
		p := &idleCloser{}
		aiotest.Run(t, func(tk *aio.Task) error {
			factory := func() aio.Protocol {
				if idle {
					return p
				}
				return &p.Recorder
			}
			srv, err := aio.CreateServer(tk, factory, "tcp", "127.0.0.1:0", aio.WithTLS(srvCfg),
				aio.TLSHandshakeTimeout(aio.NoTimeout)) // the virtual clock must not end the real peer's handshake
			if err != nil {
				return err
			}
			addr := srv.Addr().String()
			read := make(chan error, 1)
			go func() { // a blocking client: its end is what the test checks
				c, err := tls.DialWithDialer(&net.Dialer{Timeout: 30 * time.Second}, "tcp", addr, cliCfg)
				if err != nil {
					read <- err
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard only
				if _, err := c.Write([]byte("x")); err != nil {
					read <- err
					return
				}
				_, err = c.Read(make([]byte, 1))
				read <- err
			}()
			if err := p.WaitBytes(tk, 1); err != nil {
				return err
			}
			if err := srv.Shutdown(tk); err != nil {
				return err
			}
			err, _ = aio.ToThread(tk, func() (error, error) { return <-read, nil })
			if err != io.EOF {
				t.Errorf("idle closer %v: the client read %v, want io.EOF", idle, err)
			}
			if want := map[bool]int{true: 1, false: 0}[idle]; p.asked != want {
				t.Errorf("idle closer %v: CloseWhenIdle called %d times, want %d", idle, p.asked, want)
			}
			return nil
		})
	}
}
