//go:build linux

package aio

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTenThousandConnections opens and closes 10,000 connections (250 at
// a time) and checks that no fd, goroutine, timer or watched fd is left.
func TestTenThousandConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	checkFDs(t)
	t.Cleanup(checkNoGoroutineLeak(t)) // after the loop's own cleanup
	l := newIOLoop(t)
	const total, batch = 10000, 250
	runTest(t, l, func(tk *Task) error {
		srv, ps, err := echoServer(tk)
		if err != nil {
			return err
		}
		addr := srv.Addr()
		for done := 0; done < total; done += batch {
			futs := make([]*Future[struct{}], batch)
			for i := range futs {
				futs[i] = Spawn(tk, func(t *Task) (struct{}, error) {
					cp := &recProto{}
					tr, err := dialProto(t, addr, cp)
					if err != nil {
						return struct{}{}, err
					}
					tr.Write([]byte("x"))
					if err := cp.waitData(t, 1); err != nil {
						return struct{}{}, err
					}
					tr.Close()
					return struct{}{}, cp.waitLost(t)
				})
			}
			for _, f := range futs {
				if _, err := Await(tk, f); err != nil {
					return err
				}
			}
		}
		srv.Close()
		if err := srv.WaitClosed(tk); err != nil {
			return err
		}
		if len(ps.list) != total {
			return fmt.Errorf("%d connections served, want %d", len(ps.list), total)
		}
		for _, p := range ps.list {
			if p.lost != 1 || p.err != nil || string(p.data) != "x" {
				return fmt.Errorf("a server protocol: lost=%d err=%v data=%q", p.lost, p.err, p.data)
			}
		}
		if l.nfds != 0 {
			return fmt.Errorf("%d fds still tracked by the loop", l.nfds)
		}
		if n := l.timers.len(); n != 0 {
			return fmt.Errorf("%d timers left", n)
		}
		return nil
	})
}

// TestAcceptEMFILE runs a server in a child process whose fd limit lets
// it hold only a few connections. Accept fails with EMFILE; the server
// backs off instead of spinning and serves every client once fds free
// up.
func TestAcceptEMFILE(t *testing.T) {
	if os.Getenv("AIO_TEST_EMFILE_CHILD") == "1" {
		emfileChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptEMFILE$")
	cmd.Env = append(os.Environ(), "AIO_TEST_EMFILE_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killer := time.AfterFunc(ioWatchdog, func() { cmd.Process.Kill() })
	defer killer.Stop()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("child stderr:\n%s", stderr.String())
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	var port, room int
	if _, err := fmt.Sscanf(line, "PORT %d ROOM %d", &port, &room); err != nil {
		t.Fatalf("child said %q", line)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(ioWatchdog)
	const clients = 16
	conns := make([]net.Conn, clients)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(deadline)
		conns[i] = c
		fmt.Fprintf(c, "%02d", i)
	}
	// Connections are accepted in order, a few at a time: each echo
	// arrives once an earlier connection has gone.
	for i, c := range conns {
		buf := make([]byte, 2)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		if string(buf) != fmt.Sprintf("%02d", i) {
			t.Fatalf("client %d got %q", i, buf)
		}
		c.Close()
	}
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(deadline)
	io.WriteString(c, "stats")
	stats, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	var failures, accepted int
	if _, err := fmt.Sscanf(string(stats), "%d %d", &failures, &accepted); err != nil {
		t.Fatalf("stats %q", stats)
	}
	t.Logf("room for %d connections; %d accept back-offs; %d accepted", room, failures, accepted)
	if room >= clients {
		t.Fatalf("the child had room for %d connections: no EMFILE", room)
	}
	if failures < 1 {
		t.Fatalf("accept never failed: the limit did not bite")
	}
	if failures > 200 {
		t.Fatalf("%d accept failures: the listener spins", failures)
	}
	if accepted != clients+1 {
		t.Fatalf("accepted %d, want %d", accepted, clients+1)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
}

// emfileChild is the server of TestAcceptEMFILE.
func emfileChild() {
	l, err := NewLoop(NoSignalHandlers(), WithExceptionHandler(func(*Loop, ExceptionContext) {}))
	if err != nil {
		panic(err)
	}
	accepted := 0
	var srv *Server
	_, err = RunUntilComplete(l, CreateTask(l, func(t *Task) (struct{}, error) {
		var err error
		srv, err = CreateServer(t, func() *recProto {
			accepted++
			return &recProto{onData: func(p *recProto, b []byte) {
				if string(p.data) == "stats" {
					p.tr.Write(fmt.Appendf(nil, "%d %d", srv.listeners[0].failures, accepted))
					p.tr.Close()
					srv.Close()
					return
				}
				if len(p.data) == 2 {
					p.tr.Write(p.data)
				}
			}}
		}, "tcp", "127.0.0.1:0", Backlog(64))
		if err != nil {
			return struct{}{}, err
		}
		// Let through exactly room more fds: the limit is the fd number
		// after the room-th free one (fds may be open above it).
		ents, _ := os.ReadDir("/proc/self/fd")
		open := map[int]bool{}
		for _, e := range ents {
			if n, err := strconv.Atoi(e.Name()); err == nil {
				open[n] = true
			}
		}
		const room = 3
		k := 0
		for free := 0; ; k++ {
			if !open[k] {
				if free++; free == room {
					break
				}
			}
		}
		var lim unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
		lim.Cur = uint64(k + 1)
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
			return struct{}{}, err
		}
		fmt.Printf("PORT %d ROOM %d\n", srv.Addr().(*net.TCPAddr).Port, room)
		return struct{}{}, srv.ServeForever(t)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	l.Close()
	os.Exit(0)
}

func TestServeMultiLoop(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	var made atomic.Int64
	ms, err := ServeMultiLoop(func() *recProto { made.Add(1); return &recProto{echo: true} },
		"tcp", "127.0.0.1:0", Loops(2), LockOSThread(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Loops()) != 2 {
		t.Fatalf("%d loops", len(ms.Loops()))
	}
	const clients = 32
	var conns []net.Conn
	for i := range clients {
		c, err := net.DialTimeout("tcp", ms.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(ioWatchdog))
		conns = append(conns, c)
		msg := fmt.Sprintf("client %02d", i)
		io.WriteString(c, msg)
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
			t.Fatalf("echo: %q, %v", buf, err)
		}
	}
	var per []int
	sum := 0
	for i, l := range ms.Loops() {
		srv := ms.Servers()[i]
		cf, err := RunCoroutineThreadsafe(l, func(t *Task) (int, error) { return srv.Connections(), nil })
		if err != nil {
			t.Fatal(err)
		}
		n, err := cf.ResultTimeout(ioWatchdog)
		if err != nil {
			t.Fatal(err)
		}
		per = append(per, n)
		sum += n
	}
	t.Logf("connections per loop: %v", per)
	if sum != clients || made.Load() != clients {
		t.Fatalf("%d connections on the loops, %d protocols, want %d", sum, made.Load(), clients)
	}
	// Graceful shutdown closes the clients' connections: they read EOF.
	ctx, cancel := context.WithTimeout(context.Background(), ioWatchdog)
	defer cancel()
	if err := ms.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Fatalf("after Shutdown: %d, %v", n, err)
		}
		c.Close()
	}
	select {
	case <-ms.Done():
	default:
		t.Fatal("Done not closed after Shutdown")
	}
	if c, err := net.DialTimeout("tcp", ms.Addr().String(), 5*time.Second); err == nil {
		c.Close()
		t.Fatal("still accepting after Shutdown")
	}
	ms.Close() // again: nothing more
}

func TestServeMultiLoopErrors(t *testing.T) {
	if _, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "unix", "/tmp/x.sock"); err == nil {
		t.Fatal("multi-loop Unix server accepted")
	}
	if _, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", "256.0.0.1:0"); err == nil {
		t.Fatal("bad address accepted")
	}
	// Two MultiServers may share a port only by asking for it: the first
	// sets SO_REUSEPORT, so a plain listener is refused.
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", "127.0.0.1:0", Loops(1))
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	if ln, err := net.Listen("tcp", ms.Addr().String()); err == nil {
		ln.Close()
		t.Fatal("a listener without SO_REUSEPORT shared the port")
	}
	if !strings.HasPrefix(ms.Addr().String(), "127.0.0.1:") {
		t.Fatalf("addr %v", ms.Addr())
	}
}
