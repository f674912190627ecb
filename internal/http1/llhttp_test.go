package http1

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The llhttp test corpus (test/request and test/response of
// nodejs/llhttp), kept beside the project root.
const llhttpDir = "../../../shared/testdata/llhttp"

// A case of the corpus: a fenced http block (the input) and a log block
// (llhttp's callbacks for it).
type llCase struct {
	key   string // file (without .md) "/" heading
	typ   string // "request", "response-lenient-headers", ...
	meta  map[string]any
	input []byte
	log   []string
}

var metaRE = regexp.MustCompile(`<!--\s*meta=(\{.*\})\s*-->`)

func loadCorpus(t *testing.T, side string) []llCase {
	t.Helper()
	dir := filepath.Join(llhttpDir, side)
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			t.Skipf("llhttp corpus not present at %s (it lives in shared/testdata beside the project root)", dir)
		}
		t.Fatalf("no cases in %s", dir)
	}
	var cases []llCase
	seen := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var heading string
		var meta map[string]any
		var input []byte
		var block []string
		inBlock := ""
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := sc.Text()
			switch {
			case inBlock != "" && strings.HasPrefix(line, "```"):
				if inBlock == "http" {
					input = corpusInput(block)
				} else if meta != nil {
					key := strings.TrimSuffix(filepath.Base(f), ".md") + "/" + heading
					if seen[key]++; seen[key] > 1 {
						key += fmt.Sprintf(" #%d", seen[key])
					}
					cases = append(cases, llCase{key: key, typ: meta["type"].(string), meta: meta, input: input, log: block})
					meta = nil
				}
				inBlock, block = "", nil
			case inBlock != "":
				block = append(block, line)
			case strings.HasPrefix(line, "```http"):
				inBlock = "http"
			case strings.HasPrefix(line, "```log"):
				inBlock = "log"
			case strings.HasPrefix(line, "#"):
				heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
			case metaRE.MatchString(line):
				meta = map[string]any{}
				if err := json.Unmarshal([]byte(metaRE.FindStringSubmatch(line)[1]), &meta); err != nil {
					t.Fatalf("%s: meta %q: %v", f, line, err)
				}
			}
		}
	}
	return cases
}

// corpusInput applies the corpus's conventions: a backslash at the end of
// a line joins it to the next, every line ends in CRLF, and C-style
// escapes (\r \n \t \f, \xHH, octal \NNN) stand for bytes; any other
// backslash is itself (the corpus's \" is two bytes). Like llhttp's
// harness (a JavaScript string made into UTF-8 bytes), \xff is the
// code point U+00FF, two bytes.
func corpusInput(lines []string) []byte {
	s := strings.Join(lines, "\n")
	s = strings.ReplaceAll(s, "\\\n", "")
	s = strings.ReplaceAll(s, "\n", "\r\n")
	return unescape(s)
}

func unescape(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch e := s[i]; {
		case e == 'r':
			b = append(b, '\r')
		case e == 'n':
			b = append(b, '\n')
		case e == 't':
			b = append(b, '\t')
		case e == 'f':
			b = append(b, '\f')
		case e == 'x' && i+2 < len(s):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = utf8.AppendRune(b, rune(v))
			i += 2
		case '0' <= e && e <= '7':
			j := i
			for j < len(s) && j < i+3 && '0' <= s[j] && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 8)
			b = utf8.AppendRune(b, rune(v))
			i = j - 1
		default:
			b = append(b, '\\', e)
		}
	}
	return b
}

// llExpect is what llhttp's log says about a case.
type llExpect struct {
	msgs     []message // those whose head llhttp completed
	rejected bool      // an error other than a pause on an upgrade
	reason   string
}

var (
	spanRE    = regexp.MustCompile(`^len=(\d+) span\[(\w+)\]=(?:"(.*)"|(cr|lf|crlf))$`)
	finishRE  = regexp.MustCompile(`^finish=(\d+)$`)
	headersRE = regexp.MustCompile(`^headers complete (?:method=\d+|status=(\d+)) v=(\d+)/(\d+)`)
	errorRE   = regexp.MustCompile(`^error code=(\d+) reason="(.*)"$`)
)

func parseLog(c llCase) llExpect {
	var e llExpect
	var cur *message
	var name, value []byte
	var method, url, reason []byte
	var pending []string // header fields of the head being read
	headDone := false
	for _, line := range c.log {
		_, ev, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(line, "off=") {
			continue
		}
		switch {
		case ev == "message begin":
			cur, headDone = nil, false
			method, url, reason = nil, nil, nil
		case spanRE.MatchString(ev):
			m := spanRE.FindStringSubmatch(ev)
			n, _ := strconv.Atoi(m[1])
			v := spanValue(m[3], n)
			if m[4] != "" {
				v = []byte(map[string]string{"cr": "\r", "lf": "\n", "crlf": "\r\n"}[m[4]])
			}
			switch m[2] {
			case "method":
				method = append(method, v...)
			case "url":
				url = append(url, v...)
			case "status":
				reason = append(reason, v...)
			case "header_field":
				name = append(name, v...)
			case "header_value":
				value = append(value, v...)
			case "body":
				cur.body = append(cur.body, v...)
			}
		case ev == "header_value complete":
			f := string(name) + ": " + string(trimOWS(value))
			if headDone {
				cur.trailers = append(cur.trailers, f)
			} else {
				pending = append(pending, f)
			}
			name, value = nil, nil
		case headersRE.MatchString(ev):
			m := headersRE.FindStringSubmatch(ev)
			e.msgs = append(e.msgs, message{method: string(method), target: string(url), reason: string(reason), headers: pending})
			pending = nil
			cur, headDone = &e.msgs[len(e.msgs)-1], true
			cur.status, _ = strconv.Atoi(m[1])
			cur.minor, _ = strconv.Atoi(m[3])
		case ev == "message complete":
			if cur != nil {
				cur.complete = true
			}
		case finishRE.MatchString(ev):
			// llhttp_finish: 0 nothing pending, 1 the pending message
			// completed (its callback's code), 2 the input ended in the
			// middle of a message.
			switch m := finishRE.FindStringSubmatch(ev); m[1] {
			case "1":
				if cur != nil {
					cur.complete = true
				}
			case "2":
				e.rejected, e.reason = true, "finish in the middle of a message"
			}
		case errorRE.MatchString(ev):
			m := errorRE.FindStringSubmatch(ev)
			if m[1] == "22" || m[1] == "23" { // paused on CONNECT/Upgrade/PRI
				if cur != nil {
					cur.upgrade = true
				}
				continue
			}
			e.rejected, e.reason = true, m[2]
		}
	}
	return e
}

// spanValue decodes a log span: escaped like the input, and printed
// either as UTF-8 or byte-per-rune (latin1); len says which.
func spanValue(s string, n int) []byte {
	b := unescape(s)
	if len(b) == n {
		return b
	}
	var l []byte
	for _, r := range string(b) {
		l = append(l, byte(r))
	}
	return l
}

// llhttpDifferences lists, by case, where this parser deliberately
// decides otherwise than llhttp in its strict mode (accepts what llhttp
// rejects or the other way round), or where a lenient-mode case is
// accepted because the RFC allows it; each with the reason.
var llhttpDifferences = map[string]string{
	"request/invalid/HTTP protocol and ANNOUNCE method": "methods are extensible tokens (RFC 9110 §9.1); " +
		"no per-protocol method lists: the server answers 501 to a method it lacks",
	"request/invalid/Invalid method":            "MKCOLA is a token, so a valid method (RFC 9110 §9.1); the server answers 501",
	"request/method/M-SEARCH request":           "asterisk-form is for OPTIONS only (RFC 9112 §3.2.4); M-SEARCH * is SSDP, not HTTP",
	"request/method/SOURCE request with ICE":    "only HTTP/1.x is parsed: ICE/1.0 is another protocol",
	"request/method/OPTIONS request with RTSP":  "only HTTP/1.x is parsed: RTSP/1.0 is another protocol",
	"request/method/ANNOUNCE request with RTSP": "only HTTP/1.x is parsed: RTSP/1.0 is another protocol",
	"request/method/PRI request HTTP2":          "the HTTP/2 preface is no HTTP/1.1 request: refused (505) where llhttp pauses",
	"request/sample/No HTTP version":            "HTTP/0.9 (a request line without version) is refused",
	"response/sample/RTSP response":             "only HTTP/1.x is parsed: RTSP/1.1 is another protocol",
	"response/sample/ICE response":              "only HTTP/1.x is parsed: ICE/1.1 is another protocol",
	"response/sample/HTTP version 0.9":          "HTTP/0.9 had no status line; \"HTTP/0.9 200\" is refused (505)",
}

// llhttpEOF lists cases llhttp rejects in the middle of a line the input
// never finishes. This parser judges a line when its LF comes (so that any
// split gives the same result), so these inputs are incomplete, and
// rejected when the input ends ([Parser.Finish], io.ErrUnexpectedEOF). A
// server would close such a connection at its read timeout.
var llhttpEOF = map[string]bool{
	"request/content-length/Missing CRLF-CRLF before body":           true,
	"request/content-length/Missing CRLF-CRLF before body (lenient)": true,
	"request/invalid/Invalid HTTP version":                           true,
	"request/invalid/Invalid space after start line":                 true,
	"response/invalid/Invalid space after start line":                true,
}

// llhttpNotCompared lists cases whose verdict is checked but whose
// messages are not, with the reason.
var llhttpNotCompared = map[string]string{
	"request/content-length/Content-Length reset when no body is received": "skipBody is llhttp's " +
		"callback saying a message has no body; a request's body is what its head announces, so " +
		"the second request is read as the first one's body",
}

func TestLLHTTPRequests(t *testing.T)  { testCorpus(t, "request", Requests) }
func TestLLHTTPResponses(t *testing.T) { testCorpus(t, "response", Responses) }

func testCorpus(t *testing.T, side string, mode Mode) {
	cases := loadCorpus(t, side)
	hostless := 0
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			exp := parseLog(c)
			o := runOpts{mode: mode, finish: strings.HasSuffix(c.typ, "-finish"), stopUpgrade: true}
			if mode == Responses && c.meta["skipBody"] == true {
				for range 10 {
					o.methods = append(o.methods, "HEAD")
				}
			}
			got := run(o, c.input, nil)
			if got.err == errNoHost {
				// RFC 9112 §3.2 makes Host mandatory; most of the corpus
				// omits it. Rejecting is right; the rest of the case is
				// checked with Host optional.
				hostless++
				o.cfg.HostOptional = true
				got = run(o, c.input, nil)
			}
			if llhttpEOF[side+"/"+c.key] {
				if got.err != nil {
					t.Fatalf("listed in llhttpEOF but rejected before the end: %v", got.err)
				}
				o.finish = true
				if got = run(o, c.input, nil); !errors.Is(got.err, io.ErrUnexpectedEOF) {
					t.Fatalf("Finish: %v, want io.ErrUnexpectedEOF", got.err)
				}
			}
			wantReject := exp.rejected || strings.Contains(c.typ, "lenient")
			why, differs := llhttpDifferences[side+"/"+c.key]
			if differs {
				wantReject = !wantReject
			}
			if (got.err != nil) != wantReject {
				t.Fatalf("type %s, llhttp %s: got err %v, want rejection %v (%s)\ninput %q\ngot:\n%v\nllhttp:\n%+v",
					c.typ, verdict(exp), got.err, wantReject, why, c.input, got, exp.msgs)
			}
			cuts := make([]int, 0, len(c.input))
			for i := 1; i < len(c.input); i++ {
				cuts = append(cuts, i)
			}
			if split := run(o, c.input, cuts); !sameTranscript(split, got) {
				t.Fatalf("byte-at-a-time input differs:\n%v\nwhole:\n%v", split, got)
			}
			if wantReject && !exp.rejected || llhttpNotCompared[side+"/"+c.key] != "" {
				return // lenient: llhttp's log is of the lenient parse
			}
			compareMessages(t, got, exp, c)
		})
	}
	if mode == Requests {
		t.Logf("%d of %d cases lack the Host header HTTP/1.1 requires; rejected, then checked with Config.HostOptional", hostless, len(cases))
	}
	var listed []string
	for _, m := range []map[string]string{llhttpDifferences, llhttpNotCompared} {
		for k := range m {
			listed = append(listed, k)
		}
	}
	for k := range llhttpEOF {
		listed = append(listed, k)
	}
	for _, k := range listed {
		if strings.HasPrefix(k, side+"/") && !slices.ContainsFunc(cases, func(c llCase) bool { return side+"/"+c.key == k }) {
			t.Errorf("a table names no case: %q", k)
		}
	}
}

func verdict(e llExpect) string {
	if e.rejected {
		return "rejects: " + e.reason
	}
	return "accepts"
}

// compareMessages checks the messages llhttp parsed against ours: those
// it completed must match exactly; one it left partial (the input ended
// or an error came) must match in its head and the body so far.
func compareMessages(t *testing.T, got transcript, exp llExpect, c llCase) {
	t.Helper()
	if got.err == nil && !exp.rejected && len(got.msgs) != len(exp.msgs) {
		t.Fatalf("%d messages, llhttp %d\ngot:\n%v\nllhttp:\n%+v", len(got.msgs), len(exp.msgs), got, exp.msgs)
	}
	for i, e := range exp.msgs {
		if i >= len(got.msgs) {
			if e.complete && got.err == nil {
				t.Fatalf("message %d missing\ngot:\n%v\nllhttp:\n%+v", i, got, exp.msgs)
			}
			return
		}
		g := got.msgs[i]
		g.upgrade, e.upgrade = false, false
		if !e.complete {
			if !strings.HasPrefix(string(g.body), string(e.body)) {
				t.Fatalf("message %d body %q, llhttp so far %q", i, g.body, e.body)
			}
			g.body, e.body, g.complete, g.trailers = nil, nil, false, nil
		}
		if !equalMessage(g, e) {
			t.Fatalf("message %d:\ngot    %+v\nllhttp %+v\ninput %q", i, g, e, c.input)
		}
	}
}

func equalMessage(a, b message) bool {
	return a.method == b.method && a.target == b.target && a.minor == b.minor &&
		a.status == b.status && a.reason == b.reason && slices.Equal(a.headers, b.headers) &&
		string(a.body) == string(b.body) && slices.Equal(a.trailers, b.trailers) &&
		a.complete == b.complete && a.upgrade == b.upgrade
}

func sameTranscript(a, b transcript) bool {
	if !errors.Is(a.err, b.err) || !errors.Is(b.err, a.err) || len(a.msgs) != len(b.msgs) {
		return false
	}
	for i := range a.msgs {
		if !equalMessage(a.msgs[i], b.msgs[i]) {
			return false
		}
	}
	return true
}
