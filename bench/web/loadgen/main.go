//go:build linux

// Command loadgen drives the benchmarks of bench/web and bench/client
// (run.sh in each calls it):
//
//	-mode wrk     runs wrk (-wrk, with the script -script) against -addr
//	              for -warmup, then again for -duration while sampling the
//	              server's CPU time (-pid), and prints a RESULT line:
//	              requests/s, p99 latency, server CPU per request.
//	-mode paced   its own load generator: -conns connections each keeping
//	              up to -depth requests in flight, new requests paced to
//	              -rate per second in total (0: as fast as answered), so
//	              that servers are compared at equal work. One thread, its
//	              own epoll, raw syscalls.
//	-mode check   waits up to 10 s for -addr to answer GET / with 200
//	              "Hello, World!", for run.sh to know a server is up.
//	-mode port    prints a free TCP port on 127.0.0.1.
//	-report FILE  prints FILE's RESULT lines as a markdown table of
//	              medians (package report) with ratios to -refs.
//
// The server's CPU time is utime+stime of -pid (all threads) from
// /proc/PID/stat, sampled at the start and end of the measured window.
// RESULT lines are in the format of bench/web/report.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aio-go/aio/bench/web/report"
)

var (
	mode     = flag.String("mode", "wrk", "wrk, paced, check or port")
	addr     = flag.String("addr", "127.0.0.1:8080", "server address (IPv4 host:port)")
	conns    = flag.Int("conns", 64, "connections")
	depth    = flag.Int("depth", 1, "requests in flight per connection (pipelined when > 1)")
	rate     = flag.Float64("rate", 0, "-mode paced: requests per second for all connections together (0: as fast as answered)")
	warmup   = flag.Duration("warmup", time.Second, "time before measuring")
	duration = flag.Duration("duration", 5*time.Second, "measured time")
	pid      = flag.Int("pid", 0, "server pid, for its CPU time")
	name     = flag.String("name", "?", "server name for the RESULT line")
	scenario = flag.String("scenario", "", "scenario name for the RESULT line (default: from the flags)")
	wrkPath  = flag.String("wrk", "wrk", "-mode wrk: the wrk binary")
	script   = flag.String("script", "wrk.lua", "-mode wrk: the wrk script (bench/web/wrk.lua)")
	reportF  = flag.String("report", "", "print this file's RESULT lines as a markdown table and exit")
	refs     = flag.String("refs", "raw,fasthttp", "-report: comma-separated names every row is divided by")
	layout   = flag.String("layout", "server", "-report: server (bench/web) or client (bench/client) headings")
)

func main() {
	flag.Parse()
	var err error
	switch {
	case *reportF != "":
		err = printReport(*reportF)
	case *mode == "wrk":
		err = runWrk()
	case *mode == "paced":
		err = runPaced()
	case *mode == "check":
		err = check(*addr, 10*time.Second)
	case *mode == "port":
		err = freePort()
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func scenarioName() string {
	if *scenario != "" {
		return *scenario
	}
	s := fmt.Sprintf("%d conns", *conns)
	if *depth > 1 {
		s += fmt.Sprintf(", %d pipelined", *depth)
	}
	if *rate > 0 {
		s += fmt.Sprintf(" at %.0f req/s", *rate)
	}
	return s
}

// check waits until addr answers GET / with 200 "Hello, World!".
func check(addr string, patience time.Duration) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(patience)
	for {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == 200 && string(body) == "Hello, World!" {
				return nil
			}
			return fmt.Errorf("GET http://%s/: status %d, body %q, %v", addr, resp.StatusCode, body, rerr)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not answering after %v: %w", addr, patience, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort prints a port nothing listens on now (the kernel's pick for
// port 0).
func freePort() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	return nil
}

func printReport(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := report.Load(f)
	if err != nil {
		return err
	}
	l := report.Layout{Name: "server", CPU: "server CPU per request", Server: "server CPU", Gen: "load generator CPU", Latency: true}
	if *layout == "client" {
		l = report.Layout{Name: "client", CPU: "client CPU per request", Server: "server CPU", Gen: "client CPU"}
	}
	if *refs != "" {
		l.Refs = strings.Split(*refs, ",")
	}
	t.Markdown(os.Stdout, l)
	return nil
}
