package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// benchResult is the report of a run, as "aio bench -json" prints it.
// Requests counts the complete responses, whatever their status; a
// request that failed otherwise is in Errors only.
type benchResult struct {
	URL            string            `json:"url"`
	Connections    int               `json:"connections"`
	Loops          int               `json:"loops"`
	Pipeline       int               `json:"pipeline"`
	TargetRate     float64           `json:"target_rate,omitempty"`
	Seconds        float64           `json:"duration_s"`
	Requests       uint64            `json:"requests"`
	RequestsPerSec float64           `json:"requests_per_sec"`
	BytesRead      uint64            `json:"bytes_read"`
	BytesWritten   uint64            `json:"bytes_written"`
	ReadPerSec     float64           `json:"read_bytes_per_sec"`
	Status         map[string]uint64 `json:"status"` // by class: "2xx", "5xx"
	Errors         map[string]uint64 `json:"errors"` // every kind, zeros included
	Latency        benchLatency      `json:"latency_ns"`
	Histogram      []benchBar        `json:"histogram"`
}

// benchLatency holds the latency figures in nanoseconds. Quantiles are
// within 1% of the exact values; Min and Max are exact.
type benchLatency struct {
	Min    int64   `json:"min"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	P50    int64   `json:"p50"`
	P90    int64   `json:"p90"`
	P99    int64   `json:"p99"`
	P999   int64   `json:"p99_9"`
	Max    int64   `json:"max"`
}

// benchBar is one row of the latency histogram: the responses with a
// latency in [From, To) nanoseconds.
type benchBar struct {
	From  int64  `json:"from_ns"`
	To    int64  `json:"to_ns"`
	Count uint64 `json:"count"`
}

func newBenchResult(cfg *benchConfig, s *benchStats) *benchResult {
	secs := s.elapsed.Seconds()
	r := &benchResult{
		URL: cfg.url.String(), Connections: cfg.conns, Loops: cfg.loops, Pipeline: cfg.depth,
		TargetRate: cfg.rate, Seconds: secs, Requests: s.responses,
		BytesRead: s.bytesRead, BytesWritten: s.bytesWritten,
		Status: map[string]uint64{}, Errors: map[string]uint64{},
	}
	if secs > 0 {
		r.RequestsPerSec = float64(s.responses) / secs
		r.ReadPerSec = float64(s.bytesRead) / secs
	}
	for class, n := range s.status {
		if n > 0 {
			r.Status[strconv.Itoa(class)+"xx"] = n
		}
	}
	for k, n := range s.errors {
		r.Errors[kindNames[k]] = n
	}
	h := &s.hist
	r.Latency = benchLatency{
		Min: h.Min(), Mean: h.Mean(), Stddev: h.Stddev(),
		P50: h.Quantile(0.5), P90: h.Quantile(0.9), P99: h.Quantile(0.99), P999: h.Quantile(0.999),
		Max: h.Max(),
	}
	r.Histogram = []benchBar{}
	if h.Count() > 0 {
		edges := barEdges(h.Min(), h.Max())
		below := h.CountBelow(edges[0])
		for i := 1; i < len(edges); i++ {
			next := h.CountBelow(edges[i])
			if i == len(edges)-1 {
				next = h.Count() // the last bar takes the maximum itself
			}
			r.Histogram = append(r.Histogram, benchBar{edges[i-1], edges[i], next - below})
			below = next
		}
	}
	return r
}

// barEdges returns the 1-2-5 steps (1µs, 2µs, 5µs, 10µs, ...) from the
// last one at or below lo to the first one above hi.
func barEdges(lo, hi int64) []int64 {
	step := func(i int) int64 { // the i-th 1-2-5 value from 1 ns
		v := int64([3]int{1, 2, 5}[i%3])
		for range i / 3 {
			v *= 10
		}
		return v
	}
	i := 0
	for step(i+1) <= lo && i < 54 {
		i++
	}
	edges := []int64{step(i)}
	for edges[len(edges)-1] <= hi && i < 54 {
		i++
		edges = append(edges, step(i))
	}
	return edges
}

func (r *benchResult) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *benchResult) writeText(w io.Writer) {
	fmt.Fprintf(w, "aio bench %s\n", r.URL)
	loops := "loop"
	if r.Loops > 1 {
		loops = "loops"
	}
	fmt.Fprintf(w, "  %d connections on %d %s, %d in flight each", r.Connections, r.Loops, loops, r.Pipeline)
	if r.TargetRate > 0 {
		fmt.Fprintf(w, ", paced at %g req/s", r.TargetRate)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  requests   %d in %.2fs: %.1f req/s\n", r.Requests, r.Seconds, r.RequestsPerSec)
	fmt.Fprintf(w, "  transfer   %s read (%s/s), %s written\n",
		formatBytes(float64(r.BytesRead)), formatBytes(r.ReadPerSec), formatBytes(float64(r.BytesWritten)))
	var status []string
	for class := range 10 {
		if n, ok := r.Status[strconv.Itoa(class)+"xx"]; ok {
			status = append(status, fmt.Sprintf("%dxx %d", class, n))
		}
	}
	if len(status) == 0 {
		status = []string{"none"}
	}
	fmt.Fprintf(w, "  responses  %s\n", strings.Join(status, ", "))
	var errs []string
	for _, k := range kindNames {
		errs = append(errs, fmt.Sprintf("%s %d", k, r.Errors[k]))
	}
	fmt.Fprintf(w, "  errors     %s\n", strings.Join(errs, ", "))
	if r.Requests == 0 {
		return
	}
	l := r.Latency
	fmt.Fprintf(w, "  latency    mean %s, stddev %s, min %s\n",
		formatNs(int64(l.Mean)), formatNs(int64(l.Stddev)), formatNs(l.Min))
	fmt.Fprintf(w, "             p50 %s, p90 %s, p99 %s, p99.9 %s, max %s\n",
		formatNs(l.P50), formatNs(l.P90), formatNs(l.P99), formatNs(l.P999), formatNs(l.Max))
	fmt.Fprintln(w, "  histogram")
	var most uint64
	for _, b := range r.Histogram {
		most = max(most, b.Count)
	}
	for _, b := range r.Histogram {
		bar := strings.Repeat("#", int((b.Count*40+most-1)/most))
		fmt.Fprintf(w, "    %8s - %-8s %10d %6.2f%% %s\n", formatNs(b.From), formatNs(b.To),
			b.Count, 100*float64(b.Count)/float64(r.Requests), bar)
	}
}

// formatNs writes a duration in ns with three significant digits.
func formatNs(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Microsecond:
		return strconv.FormatInt(ns, 10) + "ns"
	case d < time.Millisecond:
		return sig3(float64(ns)/1e3) + "µs"
	case d < time.Second:
		return sig3(float64(ns)/1e6) + "ms"
	}
	return sig3(d.Seconds()) + "s"
}

// sig3 formats v with three significant digits (more for v >= 1000).
func sig3(v float64) string {
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
