package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// pages serves a page of size bytes on each of three local servers, the
// last over TLS. No server answers before all three requests have
// arrived: a run that fetched one page after another would get 503s.
func pages(t *testing.T, sizes []int) (urls []string, tlsCfg *tls.Config) {
	var arrived sync.WaitGroup
	arrived.Add(len(sizes))
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	for i, n := range sizes {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			arrived.Done()
			select {
			case <-all:
				w.Write(bytes.Repeat([]byte{'x'}, n))
			case <-time.After(30 * time.Second): // a hang guard only
				http.Error(w, "the other fetches never came", http.StatusServiceUnavailable)
			}
		})
		var srv *httptest.Server
		if i == len(sizes)-1 {
			srv = httptest.NewTLSServer(h)
			pool := x509.NewCertPool()
			pool.AddCert(srv.Certificate())
			tlsCfg = &tls.Config{RootCAs: pool}
		} else {
			srv = httptest.NewServer(h)
		}
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL+"/")
	}
	return urls, tlsCfg
}

func TestRun(t *testing.T) {
	sizes := []int{1234, 56789, 321}
	urls, tlsCfg := pages(t, sizes)
	var out bytes.Buffer
	if err := run(&out, urls, tlsCfg); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2*len(urls)+1 {
		t.Fatalf("output:\n%s", out.String())
	}
	var received []string
	for i, url := range urls {
		if want := "GET: " + url; lines[i] != want {
			t.Errorf("line %d: %q, want %q (every task starts before any page arrives)", i, lines[i], want)
		}
		received = append(received, fmt.Sprintf("%d bytes received from %s.", sizes[i], url))
	}
	got := slices.Clone(lines[len(urls) : 2*len(urls)])
	slices.Sort(got)
	slices.Sort(received)
	if !slices.Equal(got, received) {
		t.Errorf("received lines %q, want %q in any order", got, received)
	}
	if last := lines[len(lines)-1]; last != fmt.Sprint(sizes[0]) {
		t.Errorf("last line %q, want g1.value %d", last, sizes[0])
	}
}

// A page that is not there, a scheme other than http(s) and a refused
// connection fail the run with errors naming them; the other fetches
// still complete.
func TestRunErrors(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("page"))
	}))
	defer ok.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	var out bytes.Buffer
	err := run(&out, []string{ok.URL + "/", ok.URL + "/missing", "ftp://127.0.0.1/x", closed.URL + "/"}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"404 Not Found", "ftp://127.0.0.1/x: only http and https", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !strings.Contains(out.String(), "4 bytes received from "+ok.URL+"/.") {
		t.Errorf("output %q lacks the page that was there", out.String())
	}
}
