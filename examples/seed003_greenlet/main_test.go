package main

import (
	"bytes"
	"testing"
)

// want is what the Python original prints (checked with greenlet 2.0.2).
const want = "egon eat 1\negon play 1\negon eat 2\negon play 2\n"

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}
