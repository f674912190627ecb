//go:build linux

// Command idleconns measures what an idle keep-alive connection costs an
// HTTP server of bench/web: it opens -conns connections, makes one GET /
// on each and keeps them open, and reports the growth of the server's
// resident memory (VmRSS of -pid) per connection.
//
//	idleconns -addr 127.0.0.1:PORT -pid SERVERPID [-conns 10000] [-name NAME]
//
// Before measuring it warms the server up with 100 connections (one
// request each, then closed) and lets it settle for a second; after
// opening the connections it waits two seconds, reads the RSS, then
// checks that every connection is still open (a server that closed
// some counts them as errors). It needs an fd limit above -conns (Go
// raises its soft limit to the hard one; run.sh raises the hard one when
// it can). It prints one RESULT line (bench/web/report).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/bench/web/procstat"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server address")
	pid := flag.Int("pid", 0, "server pid")
	conns := flag.Int("conns", 10000, "idle connections to open")
	name := flag.String("name", "?", "server name for the RESULT line")
	scenario := flag.String("scenario", "", "scenario name for the RESULT line")
	flag.Parse()
	if err := run(*addr, *pid, *conns, *name, *scenario); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
}

func run(addr string, pid, n int, name, scenario string) error {
	if pid == 0 {
		return errors.New("-pid is required")
	}
	if scenario == "" {
		scenario = fmt.Sprintf("%d idle keep-alive conns", n)
	}
	warm, err := openMany(addr, 100)
	closeAll(warm)
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	rss0, err := procstat.RSSKiB(pid)
	if err != nil {
		return err
	}
	var all []net.Conn
	defer func() { closeAll(all) }()
	for len(all) < n {
		cs, err := openMany(addr, min(1000, n-len(all)))
		all = append(all, cs...)
		if err != nil {
			return fmt.Errorf("after %d connections: %w", len(all), err)
		}
	}
	time.Sleep(2 * time.Second)
	rss1, err := procstat.RSSKiB(pid)
	if err != nil {
		return err
	}
	closed := countClosed(all)
	fmt.Printf("RESULT name=%s scenario=%q unit=KiB/conn rate=%.3f errors=%d rss0_kib=%d rss1_kib=%d\n",
		name, scenario, float64(rss1-rss0)/float64(n), closed, rss0, rss1)
	return nil
}

// openMany opens k connections at once, each having made one GET /
// and read its whole response.
func openMany(addr string, k int) ([]net.Conn, error) {
	conns := make([]net.Conn, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i := range k {
		wg.Go(func() { conns[i], errs[i] = openOne(addr) })
	}
	wg.Wait()
	var ok []net.Conn
	var first error
	failed := 0
	for i, c := range conns {
		if c != nil {
			ok = append(ok, c)
		} else if failed++; first == nil {
			first = errs[i]
		}
	}
	if failed > 0 {
		return ok, fmt.Errorf("%d of %d connections failed, the first: %w", failed, k, first)
	}
	return ok, nil
}

func openOne(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")); err != nil {
		c.Close()
		return nil, err
	}
	// Every server answers with a 13-byte body last: read until it is in.
	var got []byte
	buf := make([]byte, 1024)
	for !bytes.HasSuffix(got, []byte("\r\n\r\nHello, World!")) {
		n, err := c.Read(buf)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("reading the response (%q so far): %w", got, err)
		}
		got = append(got, buf[:n]...)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// countClosed counts the connections the server has closed: a read
// that does not time out at once found EOF or an error.
func countClosed(conns []net.Conn) int {
	var closed atomic.Int64
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			var b [1]byte
			_, err := c.Read(b[:])
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				closed.Add(1)
			}
		})
	}
	wg.Wait()
	return int(closed.Load())
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		c.Close()
	}
}
