package web_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio/web"
)

// syncBuffer is written by RunAppContext's goroutine and read by the
// test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RunAppContext prints the banner, serves, and returns nil once ctx is
// done; a port in use fails Start with EADDRINUSE.
func TestRunAppContext(t *testing.T) {
	app := web.NewApp()
	app.Get("/", text("ok"))
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- web.RunAppContext(ctx, app, web.Addr("127.0.0.1:0"), web.Loops(1), web.PrintTo(&out)) }()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no banner")
		}
		if s, ok := strings.CutPrefix(out.String(), "======== Running on http://"); ok {
			addr, _, _ = strings.Cut(s, " ")
		}
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	busy := web.NewApp()
	busy.Get("/", text("ok"))
	if err := web.RunAppContext(ctx, busy, web.Addr(addr), web.PrintTo(nil)); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("a second server on %s: %v", addr, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
