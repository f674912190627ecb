package web

import (
	"strconv"
	"strings"
)

// byteRange is one satisfiable range of a representation: length bytes
// from start.
type byteRange struct{ start, length int64 }

// contentRange is the Content-Range value of r within size bytes.
func (r byteRange) contentRange(size int64) string {
	return "bytes " + strconv.FormatInt(r.start, 10) + "-" +
		strconv.FormatInt(r.start+r.length-1, 10) + "/" + strconv.FormatInt(size, 10)
}

// maxRanges bounds the ranges one Range header may list: a request for
// thousands of tiny ranges costs the server far more than it saves.
const maxRanges = 100

// rangeOutcome says what to do with a Range header.
type rangeOutcome uint8

const (
	rangeIgnore        rangeOutcome = iota // serve the whole representation (200)
	rangePartial                           // serve the one range (206)
	rangeUnsatisfiable                     // 416 with Content-Range: bytes */size
)

// parseRange reads a Range header value (RFC 9110 section 14.2) against
// a representation of size bytes. A value that is malformed, names a
// unit other than bytes, lists too many ranges, or asks for several
// ranges that do not merge into one is ignored, as the RFC allows: the
// client gets the whole representation. Ranges that overlap or touch are
// merged first, so "0-99,100-199" is served as one range.
func parseRange(h string, size int64) (byteRange, rangeOutcome) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return byteRange{}, rangeIgnore
	}
	var merged byteRange
	n, satisfiable := 0, 0
	for part := range strings.SplitSeq(spec, ",") {
		if n++; n > maxRanges {
			return byteRange{}, rangeIgnore
		}
		r, ok, sat := parseRangeSpec(strings.Trim(part, " \t"), size)
		if !ok {
			return byteRange{}, rangeIgnore
		}
		if !sat {
			continue
		}
		if satisfiable++; satisfiable == 1 {
			merged = r
			continue
		}
		if r.start > merged.start+merged.length || merged.start > r.start+r.length {
			return byteRange{}, rangeIgnore // disjoint: not worth multipart
		}
		end := max(merged.start+merged.length, r.start+r.length)
		merged.start = min(merged.start, r.start)
		merged.length = end - merged.start
	}
	if satisfiable == 0 {
		return byteRange{}, rangeUnsatisfiable
	}
	return merged, rangePartial
}

// parseRangeSpec parses one "first-last", "first-" or "-suffix". ok is
// false for a malformed spec; sat is false for a well-formed spec that
// lies wholly past the end.
func parseRangeSpec(s string, size int64) (r byteRange, ok, sat bool) {
	first, last, found := strings.Cut(s, "-")
	if !found {
		return r, false, false
	}
	if first == "" {
		n, ok := parseDigits(last)
		if !ok {
			return r, false, false
		}
		if n == 0 || size == 0 {
			return r, true, false
		}
		n = min(n, size)
		return byteRange{size - n, n}, true, true
	}
	start, ok := parseDigits(first)
	if !ok {
		return r, false, false
	}
	end := size - 1
	if last != "" {
		e, ok := parseDigits(last)
		if !ok || e < start {
			return r, false, false
		}
		end = min(e, size-1)
	}
	if start >= size {
		return r, true, false
	}
	return byteRange{start, end - start + 1}, true, true
}

// parseDigits parses a non-empty run of ASCII digits that fits an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
