package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// The echo server and client, both as the real command: two clients in
// turn get back exactly what they sent, the server logs the seed's
// lines, and SIGINT ends it with status 0.
func TestEchoServerAndClient(t *testing.T) {
	srv := command(t, "echo", "-listen", "127.0.0.1:0")
	pipe, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var srvErr bytes.Buffer
	srv.Stderr = &srvErr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(pipe)
	first, _ := out.ReadString('\n')
	second, _ := out.ReadString('\n')
	addr, found := strings.CutPrefix(strings.TrimSpace(second), "Serving on ")
	if first != "start server!\n" || !found {
		srv.Process.Kill()
		srv.Wait()
		t.Fatalf("server printed %q %q, stderr %q", first, second, srvErr.String())
	}
	long := strings.Repeat("0123456789", 30) // more than one 100-byte read
	inputs := []string{"hi\n", "there 'x'\n" + long + "\nno newline at the end"}
	for _, in := range inputs {
		cl := command(t, "echo", "-connect", addr)
		cl.Stdin = strings.NewReader(in)
		var o, e bytes.Buffer
		cl.Stdout, cl.Stderr = &o, &e
		if err := cl.Run(); err != nil || o.String() != in || e.Len() != 0 {
			t.Errorf("client sent %q: %v, got back %q, stderr %q", in, err, o.String(), e.String())
		}
	}
	srv.Process.Signal(syscall.SIGINT)
	rest, _ := io.ReadAll(out)
	if err := srv.Wait(); err != nil || srvErr.Len() != 0 {
		t.Errorf("server after SIGINT: %v, stderr %q", err, srvErr.String())
	}
	// A read takes up to 100 bytes of whatever has come, so only the first
	// line of a client is sure to be read alone.
	log := string(rest)
	peer := regexp.MustCompile(`from 127\.0\.0\.1:\d+\n`)
	if !strings.HasPrefix(log, "connected\nReceived 'hi\\n' from 127.0.0.1:") ||
		!strings.Contains(peer.ReplaceAllString(log, "from PEER\n"), "from PEER\nSend: 'hi\\n'\nClose the client socket\nconnected\nReceived \"there 'x'\\n") ||
		strings.Count(log, "connected\n") != 2 || !strings.HasSuffix(log, "no newline at the end'\nClose the client socket\n") {
		t.Errorf("server log:\n%s", log)
	}
}

// The client ends when the server closes, even with input left.
func TestEchoClientServerCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.WriteString(c, "bye\n")
			c.Close()
		}
	}()
	cl := command(t, "echo", "-connect", ln.Addr().String())
	stdin, _ := cl.StdinPipe() // never closed: the input does not end
	defer stdin.Close()
	var o, e bytes.Buffer
	cl.Stdout, cl.Stderr = &o, &e
	if err := cl.Run(); err != nil || o.String() != "bye\n" || e.Len() != 0 {
		t.Errorf("client: %v, stdout %q, stderr %q", err, o.String(), e.String())
	}
}

func TestEchoCommandLine(t *testing.T) {
	for _, args := range [][]string{{"echo", "-h"}, {"echo", "--help"}, {"help", "echo"}} {
		out, errs, code := runCommand(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: aio echo") || !strings.Contains(out, "examples:") {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "aio: echo: give one of -listen HOST:PORT and -connect HOST:PORT"},
		{[]string{"-listen", "a:1", "-connect", "b:2"}, 2, "give one of"},
		{[]string{"-listen", "127.0.0.1:0", "extra"}, 2, `aio: echo: unexpected argument "extra"`},
		{[]string{"-nope"}, 2, "aio: echo: flag provided but not defined: -nope"},
		{[]string{"-connect", closed}, 1, "aio: echo: dial tcp " + closed + ": connect: connection refused"},
		{[]string{"-listen", "256.0.0.1:0"}, 1, "aio: "},
	}
	for _, c := range cases {
		out, errs, code := runCommand(t, append([]string{"echo"}, c.args...)...)
		if code != c.code || out != "" && c.code == 2 || strings.Count(errs, "\n") != 1 ||
			strings.Count(errs, "aio:") != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("aio echo %s: exit %d, stdout %q, stderr %q; want exit %d and one line with %q",
				strings.Join(c.args, " "), code, out, errs, c.code, c.want)
		}
	}
}

// pyRepr matches Python 3.13's repr of the decoded str.
func TestPyRepr(t *testing.T) {
	for in, want := range map[string]string{
		"hi":             `'hi'`,
		"hi\n":           `'hi\n'`,
		"it's":           `"it's"`,
		`both ' and "`:   `'both \' and "'`,
		"\x00\x7f\t\r":   `'\x00\x7f\t\r'`,
		"é":              `'é'`,
		"\u200b":         `'\u200b'`,
		"\U0001F600":     `'😀'`,
		"\u0085":         `'\x85'`,
		`back\slash`:     `'back\\slash'`,
		"not utf-8 \xff": `'not utf-8 \xff'`,
	} {
		if got := pyRepr([]byte(in)); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}
