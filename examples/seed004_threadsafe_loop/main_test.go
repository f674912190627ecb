package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

// closedURL returns a URL on a 127.0.0.1 port that nothing listens on.
func closedURL(t *testing.T) (url, addr string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/", addr
}

// TestRun feeds three URLs and "q", and checks the output line by line:
// the prompts, the title, the missing title and the refused connection,
// in the order of the input.
func TestRun(t *testing.T) {
	for _, tc := range []struct{ name, end string }{
		{"quit", "q\n"},
		{"eof", ""}, // the end of the input counts as q
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pages(t)
			closed, addr := closedURL(t)
			titled, untitled := srv.URL+"/titled", srv.URL+"/untitled"
			in := strings.NewReader(titled + "\n" + untitled + "\n" + closed + "\n" + tc.end)

			var out bytes.Buffer
			if err := run(&out, in); err != nil {
				t.Fatal(err)
			}
			want := prompt + "\n" +
				titled + ": 解析网页标题为 Hello aio\n" +
				prompt + "\n" +
				untitled + ": 解析不到网页标题\n" +
				prompt + "\n" +
				fmt.Sprintf("%s: Get %q: dial tcp %s: connect: connection refused\n", closed, closed, addr) +
				prompt + "\n"
			if got := out.String(); got != want {
				t.Fatalf("output:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
