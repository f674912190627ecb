package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// want is what the Python version prints (checked with CPython 3.13.0),
// with the loop times exact on the virtual clock.
const want = `handle cancelled: true
0s call_soon
0s call_soon again (FIFO)
1s call_at(start+1)
2s call_later(2)
3s stop
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

// On the real clock each callback runs a few milliseconds late; the times
// print as on the virtual clock, as the Python's round(d, 1) has them.
func TestTenthsRounded(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Millisecond: "0s", 2004742292: "2s", 2960 * time.Millisecond: "3s",
	} {
		if got := tenths(d).String(); got != want {
			t.Errorf("tenths(%v) = %q, want %q", d, got, want)
		}
	}
}
