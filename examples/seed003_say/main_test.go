package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python original prints (checked with CPython 3.13.0),
// with the elapsed times exact on the virtual clock.
const want = `awaited in sequence:
hello
world
elapsed 3s
as two tasks:
hello
world
elapsed 2s
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
