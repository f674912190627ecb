//go:build linux

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// TestServePipelined sends many pipelined requests down a socketpair
// whose buffers are too small for the responses, so that the server
// must keep what the kernel refuses, stop reading and send the rest on
// writability; every request must get exactly one whole response.
func TestServePipelined(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	client, srvFd := fds[0], fds[1]
	defer unix.Close(client)
	for _, fd := range fds {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096)
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4096)
	}
	p, err := poll.New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Register(srvFd, poll.Readable); err != nil {
		t.Fatal(err)
	}
	s := &server{p: p, lfd: -1, conns: map[int]*conn{srvFd: {}}, buf: make([]byte, 64<<10)}
	defer func() {
		if _, open := s.conns[srvFd]; open {
			unix.Close(srvFd)
		}
	}()

	const n = 1000
	req := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", n))
	var got []byte
	rbuf := make([]byte, 64<<10)
	events := make([]poll.Ready, 4)
	sawOwed := false
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n*len(response) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d response bytes after 10 s", len(got), n*len(response))
		}
		if len(req) > 0 {
			if w, err := unix.Write(client, req); err == nil {
				req = req[w:]
			}
		}
		k, err := p.Wait(events, 10*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events[:k] {
			if c := s.conns[ev.Fd]; c != nil {
				s.serve(ev.Fd, c, ev.Events)
				sawOwed = sawOwed || len(c.owed) > 0
			}
		}
		if r, err := unix.Read(client, rbuf); err == nil {
			got = append(got, rbuf[:r]...)
		}
	}
	if !sawOwed {
		t.Error("the kernel never refused a write: the test did not reach the owed path")
	}
	if want := bytes.Repeat([]byte(response), n); !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes, not %d responses", len(got), n)
	}
	if _, ok := s.conns[srvFd]; !ok {
		t.Fatal("connection closed")
	}
	unix.Close(client)
	for range 100 {
		k, _ := p.Wait(events, 10*time.Millisecond)
		for _, ev := range events[:k] {
			if c := s.conns[ev.Fd]; c != nil {
				s.serve(ev.Fd, c, ev.Events)
			}
		}
		if _, ok := s.conns[srvFd]; !ok {
			return
		}
	}
	t.Fatal("the server did not close the connection its peer closed")
}
