package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
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
		re := regexp.MustCompile(`^` + regexp.QuoteMeta(label) + `cost time (\S+), ` + results + `$`)
		m := re.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d is %q, want %q followed by a time and the 100 results", i+1, lines[i], label)
		}
		if _, err := time.ParseDuration(m[1]); err != nil {
			t.Errorf("line %d: cost time %q: %v", i+1, m[1], err)
		}
	}
}
