package web

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAccessLogDefaultFormat(t *testing.T) {
	var out strings.Builder
	l, err := NewAccessLogger(&out, "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 30, 8, 1, 2, 0, time.FixedZone("", 3600))
	req := map[string]string{"User-Agent": "curl/8.0"}
	l.log(&accessEntry{
		remote: "127.0.0.1:54321", start: start, method: "GET", target: "/hello/x?y=1", minor: 1,
		status: 200, size: 123, dur: 1500 * time.Microsecond,
		reqHeader: func(k string) string { return req[k] },
	})
	want := `127.0.0.1 [30/Nov/2026:08:01:02 +0100] "GET /hello/x?y=1 HTTP/1.1" 200 123 "-" "curl/8.0"` + "\n"
	if out.String() != want {
		t.Errorf("line\n got %q\nwant %q", out.String(), want)
	}
}

func TestAccessLogDirectives(t *testing.T) {
	var out strings.Builder
	l, err := NewAccessLogger(&out, "%P %T %Tf %D %{Content-Type}o %{X}i 100%% [::1]:%a")
	if err != nil {
		t.Fatal(err)
	}
	l.log(&accessEntry{
		remote: "[::1]:80", dur: 2*time.Second + 5*time.Microsecond, minor: 0,
		respHeader: func(k string) string {
			if k == "Content-Type" {
				return "text/html"
			}
			return ""
		},
	})
	want := strconv.Itoa(os.Getpid()) + " 2 2.000005 2000005 text/html - 100% [::1]:::1\n"
	if out.String() != want {
		t.Errorf("line\n got %q\nwant %q", out.String(), want)
	}
}

func TestAccessLogBadFormat(t *testing.T) {
	for _, f := range []string{"%", "%x", "%{Foo}", "%{Foo}z", "%{}i", "%{Foo"} {
		if _, err := NewAccessLogger(nil, f); !errors.Is(err, errLogFormat) {
			t.Errorf("NewAccessLogger(%q): err %v, want errLogFormat", f, err)
		}
	}
}

func TestRemoteIP(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:80": "127.0.0.1", "[::1]:80": "::1", "/tmp/sock": "-", "": "-", "@abstract": "-",
	} {
		if got := remoteIP(in); got != want {
			t.Errorf("remoteIP(%q) = %q, want %q", in, got, want)
		}
	}
}
