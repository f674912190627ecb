package web_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// clTLSServer starts an httptest TLS server whose connections cnt
// counts, and returns it with a TLS config that trusts it.
func clTLSServer(t *testing.T, cnt *clConnCounter, h http.Handler) (*httptest.Server, *tls.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if cnt != nil {
		srv.Config.ConnState = cnt.hook
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return srv, &tls.Config{RootCAs: roots}
}

func TestClientHTTPS(t *testing.T) {
	cnt := clNewConnCounter()
	srv, cfg := clTLSServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/to-plain" {
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		io.WriteString(w, "secure "+r.URL.Path+" "+r.Proto)
	}))
	plain := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "plain")
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientTLSConfig(cfg))
		defer c.Close()
		for i := range 3 {
			resp, err := c.Get(tk, srv.URL+"/p")
			if err != nil {
				return err
			}
			if body, err := clRead(tk, resp); body != "secure /p HTTP/1.1" || err != nil || resp.URL.Scheme != "https" {
				t.Errorf("request %d: %q, %v", i, body, err)
			}
		}
		if opened, _ := cnt.get(); opened != 1 {
			t.Errorf("3 https requests opened %d connections, want 1", opened)
		}
		resp, err := c.Get(tk, srv.URL+"/to-plain?to="+url.QueryEscape(plain.URL))
		if err != nil {
			return err
		}
		if body, _ := clRead(tk, resp); body != "plain" {
			t.Errorf("https to http redirect: %q", body)
		}

		// Without the server's root the certificate is refused.
		strict := web.NewClient()
		defer strict.Close()
		var ue x509.UnknownAuthorityError
		if _, err := strict.Get(tk, srv.URL); !errors.As(err, &ue) {
			t.Errorf("untrusted server: %v, want x509.UnknownAuthorityError", err)
		}
		return nil
	})
}

// clConnectProxy is an HTTP proxy that opens CONNECT tunnels, recording
// each target with its Proxy-Authorization.
type clConnectProxy struct {
	mu      sync.Mutex
	tunnels []string
}

func (p *clConnectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.tunnels = append(p.tunnels, r.Method+" "+r.Host+" "+r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	if r.Method != http.MethodConnect || strings.HasPrefix(r.Host, "refused.") {
		http.Error(w, "no tunnel", http.StatusProxyAuthRequired)
		return
	}
	dst, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	c, brw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		dst.Close()
		return
	}
	c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		io.Copy(dst, brw.Reader)
		dst.Close()
	}()
	io.Copy(c, dst)
	c.Close()
}

func (p *clConnectProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.tunnels...)
}

func TestClientHTTPSProxy(t *testing.T) {
	var mu sync.Mutex
	active, peak := 0, 0
	srv, cfg := clTLSServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		active++
		peak = max(peak, active)
		mu.Unlock()
		if r.URL.Path == "/slow" {
			time.Sleep(50 * time.Millisecond) // overlap the requests if the limit let them
		}
		mu.Lock()
		active--
		mu.Unlock()
		io.WriteString(w, "through the tunnel "+r.RequestURI)
	}))
	p := &clConnectProxy{}
	proxy := clServer(t, nil, p)
	clRun(t, func(tk *aio.Task) error {
		pu, _ := url.Parse(proxy.URL)
		pu.User = url.UserPassword("pu", "pp")
		c := web.NewClient(web.ClientLimit(1, 0), web.ClientTLSConfig(cfg), web.ClientProxy(func(*url.URL) (*url.URL, error) { return pu, nil }))
		defer c.Close()
		for range 2 {
			resp, err := c.Get(tk, srv.URL+"/x?y=1")
			if err != nil {
				return err
			}
			if body, err := clRead(tk, resp); body != "through the tunnel /x?y=1" || err != nil {
				t.Errorf("body %q, %v", body, err)
			}
		}
		host := strings.TrimPrefix(srv.URL, "https://")
		if got := p.seen(); len(got) != 1 || got[0] != "CONNECT "+host+" Basic cHU6cHA=" {
			t.Errorf("proxy saw %q, want one CONNECT %s", got, host)
		}
		_, port, _ := net.SplitHostPort(host)
		if _, err := c.Get(tk, "https://refused.example:"+port+"/"); !errors.Is(err, web.ErrClientProxy) {
			t.Errorf("refused tunnel: %v, want ErrClientProxy", err)
		}
		// The refused tunnel gave its slot back, once: the limit of one
		// still holds.
		if _, err := clFetchAll(tk, c, []string{srv.URL + "/slow", srv.URL + "/slow"}); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if peak != 1 {
			t.Errorf("%d requests at once through a limit of 1", peak)
		}
		return nil
	})
}
