package web

import (
	"strconv"
	"strings"
)

// negotiateEncoding picks the content coding to compress a response with
// from an Accept-Encoding value (RFC 9110 section 12.5.3): "gzip" or
// "deflate", whichever the client weights higher (gzip on a tie, as it
// is the more widely supported), or "" for none. A coding with q=0 is
// refused; "*" stands for any coding not named.
func negotiateEncoding(accept string) string {
	gzipQ, deflateQ, anyQ := -1.0, -1.0, -1.0
	for elem := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(elem, ";")
		q := 1.0
		if params != "" {
			var ok bool
			if q, ok = parseQ(params); !ok {
				continue
			}
		}
		switch strings.ToLower(strings.Trim(name, " \t")) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "deflate":
			deflateQ = q
		case "*":
			anyQ = q
		}
	}
	if gzipQ < 0 {
		gzipQ = anyQ
	}
	if deflateQ < 0 {
		deflateQ = anyQ
	}
	switch {
	case gzipQ > 0 && gzipQ >= deflateQ:
		return "gzip"
	case deflateQ > 0:
		return "deflate"
	}
	return ""
}

// parseQ reads the q parameter from a coding's parameters (";q=0.5").
func parseQ(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.Trim(p, " \t"), "=")
		if !strings.EqualFold(k, "q") {
			continue
		}
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}
