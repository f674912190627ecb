package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python version in the package comment prints (checked
// with CPython 3.13.0).
const want = "2\n5\n8\n1\n4\n7\n0\n3\n6\n9\n2\n1\nTimeoutError\n"

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, aio.VirtualClock(), aio.NoSignalHandlers()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}
