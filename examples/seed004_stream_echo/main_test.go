package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// The output of the seed's two scripts, ports written as PORT (Python
// prints the addresses as tuples, Go as host:port).
const (
	wantServer = `start server!
Serving on 127.0.0.1:PORT
connected
Received 'hi' from 127.0.0.1:PORT
Send: 'hi'
Close the client socket
`
	wantClient = `Send: 'hi'
Received: 'hi'
Close the socket
`
)

var ports = regexp.MustCompile(`:\d+`)

func TestRun(t *testing.T) {
	var server, client bytes.Buffer
	if err := run(&server, &client, "both", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if got := ports.ReplaceAllString(server.String(), ":PORT"); got != wantServer {
		t.Errorf("server printed\n%s\nwant\n%s", got, wantServer)
	}
	if got := client.String(); got != wantClient {
		t.Errorf("client printed\n%s\nwant\n%s", got, wantClient)
	}
}

// TestSeparateModes runs the seed's two scripts: the server in "server"
// mode on its own goroutine and loop, stopped by SIGINT as with Ctrl-C,
// and the client in "client" mode, twice.
func TestSeparateModes(t *testing.T) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(pw, nil, "server", "127.0.0.1:0")
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	lines.Scan() // start server!
	if !lines.Scan() {
		t.Fatal("the server printed no address")
	}
	addr := strings.TrimPrefix(lines.Text(), "Serving on ")
	go io.Copy(io.Discard, pr)
	for range 2 {
		var client bytes.Buffer
		if err := run(nil, &client, "client", addr); err != nil {
			t.Fatal(err)
		}
		if got := client.String(); got != wantClient {
			t.Errorf("client printed\n%s\nwant\n%s", got, wantClient)
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case err := <-done:
		if !errors.Is(err, aio.ErrInterrupted) {
			t.Fatalf("server ended with %v, want an interruption", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not stop on SIGINT")
	}
	if err := run(nil, nil, "nope", ""); err == nil {
		t.Fatal("unknown mode accepted")
	}
}
