package http1

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzSeeds are inputs for both fuzzers beside the llhttp corpus.
var fuzzSeeds = []string{
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nAccept: */*\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
	"POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"q\\\"\"\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
	"POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
	"CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n",
	"OPTIONS * HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
	"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nA: b\r\n\r\n",
	"HTTP/1.0 200 OK\r\n\r\nuntil close",
}

// seedAll adds the seeds and, when it is present, every llhttp case.
func seedAll(f *testing.F, add func(in []byte)) {
	for _, s := range fuzzSeeds {
		add([]byte(s))
	}
	for _, side := range []string{"request", "response"} {
		files, _ := filepath.Glob(filepath.Join(llhttpDir, side, "*.md"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, block := range strings.Split(string(data), "```http\n")[1:] {
				body, _, _ := strings.Cut(block, "\n```")
				add(corpusInput(strings.Split(body, "\n")))
			}
		}
	}
}

// fuzzConfigs are the limits a fuzz input picks from: the defaults and
// small ones, so the limit branches are reached.
var fuzzConfigs = []Config{
	{},
	{MaxRequestLine: 24, MaxHeaderBytes: 64, MaxHeaders: 3, MaxBodySize: 16},
}

// FuzzParser checks that the parser never panics, never reports bytes
// outside its input or EventNone with input left (run checks those), and
// gives the same transcript for the input whole, cut at random and fed a
// byte at a time. Whole, a request head takes wholeHead's one pass; a
// byte at a time, never: the two paths are compared on every input.
func FuzzParser(f *testing.F) {
	seedAll(f, func(in []byte) {
		f.Add(in, uint64(1), uint8(0))
		f.Add(in, uint64(2), uint8(3))
	})
	f.Fuzz(func(t *testing.T, in []byte, seed uint64, flags uint8) {
		o := runOpts{mode: Mode(flags & 1), cfg: fuzzConfigs[flags>>1&1], finish: flags&4 != 0, methods: []string{"GET", "HEAD", "CONNECT", "GET"}}
		whole := run(o, in, nil)
		r := rand.New(rand.NewPCG(seed, seed>>32))
		var cuts []int
		for i := 1; i < len(in); i++ {
			if r.IntN(4) == 0 {
				cuts = append(cuts, i)
			}
		}
		if split := run(o, in, cuts); !sameTranscript(split, whole) {
			t.Fatalf("cut at %v:\n%v\nwhole:\n%v", cuts, split, whole)
		}
		if bytewise := run(o, in, everyByte(len(in))); !sameTranscript(bytewise, whole) {
			t.Fatalf("fed a byte at a time:\n%v\nwhole:\n%v", bytewise, whole)
		}
	})
}

// FuzzDifferential compares the first request of the input with what
// net/http's ReadRequest makes of it. Where both accept, method, target,
// version, header fields and body must agree.
//
// Where one accepts and the other refuses, the difference is deliberate.
// Only net/http accepts: bare LF line ends, obs-fold, whitespace before a
// field's colon, identical repeated Content-Length, HTTP/x.y with x other
// than 1, non-ASCII bytes in the target, asterisk-form for methods other
// than OPTIONS, chunk extensions and trailers it checks lazily or not at
// all. (A missing Host is left out: ReadRequest leaves that check to its
// server, so this parser runs with Config.HostOptional here.) Only this parser accepts: empty lines before the request line (RFC
// 9112 §2.2; net/http's server skips them, ReadRequest does not) and
// Transfer-Encoding lists ending in chunked such as "gzip, chunked" (RFC
// 9112 §6.1; net/http takes chunked alone).
//
// The classes of disagreement left when both accept, and how they are
// compared:
//   - net/http keys headers by canonical name and moves Host out of the
//     map and Transfer-Encoding into a field: headers are compared as the
//     multiset of (canonical name, value) without those two.
//   - net/http ignores Transfer-Encoding on HTTP/1.0 (we refuse it), and
//     reads a CONNECT request's Content-Length body (RFC 9110 §9.3.6: a
//     CONNECT has none; the bytes are the tunnel's): bodies are compared
//     only for HTTP/1.1 requests other than CONNECT.
//   - net/http's body is compared only when it reads without error (its
//     chunked reader checks lazily, so an accepted head may have a body
//     net/http refuses).
func FuzzDifferential(f *testing.F) {
	seedAll(f, func(in []byte) { f.Add(in) })
	f.Fuzz(func(t *testing.T, in []byte) {
		o := runOpts{mode: Requests, finish: true, stopUpgrade: true, cfg: Config{HostOptional: true}}
		ours := run(o, in, nil)
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(in)))
		if err != nil || len(ours.msgs) == 0 {
			return
		}
		m := ours.msgs[0]
		if req.Method != m.method || req.RequestURI != m.target || req.ProtoMinor != m.minor {
			t.Fatalf("request line: net/http %q %q 1.%d, ours %q %q 1.%d", req.Method, req.RequestURI, req.ProtoMinor, m.method, m.target, m.minor)
		}
		var theirs []string
		for k, vs := range req.Header {
			for _, v := range vs {
				theirs = append(theirs, k+": "+v)
			}
		}
		var mine []string
		for _, h := range m.headers {
			name, v, _ := strings.Cut(h, ": ")
			name = textproto.CanonicalMIMEHeaderKey(name)
			if name != "Host" && name != "Transfer-Encoding" {
				mine = append(mine, name+": "+v)
			}
		}
		slices.Sort(theirs)
		slices.Sort(mine)
		if !slices.Equal(theirs, mine) {
			t.Fatalf("headers: net/http %q, ours %q", theirs, mine)
		}
		if m.minor == 0 || m.method == "CONNECT" || !m.complete {
			return
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		if err == nil && !bytes.Equal(body, m.body) {
			t.Fatalf("body: net/http %q, ours %q", body, m.body)
		}
	})
}

// everyByte returns the cuts that feed n bytes one at a time.
func everyByte(n int) []int {
	cuts := make([]int, 0, max(n-1, 0))
	for i := 1; i < n; i++ {
		cuts = append(cuts, i)
	}
	return cuts
}
