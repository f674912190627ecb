//go:build linux

package aio

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// loopCheckProto answers "ok" when its transport's loop is the loop its
// factory was set up for, "bad" otherwise.
type loopCheckProto struct{ want *Loop }

func (p *loopCheckProto) ConnectionMade(tr Transport) {
	if tr.Loop() == p.want {
		tr.Write([]byte("ok"))
	} else {
		tr.Write([]byte("bad"))
	}
	tr.Close()
}
func (p *loopCheckProto) DataReceived([]byte)  {}
func (p *loopCheckProto) ConnectionLost(error) {}

// Each loop of ServeMultiLoopPerLoop gets its own setup call, and the
// protocols its factory makes belong to that loop. The per-loop counter
// is touched only on its loop's goroutine: the race detector would see
// any other.
func TestServeMultiLoopPerLoop(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	const loops, clients = 3, 24
	var mu sync.Mutex
	setups := map[*Loop]*int{}
	ms, err := ServeMultiLoopPerLoop(func(l *Loop) func() *loopCheckProto {
		made := new(int)
		mu.Lock()
		setups[l] = made
		mu.Unlock()
		return func() *loopCheckProto {
			*made++
			return &loopCheckProto{want: l}
		}
	}, "tcp", "127.0.0.1:0", Loops(loops))
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	mu.Lock()
	if len(setups) != loops {
		t.Fatalf("setup called for %d loops, want %d", len(setups), loops)
	}
	for _, l := range ms.Loops() {
		if setups[l] == nil {
			t.Fatalf("no setup for loop %p", l)
		}
	}
	mu.Unlock()
	for i := range clients {
		c, err := net.DialTimeout("tcp", ms.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(ioWatchdog))
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(b) != "ok" {
			t.Fatalf("client %d: %q, %v; want ok (a protocol made for its own loop)", i, b, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioWatchdog)
	defer cancel()
	if err := ms.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	var per []int
	for _, l := range ms.Loops() {
		per = append(per, *setups[l]) // the loops have stopped: no race
		total += *setups[l]
	}
	t.Logf("protocols per loop: %v", per)
	if total != clients {
		t.Fatalf("%d protocols made, want %d", total, clients)
	}
}

// A setup that returns no factory fails ServeMultiLoopPerLoop.
func TestServeMultiLoopPerLoopNilFactory(t *testing.T) {
	defer checkNoGoroutineLeak(t)()
	_, err := ServeMultiLoopPerLoop(func(*Loop) func() *loopCheckProto { return nil }, "tcp", "127.0.0.1:0", Loops(2))
	if err == nil {
		t.Fatal("no error for a nil factory")
	}
	t.Log(err)
}
