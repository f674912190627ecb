package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// want is the Python original's output (checked with CPython 3.13.0), with
// the elapsed time exact on the virtual clock: ten two-second downloads
// overlap and take two seconds together.
var want = strings.Repeat("start get url\n", 10) + strings.Repeat("end get url\n", 10) + "elapsed 2s\n"

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
