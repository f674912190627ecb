package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Stopping serve while a request is being handled (its handler sleeps)
// still answers that request in full, and then closes the connection.
func TestServeStopAnswersInFlightRequest(t *testing.T) {
	ctl, addr, _, done := launchServe(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a bound, not a pass/fail timing
	if _, err := io.WriteString(c, "GET /hello/late HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	waitHandlerRunning(t, ctl.runner.Loops())
	close(ctl.stop)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "<h1>hello, late!</h1>" {
		t.Errorf("in-flight request: %d %q", resp.StatusCode, b)
	}
	if !resp.Close {
		t.Errorf("the last response before stopping does not say Connection: close")
	}
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
}

// launchServe runs serve on a free port, on two loops; the caller stops
// it by closing ctl.stop, and done then gives serve's result.
func launchServe(t *testing.T) (ctl *serveControl, addr string, out *bytes.Buffer, done chan error) {
	t.Helper()
	ctl = &serveControl{ready: make(chan string, 1), stop: make(chan struct{})}
	out = &bytes.Buffer{}
	done = make(chan error, 1)
	go func() { done <- serve(serveOptions{addr: "127.0.0.1:0", loops: 2, delay: handlerDelay}, out, ctl) }()
	select {
	case addr = <-ctl.ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return ctl, addr, out, done
}

// waitHandlerRunning waits until one of the loops runs a task: the
// handler of the request sent (the demo runs no other task).
func waitHandlerRunning(t *testing.T, loops []*aio.Loop) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, l := range loops {
			n := make(chan int, 1)
			l.CallSoonThreadsafe(func() { n <- len(aio.AllTasks(l)) })
			if <-n > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the request's handler did not start")
		}
		time.Sleep(time.Millisecond)
	}
}
