package web

import (
	"crypto/tls"
	"fmt"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// ClientTLSConfig sets the TLS configuration of https requests (aiohttp's
// ssl=SSLContext): roots, client certificates, versions. Without it the
// server's certificate is verified against the system's roots. The name
// verified is the URL's host (cfg.ServerName, if set, instead). The
// client uses a copy that offers only HTTP/1.1 by ALPN; cfg's callbacks
// run on the loop, so they must not block.
func ClientTLSConfig(cfg *tls.Config) ClientOption { return func(c *clientConfig) { c.tls = cfg } }

// tlsConfig returns the configuration of the client's TLS connections:
// the option's, made at first use to offer only HTTP/1.1 by ALPN (a
// server that picked h2 would get HTTP/1.1 from us).
func (c *Client) tlsConfig() *tls.Config {
	if c.cfg.tls == nil {
		c.cfg.tls = &tls.Config{}
	}
	if len(c.cfg.tls.NextProtos) != 1 || c.cfg.tls.NextProtos[0] != "http/1.1" {
		cfg := c.cfg.tls.Clone()
		cfg.NextProtos = []string{"http/1.1"}
		c.cfg.tls = cfg
	}
	return c.cfg.tls
}

// tunnel asks the proxy cn is connected to for a tunnel to the request's
// host (CONNECT) and starts TLS through it, so that cn then carries
// https requests to that host.
func (ex *clientExchange) tunnel(t *aio.Task, cn *clientConn) error {
	target := clientHostPort(ex.u)
	w := &cn.w
	w.Reset()
	w.RequestLine("CONNECT", target)
	w.Header("Host", target)
	ex.proxyAuth(w)
	w.EndHead()
	bufs, err := w.Buffers()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrClientInvalidHeader, err)
	}
	if err := cn.tr.Writelines(bufs); err != nil {
		return err
	}
	cn.begin(ex)
	cn.parser.SetRequestMethod("CONNECT")
	for {
		ev, err := cn.next(t, aio.NoDeadline)
		if err != nil {
			return err
		}
		if ev != http1.EventHead || cn.parser.Response().Status/100 == 1 {
			continue
		}
		break
	}
	h := cn.parser.Response()
	if h.Status/100 != 2 {
		return fmt.Errorf("%w: CONNECT %s: %d %s", ErrClientProxy, target, h.Status, h.Reason)
	}
	if cn.off != len(cn.in) {
		return fmt.Errorf("%w: bytes after the proxy's CONNECT answer", ErrClientBadResponse)
	}
	cn.in, cn.off = cn.in[:0], 0
	cn.parser.Reset()
	tr, err := aio.StartTLS(t, cn.tr, ex.c.tlsConfig(), aio.ServerHostname(ex.u.Hostname()))
	if err != nil {
		return err
	}
	cn.tr = tr
	return nil
}
