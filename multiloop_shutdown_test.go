package aio

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// unwindProto runs a handler task from its first data; ConnectionLost
// cancels it. The handler, once cancelled, awaits a cleanup step before
// it ends, so it only finishes if its loop keeps running after the
// cancellation.
type unwindProto struct {
	tr      Transport
	handler *Future[struct{}]
	started chan<- struct{}
	cleaned *atomic.Int64
	// stubborn makes the handler refuse the cancellation and wait on.
	stubborn bool
}

func (p *unwindProto) ConnectionMade(tr Transport) { p.tr = tr }

func (p *unwindProto) DataReceived([]byte) {
	if p.handler != nil {
		return
	}
	l := p.tr.(*SocketTransport).Loop()
	p.handler = CreateTask(l, func(t *Task) (struct{}, error) {
		p.started <- struct{}{}
		// Futures nobody sets, rather than long sleeps, which the
		// virtual clock would skip.
		err := AwaitDone(t, NewFuture[struct{}](l))
		if !errors.Is(err, ErrCancelled) {
			return struct{}{}, err
		}
		if p.stubborn {
			AwaitDone(t, NewFuture[struct{}](l))
		}
		// Cleanup that suspends: a flush, a goodbye, a log write.
		if err := Sleep(t, 5*time.Millisecond); err != nil {
			return struct{}{}, err
		}
		p.cleaned.Add(1)
		return struct{}{}, err
	})
}

func (p *unwindProto) ConnectionLost(error) {
	if p.handler != nil {
		p.handler.Cancel()
	}
}

// startUnwindServer serves unwindProto on two loops and opens clients
// connections whose handlers are all running when it returns.
func startUnwindServer(t *testing.T, clients int, stubborn bool, loopOpts ...Option) (*MultiServer, *atomic.Int64, *logBuffer, []net.Conn) {
	t.Helper()
	logs, logOpt := captureLogger()
	started := make(chan struct{}, clients)
	var cleaned atomic.Int64
	ms, err := ServeMultiLoop(func() *unwindProto {
		return &unwindProto{started: started, cleaned: &cleaned, stubborn: stubborn}
	}, "tcp", "127.0.0.1:0", Loops(2), LoopOptions(append(loopOpts, logOpt)...))
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range clients {
		c := dialServer(t, ms.Addr().String())
		conns = append(conns, c)
		io.WriteString(c, "go")
	}
	for range clients {
		select {
		case <-started:
		case <-time.After(ioWatchdog):
			t.Fatal("handlers did not start")
		}
	}
	return ms, &cleaned, logs, conns
}

// Close and Shutdown let the tasks that ConnectionLost cancels unwind,
// awaits included, before they stop the loops: nothing is destroyed
// while pending.
func TestMultiServerStopUnwindsCancelledTasks(t *testing.T) {
	stops := map[string]func(*MultiServer) error{
		"Close": (*MultiServer).Close,
		"Shutdown": func(ms *MultiServer) error {
			ctx, cancel := context.WithTimeout(context.Background(), ioWatchdog)
			defer cancel()
			return ms.Shutdown(ctx)
		},
	}
	for name, stop := range stops {
		t.Run(name, func(t *testing.T) {
			checkFDs(t)
			defer checkNoGoroutineLeak(t)()
			const clients = 6
			ms, cleaned, logs, conns := startUnwindServer(t, clients, false)
			if err := stop(ms); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ms.Done():
			default:
				t.Fatal("loops still running after " + name)
			}
			if strings.Contains(logs.String(), "destroyed") {
				t.Errorf("tasks destroyed while pending:\n%s", logs)
			}
			if n := cleaned.Load(); n != clients {
				t.Errorf("%d of %d handlers finished their cleanup", n, clients)
			}
			for _, c := range conns {
				if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
					t.Errorf("connection still open: %d, %v", n, err)
				}
				c.Close()
			}
		})
	}
}

// A task that will not unwind does not hold Close forever: the loops stop
// after the unwind limit, and the task is destroyed (reported) when they
// close. The virtual clock makes the limit pass at once.
func TestMultiServerCloseUnwindIsBounded(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	ms, cleaned, logs, _ := startUnwindServer(t, 2, true, VirtualClock())
	if err := ms.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "Task was destroyed but it is pending") {
		t.Errorf("a stubborn task was not reported destroyed:\n%s", logs)
	}
	if n := cleaned.Load(); n != 0 {
		t.Errorf("%d stubborn handlers finished", n)
	}
}

// lateReplyProto answers one request after an asynchronous wait. It is
// an IdleCloser: asked to close while busy, it still answers, after a
// further wait, and then closes, so its answer is written only after the
// shutdown has begun.
type lateReplyProto struct {
	tr       Transport
	busy     bool
	stopping bool
	started  chan<- struct{}
}

func (p *lateReplyProto) ConnectionMade(tr Transport) { p.tr = tr }

func (p *lateReplyProto) DataReceived([]byte) {
	if p.busy {
		return
	}
	p.busy = true
	CreateTask(p.tr.(*SocketTransport).Loop(), func(t *Task) (struct{}, error) {
		p.started <- struct{}{}
		for !p.stopping {
			if err := Sleep(t, time.Millisecond); err != nil {
				return struct{}{}, err
			}
		}
		if err := Sleep(t, 20*time.Millisecond); err != nil {
			return struct{}{}, err
		}
		p.tr.Write([]byte("the full answer"))
		p.busy = false
		p.tr.Close()
		return struct{}{}, nil
	})
}

func (p *lateReplyProto) CloseWhenIdle() {
	p.stopping = true
	if !p.busy {
		p.tr.Close()
	}
}

func (p *lateReplyProto) ConnectionLost(error) {}

// Shutdown lets a request in flight finish: its answer arrives in full
// even though it is written after Shutdown began, and an idle connection
// is closed at once.
func TestMultiServerShutdownFinishesInFlight(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	logs, logOpt := captureLogger()
	started := make(chan struct{}, 1)
	ms, err := ServeMultiLoop(func() *lateReplyProto { return &lateReplyProto{started: started} },
		"tcp", "127.0.0.1:0", Loops(2), LoopOptions(logOpt))
	if err != nil {
		t.Fatal(err)
	}
	busy := dialServer(t, ms.Addr().String())
	idle := dialServer(t, ms.Addr().String())
	io.WriteString(busy, "GET")
	<-started
	// The idle connection must be accepted before Shutdown, or it would
	// be refused rather than closed: a round trip on busy's loop is not
	// enough (it may be on the other loop), so wait for both to count it.
	waitConnections(t, ms, 2)
	ctx, cancel := context.WithTimeout(context.Background(), ioWatchdog)
	defer cancel()
	if err := ms.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(busy)
	if err != nil || string(got) != "the full answer" {
		t.Errorf("in-flight request got %q, %v", got, err)
	}
	if got, err := io.ReadAll(idle); err != nil || len(got) != 0 {
		t.Errorf("idle connection got %q, %v", got, err)
	}
	if strings.Contains(logs.String(), "destroyed") {
		t.Errorf("tasks destroyed while pending:\n%s", logs)
	}
}

// dialServer connects to addr, with a deadline on IO, for the test's
// duration.
func dialServer(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioWatchdog)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(ioWatchdog))
	return c
}

// eachServer calls f with the server of each loop of ms, on that loop,
// and returns what f returned, in order; ok is false if a loop is closed.
func eachServer[T any](ms *MultiServer, f func(*Server) T) (out []T, ok bool) {
	for i, l := range ms.Loops() {
		srv := ms.Servers()[i]
		got := make(chan T, 1)
		if _, err := l.CallSoonThreadsafe(func() { got <- f(srv) }); err != nil {
			return out, false
		}
		v, ok := receiveUnlessClosed(l, got)
		if !ok {
			return out, false
		}
		out = append(out, v)
	}
	return out, true
}

// receiveUnlessClosed waits for a value from got, or for l to close: a
// loop that stops after accepting a threadsafe callback but before
// running it drops the callback when it closes (as asyncio's does).
func receiveUnlessClosed[T any](l *Loop, got <-chan T) (v T, ok bool) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case v := <-got:
			return v, true
		case <-tick.C:
			if l.IsClosed() {
				return v, false
			}
		}
	}
}

// waitConnections waits until the loops of ms count n connections in all.
func waitConnections(t *testing.T, ms *MultiServer, n int) {
	t.Helper()
	deadline := time.Now().Add(ioWatchdog)
	for {
		counts, _ := eachServer(ms, (*Server).Connections)
		sum := 0
		for _, c := range counts {
			sum += c
		}
		if sum == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections, want %d", sum, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A Shutdown whose context ends first does what Close does and returns
// the context's error.
func TestMultiServerShutdownDeadline(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	ms, cleaned, logs, _ := startUnwindServer(t, 2, false)
	// The handlers never finish on their own and unwindProto is no
	// IdleCloser, so Shutdown closes the connections, and the
	// cancelled handlers unwind; an expired context skips the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ms.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown: %v", err)
	}
	if strings.Contains(logs.String(), "destroyed") {
		t.Errorf("tasks destroyed while pending:\n%s", logs)
	}
	if n := cleaned.Load(); n != 2 {
		t.Errorf("%d of 2 handlers finished their cleanup", n)
	}
}

// deafProto is an IdleCloser that never closes.
type deafProto struct{ recProto }

func (p *deafProto) CloseWhenIdle() {}

// A Shutdown whose context ends while connections wait to close cuts the
// wait short: the connections are aborted and the loops stop.
func TestMultiServerShutdownDeadlineCutsWait(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	ms, err := ServeMultiLoop(func() *deafProto { return &deafProto{} }, "tcp", "127.0.0.1:0", Loops(2))
	if err != nil {
		t.Fatal(err)
	}
	c := dialServer(t, ms.Addr().String())
	waitConnections(t, ms, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		waitConnectionsAsked(ms)
		cancel()
	}()
	if err := ms.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown: %v", err)
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("connection still open: %v", err)
	}
}

// waitConnectionsAsked waits until no loop of ms serves any more (the
// graceful phase has begun everywhere).
func waitConnectionsAsked(ms *MultiServer) {
	for {
		serving, ok := eachServer(ms, (*Server).IsServing)
		if !ok || !slices.Contains(serving, true) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Close cancels the loops' other tasks too, and lets them unwind.
func TestMultiServerCloseCancelsOtherTasks(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	logs, logOpt := captureLogger()
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", "127.0.0.1:0",
		Loops(2), LoopOptions(logOpt))
	if err != nil {
		t.Fatal(err)
	}
	var cleaned atomic.Int64
	started := make(chan struct{}, len(ms.Loops()))
	for _, l := range ms.Loops() {
		l.CallSoonThreadsafe(func() {
			CreateTask(l, func(t *Task) (struct{}, error) {
				started <- struct{}{}
				err := AwaitDone(t, NewFuture[struct{}](l))
				if err := Sleep(t, time.Millisecond); err != nil {
					return struct{}{}, err
				}
				cleaned.Add(1)
				return struct{}{}, err
			})
		})
	}
	for range ms.Loops() {
		<-started
	}
	ms.Close()
	if n := cleaned.Load(); n != int64(len(ms.Loops())) {
		t.Errorf("%d of %d background tasks unwound", n, len(ms.Loops()))
	}
	if strings.Contains(logs.String(), "destroyed") {
		t.Errorf("tasks destroyed while pending:\n%s", logs)
	}
}
