package main

import (
	"bytes"
	"testing"

	"github.com/aio-go/aio"
)

// want is what the Python version in the package comment prints (checked
// with CPython 3.13.0), with Go's booleans.
const want = `0
1
2
3
4
5
6
7
8
9
FIRST_COMPLETED: 1 done, 2 pending at 1s
FIRST_EXCEPTION: 1 done, 2 pending at 1s
ALL_COMPLETED: 3 done, 0 pending at 3s
b: failed after 1s
wait with timeout: 0 done, 1 pending, cancelled: false
wait_for: TimeoutError, cancelled: true
`

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, aio.VirtualClock(), aio.NoSignalHandlers()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}
