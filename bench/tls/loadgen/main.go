//go:build linux

// Command loadgen drives bench/tls: -conns TLS connections (crypto/tls
// over package net, a goroutine each), each sending a -size message and
// reading it back, one at a time, as fast as the server answers or, with
// -rate, paced so that all of them together send -rate messages a
// second. After -warmup it measures for -duration the messages echoed
// and the server's CPU time (utime+stime of -pid, from /proc), and
// prints one RESULT line in bench/echo's format, so that bench/echo's
// loadgen -report can tabulate it.
//
//	loadgen -addr 127.0.0.1:PORT -pid PID -conns 16 -size 64 -rate 20000
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/bench/tls/benchcert"
	"github.com/aio-go/aio/bench/web/procstat"
)

var (
	addr     = flag.String("addr", "127.0.0.1:9000", "server address")
	conns    = flag.Int("conns", 16, "connections")
	size     = flag.Int("size", 64, "message size in bytes")
	rate     = flag.Float64("rate", 0, "messages per second for all connections together (0: as fast as the server answers)")
	warmup   = flag.Duration("warmup", time.Second, "time before measuring")
	duration = flag.Duration("duration", 5*time.Second, "measured time")
	pid      = flag.Int("pid", 0, "server pid, for its CPU time")
	server   = flag.String("server", "?", "server name for the RESULT line")
	scenario = flag.String("scenario", "", "scenario name for the RESULT line (default: from the flags)")
)

func main() {
	flag.Parse()
	var echoed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	cfg := benchcert.Client()
	for i := range *conns {
		c, err := tls.Dial("tcp", *addr, cfg)
		if err != nil {
			fatal(fmt.Errorf("dial: %w", err))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			if err := run(c, i, &echoed, stop); err != nil {
				fatal(err)
			}
		}()
	}
	time.Sleep(*warmup)
	n0, cpu0, self0, t0 := echoed.Load(), cpuTime(*pid), procstat.SelfCPU(), time.Now()
	time.Sleep(*duration)
	n1, cpu1, self1, t1 := echoed.Load(), cpuTime(*pid), procstat.SelfCPU(), time.Now()
	close(stop)
	wg.Wait()
	count := float64(n1 - n0)
	secs := t1.Sub(t0).Seconds()
	srv := (cpu1 - cpu0).Seconds()
	sc := *scenario
	if sc == "" {
		sc = fmt.Sprintf("tls c%d s%d", *conns, *size)
	}
	fmt.Printf("RESULT server=%s scenario=%q rate=%.1f unit=msg/s cpu_us=%.3f server_cpu=%.1f client_cpu=%.1f\n",
		*server, sc, count/secs, srv*1e6/count, 100*srv/secs, 100*(self1-self0).Seconds()/secs)
}

// run sends a message and reads it back, again and again, until stop;
// paced, connection i starts at its own offset in the period so that
// the connections do not send in step.
func run(c *tls.Conn, i int, echoed *atomic.Int64, stop chan struct{}) error {
	msg := make([]byte, *size)
	back := make([]byte, *size)
	var period time.Duration
	next := time.Now()
	if *rate > 0 {
		period = time.Duration(float64(*conns) / *rate * float64(time.Second))
		next = next.Add(period * time.Duration(i) / time.Duration(*conns))
	}
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if period > 0 {
			if d := time.Until(next); d > 0 {
				time.Sleep(d)
			}
			next = next.Add(period)
		}
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, back); err != nil {
			return err
		}
		echoed.Add(1)
	}
}

// cpuTime is the utime+stime of process pid (0: none).
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	d, err := procstat.CPU(pid)
	if err != nil {
		fatal(err)
	}
	return d
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}
