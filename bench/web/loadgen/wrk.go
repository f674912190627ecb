//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/aio-go/aio/bench/web/procstat"
	"github.com/aio-go/aio/bench/web/report"
)

// runWrk runs wrk once to warm the server up and once measured, and
// prints the RESULT line of the measured run.
func runWrk() error {
	if *warmup > 0 {
		if _, _, err := wrk(*warmup); err != nil {
			return err
		}
	}
	cpu0, err := procstat.CPU(*pid)
	if err != nil {
		return err
	}
	t0 := time.Now()
	out, wrkCPU, err := wrk(*duration)
	if err != nil {
		return err
	}
	cpu1, err := procstat.CPU(*pid)
	if err != nil {
		return err
	}
	secs := time.Since(t0).Seconds()
	r, ok := report.Parse("RESULT " + string(out))
	requests, _ := r.Num("requests")
	wrkSecs, _ := r.Num("duration_us")
	wrkSecs /= 1e6
	if !ok || requests == 0 || wrkSecs == 0 {
		return fmt.Errorf("no requests done: wrk said %q", out)
	}
	srv := (cpu1 - cpu0).Seconds()
	// wrk times a pipelined batch as one request, from its write to each
	// response, then "corrects" for coordinated omission with the interval
	// of one response, adding samples below the smallest it recorded that
	// its percentiles then skip (they often come out 0): no p99 then.
	p99 := ""
	if *depth == 1 {
		p99 = " p99_us=" + r["p99_us"]
	}
	fmt.Printf("RESULT name=%s scenario=%q unit=req/s rate=%.1f%s cpu_us=%.3f srv_pct=%.1f gen_pct=%.1f errors=%s\n",
		*name, scenarioName(), requests/wrkSecs, p99, srv*1e6/requests,
		100*srv/secs, 100*wrkCPU.Seconds()/wrkSecs, r["errors"])
	return nil
}

// wrk runs wrk for d on one thread and returns the figures its script
// prints (after "WRK ") and its CPU time.
func wrk(d time.Duration) ([]byte, time.Duration, error) {
	cmd := exec.Command(*wrkPath, "-t1", fmt.Sprintf("-c%d", *conns),
		fmt.Sprintf("-d%ds", max(1, int(d.Round(time.Second)/time.Second))),
		"--timeout", "5s", "-s", *script, "http://"+*addr+"/", "--", fmt.Sprint(*depth))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	i := bytes.LastIndex(out, []byte("WRK "))
	if i < 0 {
		return nil, 0, fmt.Errorf("wrk printed no figures (script %s?):\n%s", *script, out)
	}
	line, _, _ := bytes.Cut(out[i+len("WRK "):], []byte("\n"))
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return line, time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
