package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// want is what the Python version in the package comment prints (checked
// with CPython 3.13.0), but for Python's list syntax ['url0', ...] and
// Go's ["url0" ...].
var want = strings.Repeat("start get url\n", 10) + strings.Repeat("end get url\n", 10) +
	"wait: 10 done, 0 pending after 2s\n" +
	strings.Repeat("start get url\n", 3) + strings.Repeat("end get url\n", 3) +
	"gather: [\"url0\" \"url1\" \"url2\"] after 2s\n"

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
