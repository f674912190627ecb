package http1

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A typical browser GET with five header fields.
const getRequest = "GET /index.html?q=1 HTTP/1.1\r\n" +
	"Host: www.example.com\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n\r\n"

const chunkedRequest = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
	"5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n"

// parseAll feeds in (in pieces of size step) and returns the number of
// requests completed; it fails on any error.
func parseAll(p *Parser, in []byte, step int) int {
	done := 0
	for len(in) > 0 {
		piece := in[:min(step, len(in))]
		in = in[len(piece):]
		for {
			n, ev, _, err := p.Feed(piece)
			if err != nil {
				panic(err)
			}
			piece = piece[n:]
			if ev == EventEnd {
				done++
			}
			if ev == EventNone {
				break
			}
		}
	}
	return done
}

// Parsing allocates nothing once the parser's buffers have grown, whole
// or split, pipelined or chunked with trailers.
func TestParseAllocs(t *testing.T) {
	pipelined := []byte(strings.Repeat(getRequest, 16))
	for _, tc := range []struct {
		name string
		in   []byte
		step int
		want int
	}{
		{"GET", []byte(getRequest), 1 << 20, 1},
		{"GET split", []byte(getRequest), 7, 1},
		{"pipelined", pipelined, 1 << 20, 16},
		{"chunked", []byte(chunkedRequest), 1 << 20, 1},
		{"chunked split", []byte(chunkedRequest), 3, 1},
	} {
		var p Parser
		if got := parseAll(&p, tc.in, tc.step); got != tc.want {
			t.Fatalf("%s: %d requests, want %d", tc.name, got, tc.want)
		}
		allocs := testing.AllocsPerRun(100, func() {
			p.Reset()
			parseAll(&p, tc.in, tc.step)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per run", tc.name, allocs)
		}
	}
}

func buildResponse(w *Writer, d *Date, body []byte) [][]byte {
	w.Reset()
	w.StatusLine(200, "")
	w.Date(d)
	w.Header("Content-Type", "text/plain; charset=utf-8")
	w.HeaderBytes("Server", []byte("aio"))
	w.ContentLength(int64(len(body)))
	w.EndHead()
	w.Body(body)
	if err := w.End(nil); err != nil {
		panic(err)
	}
	bufs, err := w.Buffers()
	if err != nil {
		panic(err)
	}
	return bufs
}

func buildChunked(w *Writer, body []byte) [][]byte {
	w.Reset()
	w.StatusLine(200, "OK")
	w.Chunked()
	w.EndHead()
	w.Body(body)
	w.Body(body[:10])
	if err := w.End(Headers{{Name: []byte("T"), Value: []byte("v")}}); err != nil {
		panic(err)
	}
	bufs, _ := w.Buffers()
	return bufs
}

func TestWriterAllocs(t *testing.T) {
	var w Writer
	var d Date
	d.Update(time.Now())
	small, large := []byte("hello"), []byte(strings.Repeat("x", 4096))
	for name, f := range map[string]func(){
		"small":   func() { buildResponse(&w, &d, small) },
		"large":   func() { buildResponse(&w, &d, large) },
		"chunked": func() { buildChunked(&w, large) },
		"date":    func() { d.Update(time.Unix(1e9, 0)); d.Update(time.Unix(2e9, 0)) },
	} {
		f()
		if a := testing.AllocsPerRun(100, f); a != 0 {
			t.Errorf("%s: %v allocations per run", name, a)
		}
	}
}

func benchParse(b *testing.B, in []byte) {
	var p Parser
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		parseAll(&p, in, len(in))
	}
}

// reportCPU adds the process's CPU time per operation ("cpu-ns/op"), which
// a machine shared with other work inflates far less than ns/op.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkParseGET(b *testing.B)         { benchParse(b, []byte(getRequest)) }
func BenchmarkParsePipelined16(b *testing.B) { benchParse(b, []byte(strings.Repeat(getRequest, 16))) }
func BenchmarkParseShort16(b *testing.B) {
	benchParse(b, []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 16)))
}
func BenchmarkParseChunked(b *testing.B) { benchParse(b, []byte(chunkedRequest)) }

func BenchmarkWriteResponse(b *testing.B) {
	var w Writer
	var d Date
	d.Update(time.Now())
	body := []byte("hello, world")
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		buildResponse(&w, &d, body)
	}
}

// The same GET through net/http's ReadRequest, for a ratio measured in
// the same run.
func BenchmarkNetHTTPReadRequestGET(b *testing.B) {
	in := []byte(getRequest)
	r := bytes.NewReader(in)
	br := bufio.NewReader(r)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		r.Reset(in)
		br.Reset(r)
		if _, err := http.ReadRequest(br); err != nil {
			b.Fatal(err)
		}
	}
}
