package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchRun runs "aio bench args..." in this process and returns its
// results.
func benchRun(t *testing.T, args ...string) *benchResult {
	t.Helper()
	cfg, err := parseBench(args, io.Discard)
	if err != nil || cfg == nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	res, err := bench(cfg, nil, nil)
	if err != nil {
		t.Fatalf("bench %q: %v", args, err)
	}
	return res
}

// countingServer is a net/http server that counts the requests it
// handled and answers with handler.
func countingServer(t *testing.T, handler http.HandlerFunc) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/path?q=1", &n
}

func ok(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }

// wantErrors checks the error counts, by kind (absent kinds must be 0).
func wantErrors(t *testing.T, r *benchResult, want map[string]uint64) {
	t.Helper()
	for _, k := range kindNames {
		if r.Errors[k] != want[k] {
			t.Errorf("errors %v, want %v", r.Errors, want)
			return
		}
	}
}

// -n sends exactly n requests, over any number of loops and connections.
func TestBenchRequestCountExact(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "1000", "-c", "4"},
		{"-n", "777", "-c", "5", "-loops", "2", "-p", "3"},
		{"-n", "3", "-c", "8", "-loops", "4"}, // fewer requests than connections and loops
	} {
		url, seen := countingServer(t, ok)
		r := benchRun(t, append(args, url)...)
		n := map[string]uint64{"1000": 1000, "777": 777, "3": 3}[args[1]]
		if r.Requests != n || uint64(seen.Load()) != n || r.Status["2xx"] != n || len(r.Status) != 1 {
			t.Errorf("%v: %d responses, %v, server saw %d; want %d", args, r.Requests, r.Status, seen.Load(), n)
		}
		wantErrors(t, r, nil)
		var inBars uint64
		for _, b := range r.Histogram {
			inBars += b.Count
		}
		if inBars != n || r.Latency.Min <= 0 || r.Latency.Max < r.Latency.P50 {
			t.Errorf("%v: histogram holds %d, latency %+v", args, inBars, r.Latency)
		}
		// What was written is n requests of the same size.
		if r.BytesWritten%n != 0 || r.BytesRead == 0 {
			t.Errorf("%v: %d bytes written, %d read", args, r.BytesWritten, r.BytesRead)
		}
	}
}

// Every response other than 2xx counts as a status error, by class.
func TestBenchStatusErrors(t *testing.T) {
	url, seen := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	r := benchRun(t, "-n", "50", "-c", "2", url)
	if r.Requests != 50 || r.Status["5xx"] != 50 || seen.Load() != 50 {
		t.Errorf("%d responses, status %v, server saw %d", r.Requests, r.Status, seen.Load())
	}
	wantErrors(t, r, map[string]uint64{"status": 50})
}

// The method, the headers and the body reach the server; Host from -H
// replaces the URL's; HEAD responses have no body whatever their
// Content-Length says.
func TestBenchRequestContent(t *testing.T) {
	type seen struct{ method, host, xa, ctype, body, target string }
	var mu sync.Mutex
	var got []seen
	url, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.Host, r.Header.Get("X-A"), r.Header.Get("Content-Type"), string(b), r.RequestURI})
		mu.Unlock()
		io.WriteString(w, "hello")
	})
	file := filepath.Join(t.TempDir(), "body")
	os.WriteFile(file, []byte("from a file"), 0o600)
	cases := []struct {
		args []string
		want seen
	}{
		{[]string{"-m", "POST", "-H", "X-A: 1", "-H", "Host: example.test", "-H", "Content-Type: text/plain", "-body", "abc"},
			seen{"POST", "example.test", "1", "text/plain", "abc", "/path?q=1"}},
		{[]string{"-m", "PUT", "-body-file", file}, seen{method: "PUT", body: "from a file", target: "/path?q=1"}},
		{[]string{"-m", "HEAD", "-p", "4"}, seen{method: "HEAD", target: "/path?q=1"}},
	}
	for _, c := range cases {
		mu.Lock()
		got = nil
		mu.Unlock()
		r := benchRun(t, append(c.args, "-n", "8", "-c", "2", url)...)
		if r.Requests != 8 {
			t.Errorf("%v: %d responses", c.args, r.Requests)
		}
		wantErrors(t, r, nil)
		mu.Lock() // the handlers ran before their responses came, but the race detector cannot see that
		got := slices.Clone(got)
		mu.Unlock()
		if len(got) != 8 {
			t.Fatalf("%v: the server saw %d requests", c.args, len(got))
		}
		for _, s := range got {
			if c.want.host == "" {
				s.host = ""
			}
			if s != c.want {
				t.Errorf("%v: server saw %+v, want %+v", c.args, s, c.want)
				break
			}
		}
	}
}

// A server that says Connection: close gets each request once: those
// pipelined behind the last response are sent again on a new connection.
func TestBenchConnectionClose(t *testing.T) {
	url, seen := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	r := benchRun(t, "-n", "40", "-c", "3", "-p", "4", url)
	if r.Requests != 40 || seen.Load() != 40 {
		t.Errorf("%d responses, server saw %d, want 40", r.Requests, seen.Load())
	}
	wantErrors(t, r, nil)
}

// rawServer serves each connection with serve on its own goroutine and
// returns the URL.
func rawServer(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second)) // a bound, not a pass/fail timing
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String() + "/"
}

// readHeads reads request heads from c and calls answer with the number
// of heads each read completed, until the client goes.
func readHeads(c net.Conn, answer func(heads int) bool) {
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		data := append(tail, buf[:n]...)
		heads := bytes.Count(data, []byte("\r\n\r\n"))
		if i := bytes.LastIndex(data, []byte("\r\n\r\n")); i >= 0 {
			data = data[i+4:]
		}
		tail = append([]byte(nil), data...)
		if heads > 0 && !answer(heads) {
			return
		}
	}
}

const okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// Each kind of server failure is counted as its kind, and -n still ends
// after n requests.
func TestBenchErrorKinds(t *testing.T) {
	closes := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { return false }) // read a request, close without answering
	})
	garbage := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"); return true })
	})
	notHTTP := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { io.WriteString(c, "SSH-2.0-OpenSSH\r\n\r\n"); return true })
	})
	midBody := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"); return false })
	})
	stalls := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { return true }) // never answers
	})
	cases := []struct {
		name string
		args []string
		want map[string]uint64
	}{
		{"closes", []string{"-n", "20", "-c", "2", closes}, map[string]uint64{"read": 20}},
		{"garbage", []string{"-n", "20", "-c", "2", garbage}, map[string]uint64{"parse": 20}},
		{"not http", []string{"-n", "5", "-c", "1", "-p", "5", notHTTP}, map[string]uint64{"parse": 5}},
		{"closes mid-body", []string{"-n", "6", "-c", "3", midBody}, map[string]uint64{"read": 6}},
		{"stalls", []string{"-n", "4", "-c", "2", "-p", "2", "-timeout", "100ms", stalls}, map[string]uint64{"timeout": 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := benchRun(t, c.args...)
			if r.Requests != 0 {
				t.Errorf("%d responses counted", r.Requests)
			}
			wantErrors(t, r, c.want)
		})
	}
}

// A response that runs until the server closes ends at the close.
func TestBenchResponseUntilClose(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		readHeads(c, func(int) bool { io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nuntil the end"); return false })
	})
	r := benchRun(t, "-n", "6", "-c", "2", url)
	if r.Requests != 6 || r.Status["2xx"] != 6 {
		t.Errorf("%d responses, %v", r.Requests, r.Status)
	}
	wantErrors(t, r, nil)
}

// With -p N a connection has exactly N requests in flight: the server
// answers only once N are waiting, so fewer would stall (and time out),
// and it records the most it ever saw waiting.
func TestBenchPipelineDepth(t *testing.T) {
	for _, depth := range []int{1, 8} {
		var most atomic.Int64
		url := rawServer(t, func(c net.Conn) {
			waiting := 0
			readHeads(c, func(heads int) bool {
				waiting += heads
				if int64(waiting) > most.Load() {
					most.Store(int64(waiting))
				}
				if waiting >= depth {
					io.WriteString(c, strings.Repeat(okResponse, waiting))
					waiting = 0
				}
				return true
			})
		})
		n := 4 * depth
		r := benchRun(t, "-n", strconv.Itoa(n), "-c", "1", "-p", strconv.Itoa(depth), "-timeout", "2s", url)
		if r.Requests != uint64(n) || most.Load() != int64(depth) {
			t.Errorf("-p %d: %d responses, at most %d requests waiting at the server", depth, r.Requests, most.Load())
		}
		wantErrors(t, r, nil)
	}
}

// With -R, latency counts from when a request was due: requests held up
// behind a slow response show the wait (no coordinated omission).
func TestBenchRateCorrectsCoordinatedOmission(t *testing.T) {
	const hold = 300 * time.Millisecond
	var first atomic.Bool
	url := rawServer(t, func(c net.Conn) {
		readHeads(c, func(heads int) bool {
			if !first.Swap(true) {
				time.Sleep(hold) // the first response is late
			}
			io.WriteString(c, strings.Repeat(okResponse, heads))
			return true
		})
	})
	// Ten requests due 10 ms apart; all but the first wait for it.
	r := benchRun(t, "-R", "100", "-n", "10", "-c", "1", url)
	if r.Requests != 10 {
		t.Fatalf("%d responses", r.Requests)
	}
	wantErrors(t, r, nil)
	// Request k was due at k×10 ms and answered after the first, at 300
	// ms or later: every latency is at least 300-90 ms, whatever the
	// machine's speed.
	if min := time.Duration(r.Latency.Min); min < hold-100*time.Millisecond {
		t.Errorf("smallest latency %v: the wait behind the late response is not counted", min)
	}
	// Paced: ten requests 10 ms apart take at least 90 ms.
	if r.Seconds < 0.09 {
		t.Errorf("-R 100 -n 10 took %.3fs", r.Seconds)
	}
}

// A run for a duration ends by itself; one stopped from outside (as by
// SIGINT) reports what it measured.
func TestBenchDurationAndStop(t *testing.T) {
	url, _ := countingServer(t, ok)
	r := benchRun(t, "-d", "200ms", "-c", "2", url)
	if r.Requests == 0 || r.Seconds < 0.2 {
		t.Errorf("-d 200ms: %d responses in %.3fs", r.Requests, r.Seconds)
	}
	wantErrors(t, r, nil)

	cfg, err := parseBench([]string{"-d", "1h", "-c", "2", "-loops", "2", url}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctl := &benchControl{stop: make(chan struct{}), ready: make(chan struct{})}
	go func() {
		<-ctl.ready
		close(ctl.stop)
	}()
	res, err := bench(cfg, nil, ctl)
	if err != nil {
		t.Fatal(err)
	}
	wantErrors(t, res, nil) // requests in flight at the stop are not errors
}

// The JSON output has every field, with the counts adding up.
func TestBenchJSON(t *testing.T) {
	url, _ := countingServer(t, ok)
	out, errs, code := runCommand(t, "bench", "-json", "-n", "200", "-c", "2", "-p", "2", url)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	num := func(v any) float64 {
		n, ok := v.(json.Number)
		if !ok {
			t.Fatalf("%v is not a number in %s", v, out)
		}
		f, _ := n.Float64()
		return f
	}
	for _, k := range []string{"connections", "loops", "pipeline", "duration_s", "requests", "requests_per_sec",
		"bytes_read", "bytes_written", "read_bytes_per_sec"} {
		num(m[k])
	}
	if m["url"] != url || num(m["requests"]) != 200 || num(m["connections"]) != 2 || num(m["pipeline"]) != 2 {
		t.Errorf("header fields: %s", out)
	}
	errsMap, _ := m["errors"].(map[string]any)
	for _, k := range kindNames {
		if num(errsMap[k]) != 0 {
			t.Errorf("errors: %v", errsMap)
		}
	}
	if st, _ := m["status"].(map[string]any); num(st["2xx"]) != 200 {
		t.Errorf("status: %v", st)
	}
	lat, _ := m["latency_ns"].(map[string]any)
	prev := 0.0
	for _, k := range []string{"min", "p50", "p90", "p99", "p99_9", "max"} {
		if v := num(lat[k]); v < prev || v <= 0 {
			t.Errorf("latency %s = %v after %v", k, v, prev)
		} else {
			prev = v
		}
	}
	num(lat["mean"])
	num(lat["stddev"])
	bars, _ := m["histogram"].([]any)
	total := 0.0
	for _, b := range bars {
		bar := b.(map[string]any)
		if num(bar["from_ns"]) >= num(bar["to_ns"]) {
			t.Errorf("bar %v", bar)
		}
		total += num(bar["count"])
	}
	if total != 200 {
		t.Errorf("the histogram holds %v responses", total)
	}
}

// The text report has each section.
func TestBenchText(t *testing.T) {
	url, _ := countingServer(t, ok)
	out, errs, code := runCommand(t, "bench", "-n", "100", url)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"aio bench " + url, "requests   100 in ", "req/s", "transfer ", "responses  2xx 100",
		"errors     connect 0, read 0, write 0, timeout 0, status 0, parse 0", "p99.9 ", "histogram\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// An unreachable target is one line and exit status 1.
func TestBenchUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, loops := range []string{"1", "2"} {
		out, errs, code := runCommand(t, "bench", "-n", "10", "-c", "4", "-loops", loops, "http://"+addr+"/")
		want := "aio: bench: dial tcp " + addr + ": connect: connection refused\n"
		if code != 1 || out != "" || errs != want {
			t.Errorf("-loops %s: exit %d, stdout %q, stderr %q; want %q", loops, code, out, errs, want)
		}
	}
}

func TestBenchCommandLine(t *testing.T) {
	for _, args := range [][]string{{"bench", "-h"}, {"bench", "--help"}, {"help", "bench"}} {
		out, errs, code := runCommand(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: aio bench") || !strings.Contains(out, "examples:") {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	u := "http://127.0.0.1:1/"
	cases := []struct {
		args []string
		want string
	}{
		{nil, "aio: bench: missing URL"},
		{[]string{u, "x"}, `unexpected argument "x"`},
		{[]string{"-c", "0", u}, "-c must be between 1 and"},
		{[]string{"-p", "0", u}, "-p must be between 1 and 1024, not 0"},
		{[]string{"-p", "2000", u}, "-p must be between 1 and 1024, not 2000"},
		{[]string{"-loops", "0", u}, "-loops must be between 1 and 1024"},
		{[]string{"-n", "0", u}, "-n must be positive"},
		{[]string{"-n", "-5", u}, "-n must be positive"},
		{[]string{"-d", "0s", u}, "-d must be positive"},
		{[]string{"-d", "x", u}, `invalid value "x" for flag -d`},
		{[]string{"-R", "-1", u}, "-R must be a positive rate"},
		{[]string{"-timeout", "0s", u}, "-timeout must be positive"},
		{[]string{"-body", "a", "-body-file", "f", u}, "-body and -body-file exclude each other"},
		{[]string{"-body-file", "/nonexistent/x", u}, "-body-file: open /nonexistent/x"},
		{[]string{"ftp://127.0.0.1/"}, "want http[s]://"},
		{[]string{"ftp://127.0.0.1/"}, "want http[s]://host[:port]/path"},
		{[]string{"http:///nohost"}, "want http[s]://host[:port]/path"},
		{[]string{"http://[::1/"}, "bad URL"},
		{[]string{"-H", "novalue", u}, `-H "novalue": want "Name: value"`},
		{[]string{"-H", "Content-Length: 3", u}, "framing is set from -body"},
		{[]string{"-H", "Bad Name: 3", u}, "invalid header field name"},
		{[]string{"-m", "GE T", u}, `-m "GE T" is not a valid method`},
		{[]string{"-nope", u}, "flag provided but not defined: -nope"},
	}
	for _, c := range cases {
		out, errs, code := runCommand(t, append([]string{"bench"}, c.args...)...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || strings.Count(errs, "aio:") != 1 ||
			!strings.Contains(errs, c.want) {
			t.Errorf("aio bench %s: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q",
				strings.Join(c.args, " "), code, out, errs, c.want)
		}
	}
}

func TestBarEdgesAndFormat(t *testing.T) {
	got := barEdges(150_000, 1_200_000)
	want := []int64{100_000, 200_000, 500_000, 1_000_000, 2_000_000}
	if !slices.Equal(got, want) {
		t.Errorf("barEdges = %v, want %v", got, want)
	}
	for ns, want := range map[int64]string{999: "999ns", 1500: "1.50µs", 25_300: "25.3µs", 999_000: "999µs",
		1_234_567: "1.23ms", 2_500_000_000: "2.50s"} {
		if got := formatNs(ns); got != want {
			t.Errorf("formatNs(%d) = %q, want %q", ns, got, want)
		}
	}
}

// The progress line goes to stderr only when stdout is a terminal.
func TestBenchProgressOnlyOnTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var stderr bytes.Buffer
	for _, f := range []io.Writer{w, null, &stderr} {
		if progressWriter(f, &stderr) != nil {
			t.Errorf("progress shown with stdout %v", f)
		}
	}
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	defer pty.Close()
	if progressWriter(pty, &stderr) != &stderr {
		t.Error("no progress on a terminal")
	}
}

// Each tick prints the counts so far on one line, which the end clears.
func TestBenchProgressLine(t *testing.T) {
	cs := &counters{}
	cs.responses.Store(1500)
	cs.errors.Store(3)
	tick := make(chan time.Time)
	done := make(chan struct{})
	var out bytes.Buffer
	finished := make(chan struct{})
	go func() {
		watch(done, nil, nil, nil, tick, &out, cs, time.Now(), func() { t.Error("stopped") })
		close(finished)
	}()
	tick <- time.Now()
	cs.responses.Store(2000)
	tick <- time.Now()
	close(done)
	<-finished
	want := "\r    0s        1500 responses       1500/s       3 errors " +
		"\r    0s        2000 responses        500/s       3 errors " +
		"\r" + strings.Repeat(" ", 60) + "\r"
	if out.String() != want {
		t.Errorf("progress output %q, want %q", out.String(), want)
	}
}

// A server that goes away mid-run: failed connects use up requests, so
// -n still ends, and every request is accounted for.
func TestBenchServerGoesAway(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		c, err := ln.Accept()
		ln.Close() // one connection only
		if err != nil {
			return
		}
		defer c.Close()
		readHeads(c, func(heads int) bool {
			_, err := io.WriteString(c, strings.Repeat(okResponse, heads))
			return err == nil
		})
	}()
	r := benchRun(t, "-n", "40", "-c", "3", "http://"+ln.Addr().String()+"/")
	if r.Requests+r.Errors["connect"]+r.Errors["read"] != 40 || r.Errors["connect"] == 0 || r.Requests == 0 {
		t.Errorf("%d responses, errors %v: want 40 in all, some answered, some failed connects", r.Requests, r.Errors)
	}
	for _, k := range []string{"write", "timeout", "status", "parse"} {
		if r.Errors[k] != 0 {
			t.Errorf("errors %v", r.Errors)
		}
	}
}

// A response nobody asked for is a parse error.
func TestBenchUnsolicitedResponse(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		readHeads(c, func(heads int) bool {
			io.WriteString(c, strings.Repeat(okResponse+okResponse, heads)) // two answers each
			return true
		})
	})
	r := benchRun(t, "-n", "5", "-c", "1", url)
	if r.Errors["parse"] == 0 || r.Requests == 0 {
		t.Errorf("%d responses, errors %v: want the extra responses counted as parse errors", r.Requests, r.Errors)
	}
}

// fastServer answers every request head with okResponse, allocating
// nothing per request, so that the process's allocation count measures
// the client's.
func fastServer(t *testing.T) string {
	return rawServer(t, func(c net.Conn) {
		buf := make([]byte, 64<<10)
		out := []byte(strings.Repeat(okResponse, 1024))
		matched := 0
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			heads := 0
			for _, b := range buf[:n] {
				switch {
				case b == "\r\n\r\n"[matched]:
					matched++
				case b == '\r':
					matched = 1
				default:
					matched = 0
				}
				if matched == 4 {
					heads++
					matched = 0
				}
			}
			for heads > 0 {
				k := min(heads, 1024)
				if _, err := c.Write(out[:k*len(okResponse)]); err != nil {
					return
				}
				heads -= k
			}
		}
	})
}

// The client allocates nothing per request once its connections are
// made: what a run allocates does not grow with its number of requests.
func TestBenchAllocations(t *testing.T) {
	url := fastServer(t)
	allocs := func(n int) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := benchRun(t, "-n", strconv.Itoa(n), "-c", "4", "-p", "4", url)
		runtime.ReadMemStats(&after)
		if r.Requests != uint64(n) {
			t.Fatalf("%d responses, errors %v", r.Requests, r.Errors)
		}
		return after.Mallocs - before.Mallocs
	}
	allocs(1000) // warm up pools
	small, large := allocs(2000), allocs(40000)
	// 38000 more requests; allow a few hundred allocations of runtime
	// noise (timers, the server's goroutines growing their stacks).
	if large > small+500 {
		t.Errorf("2000 requests: %d allocations; 40000: %d", small, large)
	}
}

// SIGINT ends a run early, with its results.
func TestBenchCommandInterrupted(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	url, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		ok(w, r)
	})
	cmd := command(t, "bench", "-d", "1h", "-json", url)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started: // the first request has come, so SIGINT is caught
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no request came; stderr %q", errb.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil || errb.Len() != 0 {
		t.Fatalf("after SIGINT: %v, stderr %q", err, errb.String())
	}
	var r benchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Requests == 0 || r.Seconds > 600 {
		t.Errorf("results %+v (%v) from %s", r, err, out.String())
	}
}

// Large bodies, pipelined: sending pauses while the transport's buffer
// is full, so that it never passes its hard limit, and every body
// arrives whole.
func TestBenchLargeBodies(t *testing.T) {
	const size = 9 << 20 // eight in flight exceed the 64 MiB write buffer limit
	var bad atomic.Int64
	url, seen := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n != size {
			bad.Add(1)
		}
		ok(w, r)
	})
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, bytes.Repeat([]byte("x"), size), 0o600); err != nil {
		t.Fatal(err)
	}
	r := benchRun(t, "-m", "POST", "-body-file", file, "-n", "16", "-c", "1", "-p", "8", url)
	if r.Requests != 16 || seen.Load() != 16 || bad.Load() != 0 {
		t.Errorf("%d responses, server saw %d, %d bodies cut", r.Requests, seen.Load(), bad.Load())
	}
	wantErrors(t, r, nil)
}

// https: the same exact count over TLS, with -k for the test server's
// self-signed certificate; without -k the certificate is refused and
// the run fails at its first connect.
func TestBenchHTTPS(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		ok(w, r)
	}))
	t.Cleanup(srv.Close)
	r := benchRun(t, "-k", "-n", "300", "-c", "3", "-p", "4", srv.URL+"/")
	if r.Requests != 300 || n.Load() != 300 || r.Status["2xx"] != 300 {
		t.Errorf("https: %d responses, %v, server saw %d; want 300", r.Requests, r.Status, n.Load())
	}
	wantErrors(t, r, nil)
	cfg, err := parseBench([]string{"-n", "1", "-timeout", "5s", srv.URL + "/"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bench(cfg, nil, nil); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("https without -k against a self-signed server: %v, want a certificate error", err)
	}
}
