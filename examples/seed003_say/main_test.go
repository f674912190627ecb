package main

import (
	"bytes"
	"testing"
	"time"

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
