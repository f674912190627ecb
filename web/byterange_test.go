package web

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	const size = 1000
	cases := []struct {
		h       string
		want    byteRange
		outcome rangeOutcome
	}{
		{"bytes=0-99", byteRange{0, 100}, rangePartial},
		{"bytes=100-", byteRange{100, 900}, rangePartial},
		{"bytes=-100", byteRange{900, 100}, rangePartial},
		{"bytes=-5000", byteRange{0, 1000}, rangePartial},
		{"bytes=990-5000", byteRange{990, 10}, rangePartial},
		{"bytes=0-99, 100-199", byteRange{0, 200}, rangePartial},
		{"bytes=50-150,0-99", byteRange{0, 151}, rangePartial},
		{"bytes=0-0,2000-3000", byteRange{0, 1}, rangePartial},
		{"bytes=0-9,20-29", byteRange{}, rangeIgnore},
		{"bytes=1000-", byteRange{}, rangeUnsatisfiable},
		{"bytes=-0", byteRange{}, rangeUnsatisfiable},
		{"bytes=5000-6000,1000-", byteRange{}, rangeUnsatisfiable},
		{"bytes=10-5", byteRange{}, rangeIgnore},
		{"bytes=a-5", byteRange{}, rangeIgnore},
		{"bytes=5", byteRange{}, rangeIgnore},
		{"bytes=", byteRange{}, rangeIgnore},
		{"items=0-5", byteRange{}, rangeIgnore},
		{"bytes=+1-5", byteRange{}, rangeIgnore},
		{"bytes=99999999999999999999-", byteRange{}, rangeIgnore},
	}
	for _, c := range cases {
		got, outcome := parseRange(c.h, size)
		if outcome != c.outcome || got != c.want {
			t.Errorf("parseRange(%q) = %v, %d; want %v, %d", c.h, got, outcome, c.want, c.outcome)
		}
	}
	if _, o := parseRange("bytes=0-", 0); o != rangeUnsatisfiable {
		t.Errorf("range of an empty file: outcome %d, want unsatisfiable", o)
	}
	if got := (byteRange{10, 5}).contentRange(size); got != "bytes 10-14/1000" {
		t.Errorf("contentRange = %q", got)
	}
	many := "bytes=0-0"
	for range maxRanges {
		many += ",0-0"
	}
	if _, o := parseRange(many, size); o != rangeIgnore {
		t.Errorf("%d ranges: outcome %d, want ignored", maxRanges+1, o)
	}
}

func TestPreconditions(t *testing.T) {
	mod := time.Date(2026, 11, 30, 8, 0, 0, 123, time.UTC)
	v := validators{etag: `"abc"`, modTime: mod}
	before := mod.Add(-time.Hour).Format(http.TimeFormat)
	same := mod.Format(http.TimeFormat)
	cases := []struct {
		method string
		hdr    map[string]string
		want   int
	}{
		{"GET", nil, 0},
		{"GET", map[string]string{"If-None-Match": `"abc"`}, 304},
		{"GET", map[string]string{"If-None-Match": `W/"abc"`}, 304},
		{"GET", map[string]string{"If-None-Match": `"x", "abc"`}, 304},
		{"GET", map[string]string{"If-None-Match": `*`}, 304},
		{"GET", map[string]string{"If-None-Match": `"x"`}, 0},
		{"GET", map[string]string{"If-None-Match": `"x"`, "If-Modified-Since": same}, 0},
		{"POST", map[string]string{"If-None-Match": `"abc"`}, 412},
		{"GET", map[string]string{"If-Modified-Since": same}, 304},
		{"HEAD", map[string]string{"If-Modified-Since": same}, 304},
		{"GET", map[string]string{"If-Modified-Since": before}, 0},
		{"GET", map[string]string{"If-Modified-Since": "garbage"}, 0},
		{"POST", map[string]string{"If-Modified-Since": same}, 0},
		{"PUT", map[string]string{"If-Match": `"abc"`}, 0},
		{"PUT", map[string]string{"If-Match": `W/"abc"`}, 412},
		{"PUT", map[string]string{"If-Match": `"x"`}, 412},
		{"PUT", map[string]string{"If-Match": `*`}, 0},
		{"PUT", map[string]string{"If-Unmodified-Since": before}, 412},
		{"PUT", map[string]string{"If-Unmodified-Since": same}, 0},
		{"GET", map[string]string{"If-None-Match": `"abc`}, 0},
	}
	for _, c := range cases {
		get := func(k string) string { return c.hdr[k] }
		if got := preconditions(c.method, get, v); got != c.want {
			t.Errorf("%s %v: %d, want %d", c.method, c.hdr, got, c.want)
		}
	}
	none := func(k string) string {
		if k == "If-None-Match" {
			return `"x"`
		}
		return ""
	}
	if got := preconditions("GET", none, validators{}); got != 0 {
		t.Errorf("If-None-Match against no entity tag: %d, want 0", got)
	}
}

func TestIfRange(t *testing.T) {
	mod := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	v := validators{etag: `"abc"`, modTime: mod}
	for h, want := range map[string]bool{
		"":                          true,
		`"abc"`:                     true,
		`W/"abc"`:                   false,
		`"zzz"`:                     false,
		mod.Format(http.TimeFormat): true,
		mod.Add(time.Hour).Format(http.TimeFormat): false,
		"nonsense": false,
	} {
		if got := ifRangeAllows(h, v); got != want {
			t.Errorf("ifRangeAllows(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestFileETag(t *testing.T) {
	mod := time.Unix(0, 0x1234)
	if got := fileETag(mod, 0xff); got != `"1234-ff"` {
		t.Errorf("fileETag = %s", got)
	}
	if fileETag(mod, 1) == fileETag(mod, 2) || fileETag(mod, 1) == fileETag(mod.Add(1), 1) {
		t.Error("entity tags of different files are equal")
	}
}

func TestNegotiateEncoding(t *testing.T) {
	for h, want := range map[string]string{
		"":                          "",
		"gzip":                      "gzip",
		"gzip, deflate, br":         "gzip",
		"deflate":                   "deflate",
		"deflate, gzip;q=0.5":       "deflate",
		"gzip;q=0.5, deflate;q=0.5": "gzip",
		"gzip;q=0":                  "",
		"*":                         "gzip",
		"*;q=0.1, gzip;q=0":         "deflate",
		"identity":                  "",
		"br":                        "",
		"GZIP;Q=1":                  "gzip",
		"gzip;q=2":                  "",
		"gzip;q=abc, deflate":       "deflate",
		"x-gzip":                    "gzip",
	} {
		if got := negotiateEncoding(h); got != want {
			t.Errorf("negotiateEncoding(%q) = %q, want %q", h, got, want)
		}
	}
}
