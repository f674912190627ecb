package aiotest_test

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/aio-go/aio/aiotest"
)

// The client config of TLSConfigs verifies the server's certificate for
// each loopback name, and no other.
func TestTLSConfigs(t *testing.T) {
	srv, cli := aiotest.TLSConfigs(t)
	for name, ok := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "example.com": false} {
		a, b := net.Pipe()
		sc := tls.Server(a, srv)
		go func() { sc.Handshake(); sc.Close() }()
		cfg := cli.Clone()
		cfg.ServerName = name
		cc := tls.Client(b, cfg)
		err := cc.Handshake()
		cc.Close()
		if (err == nil) != ok {
			t.Errorf("handshake for %s: %v, want success %v", name, err, ok)
		}
	}
	// A client of another pair does not trust this server.
	_, other := aiotest.TLSConfigs(t)
	a, b := net.Pipe()
	sc := tls.Server(a, srv)
	go func() { sc.Handshake(); sc.Close() }()
	cfg := other.Clone()
	cfg.ServerName = "127.0.0.1"
	cc := tls.Client(b, cfg)
	if err := cc.Handshake(); err == nil {
		t.Error("a client trusting another certificate accepted this one")
	}
	cc.Close()
}
