//go:build linux

package web_test

import (
	"bytes"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// An idle keep-alive connection costs at most 1 KiB of the server's heap:
// no goroutine, no buffer, no task (the bound is 1 KiB of RSS for
// each of 10,000). The clients are raw sockets, so the Go heap measured
// is the server's.
func TestIdleConnectionMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2000 connections")
	}
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("WEB_IDLE_CONNS")); err == nil {
		n = v // for a measurement of RSS at 10,000 (needs the fd limit)
	}
	app := web.NewApp()
	app.Get("/", text("hi"))
	s := webtest.NewServer(t, app)
	ap := netip.MustParseAddrPort(s.Addr())
	sa := &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 4096)
	connect := func() int {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 20})
		if err := unix.Connect(fd, sa); err != nil {
			t.Fatal(err)
		}
		if _, err := unix.Write(fd, req); err != nil {
			t.Fatal(err)
		}
		for got := []byte{}; !bytes.HasSuffix(got, []byte("hi")); {
			m, err := unix.Read(fd, buf)
			if err != nil || m <= 0 {
				t.Fatalf("reading the answer: %d %v", m, err)
			}
			got = append(got, buf[:m]...)
		}
		return fd
	}
	fds := make([]int, 0, n+1)
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	fds = append(fds, connect()) // warm the loop's pools
	before, rss := heapInUse(), vmRSS()
	for range n {
		fds = append(fds, connect())
	}
	per := (heapInUse() - before) / int64(n)
	t.Logf("%d idle keep-alive connections: %d bytes of heap and %d bytes of RSS each",
		n, per, (vmRSS()-rss)/int64(n))
	if per > 1024 {
		t.Errorf("%d bytes of heap per idle connection, want at most 1024", per)
	}
}

// vmRSS is the process's resident set in bytes (0 if unknown).
func vmRSS() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func heapInUse() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
