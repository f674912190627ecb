package main

import (
	"bytes"
	"testing"
	"time"

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

// On the real clock the run ends a few milliseconds late (the defect was
// "elapsed 2.004742292s"); it prints the same as on the virtual clock.
func TestSecondsRounded(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 2004742292: "2s", 999 * time.Millisecond: "1s", 3*time.Second + 40*time.Millisecond: "3s",
	} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
