package main

import (
	"bytes"
	"testing"

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
