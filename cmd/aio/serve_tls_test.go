package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aio-go/aio/aiotest"
)

// serve -tls-cert -tls-key serves the demo app over HTTPS, and says so.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := aiotest.SelfSignedCert(t)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o644)
	os.WriteFile(keyFile, keyPEM, 0o600)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)

	ctl := &serveControl{ready: make(chan string, 1), stop: make(chan struct{})}
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- serve(serveOptions{addr: "127.0.0.1:0", loops: 1, tlsCert: certFile, tlsKey: keyFile}, &out, ctl)
	}()
	var addr string
	select {
	case addr = <-ctl.ready:
	case err := <-done:
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	c := &http.Client{Transport: tr}
	resp, err := c.Get("https://" + addr + "/hello/tls")
	if err != nil {
		close(ctl.stop)
		<-done
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tr.CloseIdleConnections()
	if resp.StatusCode != 200 || string(b) != "<h1>hello, tls!</h1>" || resp.TLS == nil {
		t.Errorf("GET over TLS: %d %q, TLS %v", resp.StatusCode, b, resp.TLS != nil)
	}
	if _, err := http.Get("http://" + addr + "/"); err == nil {
		t.Error("plain HTTP answered on the HTTPS port")
	}
	close(ctl.stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Server started at https://"+addr) {
		t.Errorf("banner: %q", out.String())
	}
}

// A certificate without its key is a usage error; files that cannot be
// loaded fail the command with an error naming the problem.
func TestServeTLSErrors(t *testing.T) {
	var out, errb bytes.Buffer
	err := run([]string{"serve", "-tls-cert", "x.pem"}, &out, &errb)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "-tls-key") {
		t.Errorf("-tls-cert alone: %v, want a usage error", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	err = run([]string{"serve", "-addr", "127.0.0.1:0", "-tls-cert", missing, "-tls-key", missing}, &out, &errb)
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing files: %v, want a load error", err)
	}
}
