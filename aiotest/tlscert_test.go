package aiotest_test

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/aio-go/aio/aiotest"
)

// The client config of TLSConfigs verifies the server's certificate for
// each loopback name, and no other; a client of another pair refuses it.
func TestTLSConfigs(t *testing.T) {
	srv, cli := aiotest.TLSConfigs(t)
	_, other := aiotest.TLSConfigs(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0") // socket buffers: a refused handshake cannot deadlock
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			sc := tls.Server(c, srv)
			sc.Handshake()
			sc.Close()
		}
	}()
	for _, tc := range []struct {
		name  string
		cfg   *tls.Config
		trust bool
	}{
		{"127.0.0.1", cli, true}, {"::1", cli, true}, {"localhost", cli, true},
		{"example.com", cli, false}, {"127.0.0.1", other, false},
	} {
		cfg := tc.cfg.Clone()
		cfg.ServerName = tc.name
		c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
		if err == nil {
			c.Close()
		}
		if (err == nil) != tc.trust {
			t.Errorf("handshake for %s: %v, want success %v", tc.name, err, tc.trust)
		}
	}
}
