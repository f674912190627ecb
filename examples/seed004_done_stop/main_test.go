package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python original prints (checked with CPython 3.13.0),
// with Go's spelling of True.
const want = `cor start
cor wake
result: true
stoping loop
leave forever
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
