package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// validators are what conditional requests compare against: an entity
// tag (quoted, possibly W/-prefixed) and a modification time, either of
// which may be absent.
type validators struct {
	etag    string
	modTime time.Time
}

// fileETag is the strong entity tag of a file's content as its size and
// modification time describe it (the form aiohttp and nginx use):
// cheap, and it changes whenever a write changes either.
func fileETag(modTime time.Time, size int64) string {
	return `"` + strconv.FormatInt(modTime.UnixNano(), 16) + "-" + strconv.FormatInt(size, 16) + `"`
}

// preconditions evaluates the conditional headers of a request in the
// order RFC 9110 section 13.2.2 gives and returns the status that answers
// the request instead of the representation: 412 when a precondition
// fails, 304 when a GET or HEAD is not modified, 0 to go on. get returns
// one request header's value.
func preconditions(method string, get func(string) string, v validators) int {
	safe := method == "GET" || method == "HEAD"
	if im := get("If-Match"); im != "" {
		if !etagListMatches(im, v.etag, true) {
			return http.StatusPreconditionFailed
		}
	} else if ius := get("If-Unmodified-Since"); ius != "" {
		if t, err := http.ParseTime(ius); err == nil && !v.modTime.IsZero() && modifiedSince(v.modTime, t) {
			return http.StatusPreconditionFailed
		}
	}
	if inm := get("If-None-Match"); inm != "" {
		if etagListMatches(inm, v.etag, false) {
			if safe {
				return http.StatusNotModified
			}
			return http.StatusPreconditionFailed
		}
		return 0
	}
	if ims := get("If-Modified-Since"); ims != "" && safe {
		if t, err := http.ParseTime(ims); err == nil && !v.modTime.IsZero() && !modifiedSince(v.modTime, t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// ifRangeAllows reports whether a Range header may be honoured given
// the request's If-Range value (RFC 9110 section 13.1.5): an absent
// If-Range allows it, an entity tag must match strongly, a date must
// equal the modification time exactly.
func ifRangeAllows(ifRange string, v validators) bool {
	if ifRange == "" {
		return true
	}
	if strings.HasPrefix(ifRange, `"`) || strings.HasPrefix(ifRange, "W/") {
		return etagListMatches(ifRange, v.etag, true) && !strings.Contains(ifRange, ",")
	}
	t, err := http.ParseTime(ifRange)
	return err == nil && !v.modTime.IsZero() && v.modTime.Truncate(time.Second).Equal(t)
}

// modifiedSince compares at HTTP-date resolution: whole seconds.
func modifiedSince(mod, since time.Time) bool {
	return mod.Truncate(time.Second).After(since)
}

// etagListMatches reports whether list (an If-Match or If-None-Match
// value: "*" or comma-separated entity tags) matches etag, by strong
// comparison (both strong and equal) or weak (equal opaque parts).
func etagListMatches(list, etag string, strong bool) bool {
	list = strings.Trim(list, " \t")
	if list == "*" {
		return true // callers have a current representation
	}
	if etag == "" {
		return false
	}
	for list != "" {
		var tag string
		tag, list = nextETag(list)
		if tag == "" {
			return false // malformed: matches nothing
		}
		if etagsEqual(tag, etag, strong) {
			return true
		}
	}
	return false
}

// nextETag splits the first entity tag off a comma-separated list.
func nextETag(s string) (tag, rest string) {
	s = strings.TrimLeft(s, " \t,")
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s) < start+2 || s[start] != '"' {
		return "", ""
	}
	end := strings.IndexByte(s[start+1:], '"')
	if end < 0 {
		return "", ""
	}
	end += start + 2
	return s[:end], strings.TrimLeft(s[end:], " \t,")
}

func etagsEqual(a, b string, strong bool) bool {
	aw, bw := strings.HasPrefix(a, "W/"), strings.HasPrefix(b, "W/")
	if strong {
		return !aw && !bw && a == b
	}
	return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}
