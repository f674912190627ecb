package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aio-go/aio"
)

// want is the Python original's output (checked with CPython 3.13.0), with
// the elapsed time exact on the virtual clock: ten two-second downloads
// overlap and take two seconds together.
var want = strings.Repeat("start get url\n", 10) + strings.Repeat("end get url\n", 10) + "elapsed 2s\n"

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, aio.VirtualClock()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}
