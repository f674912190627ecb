package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
	"golang.org/x/sys/unix"
)

// "aio bench URL" is an HTTP/1.1 load generator on aio's own loops and
// transports: the request is built once with http1.Writer, the responses
// are read by http1.Parser in Responses mode as they arrive, in protocol
// callbacks, with no goroutine or coroutine per request.

// benchConfig is a parsed "aio bench" command line.
type benchConfig struct {
	url      *url.URL
	addr     string // host:port to dial
	conns    int
	duration time.Duration // 0: until requests are done
	requests int64         // 0: until duration ends
	depth    int           // requests in flight per connection
	method   string
	request  []byte // the request, built once
	loops    int
	rate     float64 // requests per second over all connections; 0: as fast as answered
	timeout  time.Duration
	json     bool
	tls      *tls.Config // https: nil for http
	insecure bool        // -k: accept any server certificate
}

// Bounds of the bench flags.
const (
	maxConns          = 1 << 20
	maxDepth          = 1024
	defaultDuration   = 10 * time.Second
	defaultTimeout    = 10 * time.Second
	maxBodyFileSize   = 32 << 20 // half a transport's largest write buffer
	defaultBenchConns = 10
)

// headerFlags is the repeatable -H flag.
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ", ") }

func (h *headerFlags) Set(v string) error {
	*h = append(*h, v)
	return nil
}

func runBench(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseBench(args, stdout)
	if cfg == nil || err != nil {
		return err // help was printed, or the command line is bad
	}
	res, err := bench(cfg, progressWriter(stdout, stderr), nil)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if cfg.json {
		return res.writeJSON(stdout)
	}
	res.writeText(stdout)
	return nil
}

// progressWriter returns where the live progress line goes: stderr when
// stdout is a terminal, nowhere otherwise (a script reads the results).
func progressWriter(stdout, stderr io.Writer) io.Writer {
	f, ok := stdout.(*os.File)
	if !ok {
		return nil
	}
	// A terminal answers the termios request; /dev/null, also a character
	// device, does not.
	if _, err := unix.IoctlGetTermios(int(f.Fd()), getTermios); err != nil {
		return nil
	}
	return stderr
}

// parseBench parses the command line; it returns a nil config after
// printing the help.
func parseBench(args []string, stdout io.Writer) (*benchConfig, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	conns := fs.Int("c", defaultBenchConns, "")
	duration := fs.Duration("d", 0, "")
	requests := fs.Int64("n", 0, "")
	depth := fs.Int("p", 1, "")
	method := fs.String("m", "GET", "")
	var headers headerFlags
	fs.Var(&headers, "H", "")
	body := fs.String("body", "", "")
	bodyFile := fs.String("body-file", "", "")
	loops := fs.Int("loops", 1, "")
	rate := fs.Float64("R", 0, "")
	timeout := fs.Duration("timeout", defaultTimeout, "")
	jsonOut := fs.Bool("json", false, "")
	insecure := fs.Bool("k", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			benchUsage(stdout)
			return nil, nil
		}
		return nil, usagef("bench: %v (see 'aio bench -h')", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() == 0:
		return nil, usagef("bench: missing URL (see 'aio bench -h')")
	case fs.NArg() > 1:
		return nil, usagef("bench: unexpected argument %q after the URL (flags go before it)", fs.Arg(1))
	case *conns < 1 || *conns > maxConns:
		return nil, usagef("bench: -c must be between 1 and %d, not %d", maxConns, *conns)
	case *depth < 1 || *depth > maxDepth:
		return nil, usagef("bench: -p must be between 1 and %d, not %d", maxDepth, *depth)
	case *loops < 1 || *loops > maxLoops:
		return nil, usagef("bench: -loops must be between 1 and %d, not %d", maxLoops, *loops)
	case *duration < 0 || set["d"] && *duration == 0:
		return nil, usagef("bench: -d must be positive, not %v", *duration)
	case *requests < 0 || set["n"] && *requests == 0:
		return nil, usagef("bench: -n must be positive, not %d", *requests)
	case *rate < 0 || math.IsNaN(*rate) || math.IsInf(*rate, 0):
		return nil, usagef("bench: -R must be a positive rate in requests per second, not %v", *rate)
	case *timeout <= 0:
		return nil, usagef("bench: -timeout must be positive, not %v", *timeout)
	case set["body"] && set["body-file"]:
		return nil, usagef("bench: -body and -body-file exclude each other")
	}
	cfg := &benchConfig{
		conns: *conns, duration: *duration, requests: *requests, depth: *depth,
		method: *method, loops: *loops, rate: *rate, timeout: *timeout, json: *jsonOut,
	}
	if !set["d"] && !set["n"] {
		cfg.duration = defaultDuration
	}
	cfg.insecure = *insecure
	if err := cfg.setURL(fs.Arg(0)); err != nil {
		return nil, err
	}
	b := []byte(*body)
	if set["body-file"] {
		var err error
		if b, err = readBodyFile(*bodyFile); err != nil {
			return nil, err
		}
	}
	if err := cfg.buildRequest(headers, b); err != nil {
		return nil, err
	}
	// A loop beyond the connections (or the requests) would have nothing
	// to do.
	cfg.loops = min(cfg.loops, cfg.conns)
	if cfg.requests > 0 {
		cfg.loops = int(min(int64(cfg.loops), cfg.requests))
	}
	return cfg, nil
}

// setURL checks the target URL and sets the address to dial.
func (cfg *benchConfig) setURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return usagef("bench: bad URL %q: %v", raw, errors.Unwrap(err))
	}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
		cfg.tls = &tls.Config{ServerName: u.Hostname(), InsecureSkipVerify: cfg.insecure, NextProtos: []string{"http/1.1"}}
	default:
		return usagef("bench: URL %q: want http[s]://host[:port]/path", raw)
	}
	if u.Hostname() == "" || u.User != nil {
		return usagef("bench: URL %q: want http[s]://host[:port]/path", raw)
	}
	cfg.url = u
	cfg.addr = net.JoinHostPort(u.Hostname(), port)
	return nil
}

// dialOptions are the options of every connection: the connect timeout,
// and TLS for https (the handshake bounded by the same timeout).
func (cfg *benchConfig) dialOptions() []aio.NetOption {
	opts := []aio.NetOption{aio.ConnectTimeout(cfg.timeout)}
	if cfg.tls != nil {
		opts = append(opts, aio.WithTLS(cfg.tls), aio.TLSHandshakeTimeout(cfg.timeout))
	}
	return opts
}

func readBodyFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("bench: -body-file: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBodyFileSize+1))
	if err != nil {
		return nil, usagef("bench: -body-file: %v", err)
	}
	if len(b) > maxBodyFileSize {
		return nil, usagef("bench: -body-file %s: larger than %d MiB", name, maxBodyFileSize>>20)
	}
	return b, nil
}

// buildRequest makes the bytes of the request every connection sends:
// Host (unless -H gives one), the -H headers, and Content-Length when
// there is a body or the method usually has one.
func (cfg *benchConfig) buildRequest(headers []string, body []byte) error {
	var w http1.Writer
	if err := w.RequestLine(cfg.method, cfg.url.RequestURI()); err != nil {
		return usagef("bench: -m %q is not a valid method", cfg.method)
	}
	host := cfg.url.Host
	var fields [][2]string
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case !ok || name == "":
			return usagef("bench: -H %q: want \"Name: value\"", h)
		case strings.EqualFold(name, "Host"):
			host = value
			continue
		case strings.EqualFold(name, "Content-Length"), strings.EqualFold(name, "Transfer-Encoding"):
			return usagef("bench: -H %q: the body's framing is set from -body", h)
		}
		fields = append(fields, [2]string{name, value})
	}
	if err := w.Header("Host", host); err != nil {
		return usagef("bench: bad Host %q", host)
	}
	for _, f := range fields {
		if err := w.Header(f[0], f[1]); err != nil {
			return usagef("bench: -H %q: %v", f[0]+": "+f[1], err)
		}
	}
	switch cfg.method {
	case "POST", "PUT", "PATCH":
		w.ContentLength(int64(len(body)))
	default:
		if len(body) > 0 {
			w.ContentLength(int64(len(body)))
		}
	}
	w.EndHead()
	w.Body(body)
	if err := w.End(nil); err != nil {
		return usagef("bench: %v", err)
	}
	cfg.request = w.AppendTo(nil)
	return nil
}

func benchUsage(w io.Writer) {
	fmt.Fprint(w, `usage: aio bench [flags] URL

Load an HTTP/1.1 server at URL (http:// or https://) from aio's own
event loops and report requests per second, transfer rate, errors by
kind and the latency distribution. Each connection keeps -p requests in
flight (pipelining), sending the next as each response ends; with -R the
requests are paced and latency is measured from when each request was
due, not when it went out (no coordinated omission).

flags (with one dash or two):
  -c N              connections (default 10), spread over the loops
  -d duration       how long to run (default 10s, or until -n)
  -n N              number of requests to send (with -d, whichever ends first)
  -p N              requests in flight per connection (default 1, at most 1024)
  -m method         request method (default GET)
  -H "Name: value"  a request header; repeat for more (Host overrides the URL's)
  -body text        request body
  -body-file file   request body from a file
  -loops N          event loops, each on its own OS thread (default 1)
  -R rate           requests per second over all connections (default: as fast
                    as the server answers)
  -timeout d        a request not answered in d fails as a timeout, and so do
                    the others in flight on its connection; it also bounds
                    each connect (default 10s)
  -json             print the results as JSON
  -k                https: accept any server certificate (a self-signed test server)

Errors are counted by kind: connect, read (the connection broke or closed
with requests in flight), write, timeout, status (a response other than
2xx) and parse (a malformed response). A progress line goes to standard
error, once a second, when standard output is a terminal. Ctrl-C ends
the run early and prints what it measured.

examples:
  aio bench http://127.0.0.1:8000/
  aio bench -c 64 -d 30s -loops 2 http://127.0.0.1:8080/hello
  aio bench -n 100000 -p 16 http://127.0.0.1:8080/
  aio bench -R 20000 -c 100 -d 1m http://127.0.0.1:8080/   # latency at a fixed rate
  aio bench -m POST -H "Content-Type: application/json" -body '{"a":1}' http://127.0.0.1:8080/api
  aio bench -json -n 1000 http://127.0.0.1:8080/ | jq .requests_per_sec
  aio bench -k -c 32 https://127.0.0.1:8443/
`)
}

// formatBytes writes n bytes with a binary unit.
func formatBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(n, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(n, 'f', 2, 64) + " " + units[i]
}
