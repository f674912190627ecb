package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestRun checks the structure of the output: one line per variant, each
// with all 100 results in job order. The timings are wall-clock time and
// are not checked (they belong in benchmarks, not in pass/fail tests).
func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	want := make([]string, jobs)
	for i := range want {
		want[i] = fmt.Sprint(i)
	}
	results := regexp.QuoteMeta(fmt.Sprintf("100 results: [%s]", strings.Join(want, " ")))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), buf.String())
	}
	for i, label := range []string{"100 executor jobs:  ", "100 tasks:          "} {
		re := regexp.MustCompile(`^` + regexp.QuoteMeta(label) + `cost time (\d+\.\d)ms, ` + results + `$`)
		m := re.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d is %q, want %q followed by a time and the 100 results", i+1, lines[i], label)
		}
	}
}

// The cost is printed in milliseconds with one decimal, as the Python
// prints it.
func TestMillis(t *testing.T) {
	if got := millis(52345678); got != "52.3ms" {
		t.Errorf("millis(52.345678ms) = %q", got)
	}
	if got := millis(1234567890); got != "1234.6ms" {
		t.Errorf("millis(1.23456789s) = %q", got)
	}
}
