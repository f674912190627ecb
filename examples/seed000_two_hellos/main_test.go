package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is the Python original's output (checked with CPython 3.13.0), the
// thread replaced by the loop: both tasks ran on the one loop, and the two
// one-second sleeps overlapped.
const want = `Hello world! (loop #1)
Hello world! (loop #1)
Hello again! (loop #1)
Hello again! (loop #1)
elapsed 1s
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
