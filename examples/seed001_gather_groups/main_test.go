package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// want is what the Python version in the package comment prints (checked
// with CPython 3.13.0), with Go's list syntax.
const want = `group2.cancel(): true
start get url http://projectsedu.com
start get url http://projectsedu.com
gather(group1, group2): CancelledError after 0s
group1 done: false group2 done: true
end get url http://projectsedu.com
end get url http://projectsedu.com
group1: [http://projectsedu.com http://projectsedu.com] after 2s
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

// On the real clock the run ends a few milliseconds late; it prints the
// same as on the virtual clock.
func TestSecondsRounded(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 3 * time.Millisecond: "0s", 2004742292: "2s"} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
