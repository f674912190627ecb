package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// want is what the Python version prints (checked with CPython 3.13.0),
// but for Go's error message in the last line.
const want = `new loop: is_running=false is_closed=false
0s callback: is_running=true
0s task started
1s task calls stop
1s run_forever returned: is_running=false
1.5s run_until_complete: 42
closed: is_running=false is_closed=true
run_forever on a closed loop: aio: event loop is closed
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

// On the real clock each step ends a few milliseconds late; the times
// print as on the virtual clock, as the Python's round(d, 1) has them.
func TestTenthsRounded(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Millisecond: "0s", 1004742292: "1s", 1503 * time.Millisecond: "1.5s", 1497 * time.Millisecond: "1.5s",
	} {
		if got := tenths(d).String(); got != want {
			t.Errorf("tenths(%v) = %q, want %q", d, got, want)
		}
	}
}
