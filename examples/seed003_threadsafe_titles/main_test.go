package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// pages serves a page with a title and one without, on 127.0.0.1.
func pages(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/titled", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><head><title>Hello aio</title></head><body>hi</body></html>")
	})
	mux.HandleFunc("/untitled", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><body>no title here</body></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestRun pipes URLs into run through a real pipe, as a shell would:
// a page with a title, one without, a closed port and an https URL, then
// "q" or the end of the input; the output is checked line by line.
func TestRun(t *testing.T) {
	for _, tc := range []struct{ name, end string }{
		{"quit", "q\n"},
		{"eof", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pages(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			closedAddr := ln.Addr().String()
			ln.Close()
			titled, untitled := srv.URL+"/titled", srv.URL+"/untitled"
			closed, secure := "http://"+closedAddr+"/", "https://127.0.0.1:1/"

			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			go func() {
				io.WriteString(pw, titled+"\n"+untitled+"\n\n"+closed+"\n"+secure+"\n"+tc.end)
				pw.Close()
			}()
			var out bytes.Buffer
			if err := run(&out, pr); err != nil {
				t.Fatal(err)
			}
			want := []string{
				prompt,
				titled + ": 解析网页标题为 Hello aio",
				prompt,
				untitled + ": 解析不到网页标题",
				prompt, // the empty line asks again
				prompt,
				closed + ": dial tcp " + closedAddr + ": connect: connection refused",
				prompt,
				secure + `: streamhttp: only http:// URLs are supported: "` + secure + `"`,
				prompt,
			}
			if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
			}
		})
	}
}
