package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRun checks the join and g1.value, then two pages fetched together
// and a refused one, reported each in the order given.
func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", len(r.URL.Path)*10))
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	a, b, closed := srv.URL+"/a", srv.URL+"/bbbb", "http://"+closedAddr+"/"

	var out bytes.Buffer
	err = run(&out, []string{a, b, closed})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("run: %v, want the refused fetch's error", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		"func2()",
		"func(2, 3, x=4, y=5)",
		"26",
		a + ": 20 bytes",
		b + ": 50 bytes",
		closed + ": dial tcp " + closedAddr + ": connect: connection refused",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
}

// TestRunNoURLs is the seed's part alone.
func TestRunNoURLs(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "func2()\nfunc(2, 3, x=4, y=5)\n26\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
