package main

import (
	"bufio"
	"bytes"
	"net"
	"slices"
	"strings"
	"testing"
)

// serveOnce answers one HTTP/1.0 request on a local port with answer and
// returns the address and the request it got.
func serveOnce(t *testing.T, answer string) (string, <-chan string) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			got <- ""
			return
		}
		defer c.Close()
		var req strings.Builder
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			req.WriteString(line)
			if err != nil || line == "\r\n" {
				break
			}
		}
		c.Write([]byte(answer))
		got <- req.String()
	}()
	return ln.Addr().String(), got
}

func TestWget(t *testing.T) {
	a, reqA := serveOnce(t, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>body</html>\n")
	b, reqB := serveOnce(t, "HTTP/1.0 302 Moved Temporarily\r\nServer: Cdn Cache Server V2.0\r\nLocation: /x\r\n\r\n")
	var out bytes.Buffer
	if err := run(&out, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	if r := <-reqA; r != "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" {
		t.Errorf("server got the request %q", r)
	}
	<-reqB
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// Both connections start before either answers; the header lines of
	// each host come in order, interleaved as the answers arrive.
	if !slices.Equal(lines[:2], []string{"wget 127.0.0.1...", "wget 127.0.0.1..."}) {
		t.Fatalf("output starts %q", lines)
	}
	slices.Sort(lines[2:])
	want := []string{
		"127.0.0.1 header > Content-Type: text/html",
		"127.0.0.1 header > HTTP/1.0 302 Moved Temporarily",
		"127.0.0.1 header > HTTP/1.1 200 OK",
		"127.0.0.1 header > Location: /x",
		"127.0.0.1 header > Server: Cdn Cache Server V2.0",
	}
	if !slices.Equal(lines[2:], want) {
		t.Errorf("headers printed\n%s\nwant (sorted)\n%s", strings.Join(lines[2:], "\n"), strings.Join(want, "\n"))
	}
}

// TestWgetConnectionRefused reports the error of a port nobody serves.
func TestWgetConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	if err := run(&out, []string{addr}); err == nil {
		t.Fatal("no error for a refused connection")
	}
}
