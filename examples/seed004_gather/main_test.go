package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python original prints (checked with CPython 3.13.0),
// twice, with Go's list syntax.
const want = `cor1
cor2
result:  ["cor1 result" "cor2 result"]
cor1
cor2
result:  ["cor1 result" "cor2 result"]
`

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, aio.VirtualClock()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}
