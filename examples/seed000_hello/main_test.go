package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python original prints (checked with CPython 3.13.0).
const want = "Hello world!\nHello again!\n"

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, aio.VirtualClock()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}
