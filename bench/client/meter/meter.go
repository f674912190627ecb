//go:build linux

// Package meter measures an HTTP client for bench/client: each client
// program (net/http, fasthttp, aio) runs its workers, counts every
// completed request with [Meter.Done], and lets [Meter.Report] sample the
// count and the CPU times over a measured window and print one RESULT
// line (the format of bench/web/report).
package meter

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/bench/web/procstat"
)

// Config is what every client program of bench/client is told: see
// [Flags].
type Config struct {
	Name      string        // client name for the RESULT line
	Scenario  string        // scenario name for the RESULT line
	URL       string        // the URL every request GETs
	Conns     int           // requests in flight (one connection each)
	Warmup    time.Duration // time before measuring
	Duration  time.Duration // measured time
	ServerPID int           // the server's pid, for its CPU use (0: none)
}

// Flags registers the common flags on [flag.CommandLine] and returns
// the Config they fill in once flag.Parse has run.
func Flags(name string) *Config {
	c := &Config{}
	flag.StringVar(&c.Name, "name", name, "client name for the RESULT line")
	flag.StringVar(&c.Scenario, "scenario", "keep-alive", "scenario name for the RESULT line")
	flag.StringVar(&c.URL, "url", "http://127.0.0.1:8080/", "URL to GET")
	flag.IntVar(&c.Conns, "conns", 64, "requests in flight")
	flag.DurationVar(&c.Warmup, "warmup", time.Second, "time before measuring")
	flag.DurationVar(&c.Duration, "duration", 5*time.Second, "measured time")
	flag.IntVar(&c.ServerPID, "pid", 0, "server pid, for its CPU use")
	return c
}

// Meter counts completed and failed requests. Its methods may be called
// from any goroutine.
type Meter struct {
	done, failed atomic.Int64
	firstErr     sync.Once
}

// Done counts one completed request.
func (m *Meter) Done() { m.done.Add(1) }

// Fail counts one failed request; the first failure is printed on
// stderr.
func (m *Meter) Fail(err error) {
	m.failed.Add(1)
	m.firstErr.Do(func() { fmt.Fprintln(os.Stderr, "request failed:", err) })
}

// Body checks a response and counts it: done when the status is 200
// and the body is want, failed otherwise.
func (m *Meter) Body(status int, body []byte, want string) {
	if status != 200 || string(body) != want {
		m.Fail(fmt.Errorf("status %d, body %q", status, body))
		return
	}
	m.Done()
}

type sample struct {
	wall         time.Time
	done, failed int64
	self, server time.Duration
}

func (m *Meter) sample(pid int) sample {
	s := sample{wall: time.Now(), done: m.done.Load(), failed: m.failed.Load(), self: procstat.SelfCPU()}
	if pid != 0 {
		s.server, _ = procstat.CPU(pid)
	}
	return s
}

// Report sleeps through the warm-up, measures for c.Duration and prints
// the RESULT line: requests per second, this process's CPU per request
// and in percent of a core, the server's CPU in percent, and the failed
// requests. It blocks the calling goroutine for the whole time.
func (m *Meter) Report(c *Config) {
	time.Sleep(c.Warmup)
	s0 := m.sample(c.ServerPID)
	time.Sleep(c.Duration)
	s1 := m.sample(c.ServerPID)
	secs := s1.wall.Sub(s0.wall).Seconds()
	n := s1.done - s0.done
	cpuUS := 0.0
	if n > 0 {
		cpuUS = float64((s1.self - s0.self).Microseconds()) / float64(n)
	}
	fmt.Printf("RESULT name=%s scenario=%q unit=req/s rate=%.1f cpu_us=%.3f srv_pct=%.1f gen_pct=%.1f errors=%d\n",
		c.Name, c.Scenario, float64(n)/secs, cpuUS,
		100*(s1.server-s0.server).Seconds()/secs, 100*(s1.self-s0.self).Seconds()/secs, s1.failed-s0.failed)
}
