package http1

import (
	"strings"
	"testing"
)

// wholeHead takes a plain head whole, and leaves everything else to the
// line-by-line path; either way the parse agrees with feeding the same
// bytes one at a time, which never takes the shortcut.
func TestWholeHead(t *testing.T) {
	small := Config{MaxRequestLine: 24, MaxHeaderBytes: 64, MaxHeaders: 3}
	long := strings.Repeat("v", 40)
	tests := []struct {
		name  string
		cfg   Config
		in    string
		taken bool // wholeHead takes the head, up to its empty line
	}{
		{"plain", Config{}, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", true},
		{"next request after", Config{}, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /", true},
		{"long values", Config{}, "GET /x HTTP/1.1\r\nHost: example.com\r\nUser-Agent: " + long + "\r\nX: caf\xc3\xa9 au lait\r\n\r\n", true},
		{"empty and blank values", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nE:\r\nB:   \r\n\r\n", true},
		{"body follows", Config{}, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok", true},
		{"at the limits", small, "GET /abcdefghi HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n", true},

		{"head not all here", Config{}, "GET / HTTP/1.1\r\nHost: a\r\n", false},
		{"request line not all here", Config{}, "GET / HTTP/1.", false},
		{"empty line first", Config{}, "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"HTAB in a value", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n", false},
		{"DEL in a long value", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nX: abcdef\x7fghijklm\r\n\r\n", false},
		{"DEL at a value's end", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", false},
		{"NUL in a value", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nX: abcdefgh\x00\r\n\r\n", false},
		{"bare LF", Config{}, "GET / HTTP/1.1\nHost: a\r\n\r\n", false},
		{"bare CR", Config{}, "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", false},
		{"bare CR for the empty line", Config{}, "GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n\r\n", false},
		{"obs-fold", Config{}, "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", false},
		{"space before colon", Config{}, "GET / HTTP/1.1\r\nHost : a\r\n\r\n", false},
		{"no Host", Config{}, "GET / HTTP/1.1\r\nX: a\r\n\r\n", false},
		{"two Hosts", Config{}, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false},
		{"CL and TE", Config{}, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", false},
		{"asterisk-form for OPTIONS only", Config{}, "GET * HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"HTTP/2.0", Config{}, "GET / HTTP/2.0\r\nHost: a\r\n\r\n", false},
		{"request line too long", small, "GET /abcdefghijk HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"too many fields", small, "GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\nD: 3\r\n\r\n", false},
		{"header section too long", small, "GET / HTTP/1.1\r\nHost: a\r\nB: " + long + "\r\nC: " + long + "\r\n\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			p.Init(Requests, tt.cfg)
			in := []byte(tt.in)
			want := 0
			if tt.taken {
				want = strings.Index(tt.in, "\r\n\r\n") + 4
			}
			if got := p.wholeHead(in); got != want {
				t.Errorf("wholeHead took %d bytes, want %d", got, want)
			}
			o := runOpts{mode: Requests, cfg: tt.cfg, finish: true}
			whole, bytewise := run(o, in, nil), run(o, in, everyByte(len(in)))
			if !sameTranscript(whole, bytewise) {
				t.Errorf("whole:\n%v\na byte at a time:\n%v", whole, bytewise)
			}
		})
	}
}
