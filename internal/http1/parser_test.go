package http1

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func feedAll(t *testing.T, p *Parser, in string) (evs []Event, body string, err error) {
	t.Helper()
	b := []byte(in)
	for {
		n, ev, chunk, err := p.Feed(b)
		b = b[n:]
		if err != nil {
			return evs, body, err
		}
		if ev == EventNone {
			return evs, body, nil
		}
		if ev == EventBody && len(chunk) == 0 {
			t.Fatal("empty body event") // would loop forever
		}
		evs = append(evs, ev)
		body += string(chunk)
	}
}

// Each rejection branch, with the exact error value it must give.
func TestRejections(t *testing.T) {
	const h = "Host: a\r\n"
	long := strings.Repeat("a", 100)
	small := Config{MaxRequestLine: 32, MaxHeaderBytes: 64, MaxHeaders: 2, MaxBodySize: 10}
	tests := []struct {
		name string
		mode Mode
		cfg  Config
		in   string
		want *Error
	}{
		{"bare CR in value", Requests, Config{}, "GET / HTTP/1.1\r\nA: b\rc\r\n", errBareCR},
		{"bare CR in name", Requests, Config{}, "GET / HTTP/1.1\r\nA\rb: c\r\n", errBareCR},
		{"bare LF", Requests, Config{}, "GET / HTTP/1.1\n", errBareLF},
		{"bare LF in headers", Requests, Config{}, "GET / HTTP/1.1\r\nA: b\n", errBareLF},
		{"empty lines", Requests, Config{}, strings.Repeat("\r\n", maxEmptyLines+1), errEmptyLines},
		{"method", Requests, Config{}, "G@T / HTTP/1.1\r\n", errMethod},
		{"empty method", Requests, Config{}, " / HTTP/1.1\r\n", errMethod},
		{"no space", Requests, Config{}, "GET\r\n", errRequestLine},
		{"HTTP/0.9", Requests, Config{}, "GET /\r\n", errHTTP09},
		{"bad target, no version", Requests, Config{}, "GET /\x01\r\n", errTarget},
		{"target CTL", Requests, Config{}, "GET /\x7f HTTP/1.1\r\n", errTarget},
		{"target non-ASCII", Requests, Config{}, "GET /\xc3\xa9 HTTP/1.1\r\n", errTarget},
		{"two spaces", Requests, Config{}, "GET  / HTTP/1.1\r\n", errTarget},
		{"asterisk not OPTIONS", Requests, Config{}, "GET * HTTP/1.1\r\n", errTarget},
		{"relative target", Requests, Config{}, "GET a/b HTTP/1.1\r\n", errTarget},
		{"CONNECT origin-form", Requests, Config{}, "CONNECT / HTTP/1.1\r\n", errTarget},
		{"CONNECT no port", Requests, Config{}, "CONNECT h: HTTP/1.1\r\n", errTarget},
		{"CONNECT port", Requests, Config{}, "CONNECT h:4x HTTP/1.1\r\n", errTarget},
		{"version token", Requests, Config{}, "GET / HTTP/1.10\r\n", errVersionToken},
		{"version case", Requests, Config{}, "GET / http/1.1\r\n", errVersionToken},
		{"space after version", Requests, Config{}, "GET / HTTP/1.1 \r\n", errVersionToken},
		{"HTTP/2", Requests, Config{}, "GET / HTTP/2.0\r\n", errVersion},
		{"HTTP/2 preface", Requests, Config{}, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", errVersion},
		{"empty name", Requests, Config{}, "GET / HTTP/1.1\r\n: b\r\n", errFieldName},
		{"no colon", Requests, Config{}, "GET / HTTP/1.1\r\nAb\r\n", errFieldName},
		{"space in name", Requests, Config{}, "GET / HTTP/1.1\r\nA b: c\r\n", errFieldName},
		{"space before colon", Requests, Config{}, "GET / HTTP/1.1\r\nA : c\r\n", errSpaceColon},
		{"tab before colon", Requests, Config{}, "GET / HTTP/1.1\r\nA\t: c\r\n", errSpaceColon},
		{"value CTL", Requests, Config{}, "GET / HTTP/1.1\r\nA: b\x01\r\n", errFieldValue},
		{"value NUL", Requests, Config{}, "GET / HTTP/1.1\r\nA: \x00\r\n", errFieldValue},
		{"value DEL", Requests, Config{}, "GET / HTTP/1.1\r\nA: \x7f\r\n", errFieldValue},
		{"obs-fold", Requests, Config{}, "GET / HTTP/1.1\r\nA: b\r\n c\r\n", errObsFold},
		{"space before first field", Requests, Config{}, "GET / HTTP/1.1\r\n A: b\r\n", errLeadingSpace},
		{"no Host", Requests, Config{}, "GET / HTTP/1.1\r\n\r\n", errNoHost},
		{"two Hosts", Requests, Config{}, "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n", errTwoHosts},
		{"two Hosts 1.0", Requests, Config{}, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n", errTwoHosts},
		{"bad Host", Requests, Config{}, "GET / HTTP/1.1\r\nHost: a b\r\n", errBadHost},
		{"CL then TE", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n", errCLTE},
		{"TE then CL", Requests, Config{}, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n", errCLTE},
		{"CL letters", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: 1a\r\n", errCLBad},
		{"CL sign", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: +1\r\n", errCLBad},
		{"CL empty", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: \r\n", errCLBad},
		{"CL list", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n", errCLBad},
		{"CL 19 digits", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n", errCLBad},
		{"CL repeated", Requests, Config{}, "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n", errCLRepeated},
		{"TE not chunked", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n", errTEBad},
		{"TE empty", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: \r\n\r\n", errTEBad},
		{"TE chunked not last", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n", errTEBad},
		{"TE chunked twice", Requests, Config{}, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", errTEBad},
		{"TE chunked params", Requests, Config{}, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked;a=b\r\n", errTEBad},
		{"TE junk", Requests, Config{}, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked x\r\n", errTEBad},
		{"TE on 1.0", Requests, Config{}, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", errTE10},
		{"TE on 1.0 response", Responses, Config{}, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n", errTE10},
		{"chunk size", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nx\r\n", errChunkSize},
		{"chunk size overflow", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n8000000000000000\r\n", errChunkSize},
		{"chunk size junk", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1x\r\n", errChunkSize},
		{"chunk ext empty", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;\r\n", errChunkExt},
		{"chunk ext trailing space", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1 \r\n", errChunkExt},
		{"chunk ext space after name", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a \r\n", errChunkExt},
		{"chunk ext junk after name", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a b\r\n", errChunkExt},
		{"chunk ext junk then token", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a bc\r\n", errChunkExt},
		{"chunk ext no value", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a=\r\n", errChunkExt},
		{"chunk ext open quote", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a=\"b\r\n", errChunkExt},
		{"chunk ext bad escape", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a=\"\\\x01\"\r\n", errChunkExt},
		{"chunk ext CTL in quotes", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a=\"\x01\"\r\n", errChunkExt},
		{"chunk overrun", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", errChunkOverrun},
		{"chunk CR no LF", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1\r\na\rb", errChunkOverrun},
		{"chunk line bare LF", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1\n", errBareLF},
		{"trailer obs-fold", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n", errObsFold},
		{"request line limit", Requests, small, "GET /" + long + " HTTP/1.1\r\n", errURITooLong},
		{"request line limit, no LF", Requests, small, "GET /" + long, errURITooLong},
		{"header bytes limit", Requests, small, "GET / HTTP/1.1\r\nA: " + long + "\r\n", errHeadersTooLong},
		{"header bytes limit, no LF", Requests, small, "GET / HTTP/1.1\r\nA: " + long, errHeadersTooLong},
		{"header count limit", Requests, small, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n", errTooManyHeaders},
		{"body limit", Requests, small, "POST / HTTP/1.1\r\n" + h + "Content-Length: 11\r\n\r\n", errBodyTooLarge},
		{"chunked body limit", Requests, small, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n6\r\n", errBodyTooLarge},
		{"trailer bytes limit", Requests, small, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nA: " + long + "\r\n", errHeadersTooLong},
		{"chunk line limit", Requests, Config{}, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;a=" + strings.Repeat("b", maxChunkLine), errChunkLineLong},
		{"after close", Requests, Config{}, "GET / HTTP/1.1\r\n" + h + "Connection: close\r\n\r\nGET", errAfterClose},
		{"after 1.0", Requests, Config{}, "GET / HTTP/1.0\r\n\r\n\r\n", errAfterClose},
		{"status line short", Responses, Config{}, "HTTP/1.1 20\r\n", errStatusLine},
		{"status not digits", Responses, Config{}, "HTTP/1.1 2x0 OK\r\n", errStatusLine},
		{"status below 100", Responses, Config{}, "HTTP/1.1 099 OK\r\n", errStatusLine},
		{"status no space", Responses, Config{}, "HTTP/1.1 200OK\r\n", errStatusLine},
		{"status reason CTL", Responses, Config{}, "HTTP/1.1 200 O\x01K\r\n", errStatusLine},
		{"status version", Responses, Config{}, "HTTP/1.x 200 OK\r\n", errVersionToken},
		{"status version 2", Responses, Config{}, "HTTP/2.0 200 OK\r\n", errVersion},
		{"status not HTTP", Responses, Config{}, "ICE/1.1 200 OK\r\n", errStatusLine},
		{"status line limit", Responses, small, "HTTP/1.1 200 " + long + "\r\n", errStatusTooLong},
		{"response CL+TE", Responses, Config{}, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n", errCLTE},
		{"until-close body limit", Responses, small, "HTTP/1.1 200 OK\r\n\r\n0123456789x", errBodyTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, whole := range []bool{true, false} {
				var p Parser
				p.Init(tc.mode, tc.cfg)
				var err error
				if whole {
					_, _, err = feedAll(t, &p, tc.in)
				} else {
					for i := 0; i < len(tc.in) && err == nil; i++ {
						_, _, err = feedAll(t, &p, tc.in[i:i+1])
					}
				}
				if err != tc.want {
					t.Fatalf("whole=%v: err %v, want %v", whole, err, tc.want)
				}
				if _, _, again := feedAll(t, &p, "x"); again != tc.want {
					t.Fatalf("error not sticky: %v", again)
				}
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		err    *Error
		class  error
		status int
	}{
		{errBareCR, ErrSyntax, 400}, {errCLTE, ErrFraming, 400}, {errChunkExt, ErrFraming, 400},
		{errNoHost, ErrHost, 400}, {errURITooLong, ErrTooLarge, 414}, {errHeadersTooLong, ErrTooLarge, 431},
		{errTooManyHeaders, ErrTooLarge, 431}, {errBodyTooLarge, ErrTooLarge, 413}, {errVersion, ErrVersion, 505},
		{errEOF, io.ErrUnexpectedEOF, 400},
	} {
		var e *Error
		if !errors.As(error(tc.err), &e) || e.Status != tc.status || !errors.Is(tc.err, tc.class) {
			t.Errorf("%v: status %d class %v", tc.err, e.Status, tc.class)
		}
	}
	if s := errBareCR.Error(); s != "http1: bare CR" {
		t.Errorf("Error() = %q", s)
	}
}

// A line of exactly the limit passes; one byte more fails, whether its
// LF has come or not, whole or split.
func TestLimitBoundary(t *testing.T) {
	cfg := Config{MaxRequestLine: 32, MaxHeaderBytes: 40}
	line := func(n int) string { return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.1")) + " HTTP/1.1" }
	field := func(n int) string { return "A: " + strings.Repeat("v", n-len("A: ")-2) + "\r\n" } // n bytes with CRLF
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"request line at limit", line(32) + "\r\nHost: h\r\n\r\n", nil},
		{"request line over", line(33) + "\r\n", errURITooLong},
		{"request line over, CR pending", line(33) + "\r", errURITooLong},
		{"request line at limit, CR pending", line(32) + "\r", nil},
		{"request line over, no CR", line(32) + "x", errURITooLong},
		{"headers at limit", line(20) + "\r\nHost: h\r\n" + field(40-len("Host: h\r\n")-2) + "\r\n", nil},
		{"headers over", line(20) + "\r\nHost: h\r\n" + field(40-len("Host: h\r\n")-1) + "\r\n", errHeadersTooLong},
	} {
		for _, step := range []int{1, 1 << 20} {
			var p Parser
			p.Init(Requests, cfg)
			var err error
			for i := 0; i < len(tc.in) && err == nil; i += step {
				_, _, err = feedAll(t, &p, tc.in[i:min(i+step, len(tc.in))])
			}
			if err != tc.want {
				t.Errorf("%s (step %d): %v, want %v", tc.name, step, err, tc.want)
			}
		}
	}
}

// validValue agrees with the byte table for every byte at every position
// of a word and across words.
func TestValidValue(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 24; pos++ {
			for _, fill := range []byte{'a', 0x80, 0xff, ' '} {
				b := []byte(strings.Repeat(string(fill), 24))
				b[pos] = byte(c)
				if got, want := validValue(b), all(b, &isValue); got != want {
					t.Fatalf("byte %#x at %d in %#x: %v, want %v", c, pos, fill, got, want)
				}
			}
		}
	}
}
