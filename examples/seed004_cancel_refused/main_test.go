package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python version in the package comment prints (checked
// with CPython 3.13.0), with Go's booleans.
const want = `mytask start
exception: asyncio.CancelledError
canceled:  true
refusing start
refusing: caught CancelledError, going on
refusing end
true
canceled:  false
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
