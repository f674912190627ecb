//go:build linux

package aio_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"golang.org/x/sys/unix"
)

// echoLines is a stream handler that echoes lines until the end.
func echoLines(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
	defer w.Close()
	for line, err := range r.Lines(tk) {
		if err != nil {
			return err
		}
		w.Write(line)
		if err := w.Drain(tk); err != nil {
			return err
		}
	}
	return nil
}

// TestServeStreamsMultiLoop serves streams on two loops to clients on
// plain goroutines.
func TestServeStreamsMultiLoop(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	m, err := aio.ServeStreamsMultiLoop(echoLines, "tcp4", "127.0.0.1:0", aio.Loops(2))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i := range 8 {
		c, err := net.Dial("tcp4", m.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		msg := "hello " + strconv.Itoa(i) + "\n"
		fmt.Fprint(c, msg)
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || got != msg {
			t.Fatalf("echo = %q, %v; want %q", got, err, msg)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestStreamIdleMemory measures what an idle stream connection costs: a
// server's connection whose handler waits in ReadLine. The clients are
// raw sockets, which cost no Go memory. AIO_IDLE_CONNS sets the count
// (default 1000; the fd limit bounds it, two per connection). The bound
// checked is loose (16 KiB): the number is reported for the record.
func TestStreamIdleMemory(t *testing.T) {
	n := 1000
	if s := os.Getenv("AIO_IDLE_CONNS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		n = 100
	}
	waiting := 0
	var heapPer, stackPer float64
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			waiting++
			_, err := r.ReadLine(tk)
			waiting--
			if errors.Is(err, aio.ErrCancelled) {
				return err
			}
			return nil
		}, "tcp4", "127.0.0.1:0", aio.Backlog(n))
		if err != nil {
			return err
		}
		defer srv.Close()
		sa := &unix.SockaddrInet4{Port: srv.Addr().(*net.TCPAddr).Port, Addr: [4]byte{127, 0, 0, 1}}
		heap0, stack0 := inUse()
		clients := make([]int, 0, n)
		defer func() {
			for _, fd := range clients {
				unix.Close(fd)
			}
		}()
		for len(clients) < n {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			clients = append(clients, fd)
			if err := unix.Connect(fd, sa); err != nil {
				return err
			}
			if len(clients)%256 == 0 { // accept as we go: the backlog is bounded
				if err := waitFor(tk, func() bool { return waiting == len(clients) }); err != nil {
					return err
				}
			}
		}
		if err := waitFor(tk, func() bool { return waiting == n }); err != nil {
			return err
		}
		heap1, stack1 := inUse()
		heapPer = float64(heap1-heap0) / float64(n)
		stackPer = float64(stack1-stack0) / float64(n)
		for _, fd := range clients {
			unix.Close(fd)
		}
		clients = nil
		if err := waitFor(tk, func() bool { return srv.Connections() == 0 }); err != nil {
			return err
		}
		srv.Close()
		return srv.WaitClosed(tk)
	})
	perConn := heapPer + stackPer
	t.Logf("%d idle stream connections: %.0f bytes each (HeapInuse %.0f + StackInuse %.0f)", n, perConn, heapPer, stackPer)
	if perConn > 16<<10 {
		t.Errorf("an idle stream connection costs %.0f bytes, want under 16 KiB", perConn)
	}
}

func inUse() (heap, stack int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse), int64(ms.StackInuse)
}

// waitFor lets the loop run until cond holds.
func waitFor(tk *aio.Task, cond func() bool) error {
	for !cond() {
		if err := aio.Sleep(tk, 0); err != nil {
			return err
		}
	}
	return nil
}
