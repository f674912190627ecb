//go:build linux

package main

import (
	"strings"
	"testing"
)

// scanAll feeds b to scan in pieces cut at the given offsets.
func scanAll(b []byte, cuts []int) int {
	total, state, prev := 0, 0, 0
	for _, c := range append(cuts, len(b)) {
		c = min(max(c, prev), len(b))
		n, next := scan(state, b[prev:c])
		total, state, prev = total+n, next, c
	}
	return total
}

func TestScanSplits(t *testing.T) {
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	b := []byte(strings.Repeat(req, 3))
	for cut := range len(b) + 1 {
		for cut2 := cut; cut2 <= len(b); cut2++ {
			if got := scanAll(b, []int{cut, cut2}); got != 3 {
				t.Fatalf("cuts %d,%d: %d heads, want 3", cut, cut2, got)
			}
		}
	}
}

func TestScanOverlaps(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"\r\n\r\n", 1},
		{"\r\n\r\r\n\r\n", 1},
		{"\r\r\n\r\n", 1},
		{"\r\n\r\n\r\n\r\n", 2},
		{"\r\n\r\n\r\n", 1},
		{"\n\r\n\r", 0},
		{"a\r\nb\r\n\r\nc", 1},
	} {
		for cut := range len(c.in) + 1 {
			if got := scanAll([]byte(c.in), []int{cut}); got != c.want {
				t.Errorf("%q cut at %d: %d, want %d", c.in, cut, got, c.want)
			}
		}
	}
}

// FuzzScan checks that any split of any input counts the same blank lines
// as strings.Count over the whole.
func FuzzScan(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"), uint8(5), uint8(17))
	f.Add([]byte("\r\n\r\r\n\r\n\r"), uint8(3), uint8(4))
	f.Fuzz(func(t *testing.T, b []byte, c1, c2 uint8) {
		want := strings.Count(string(b), end)
		if got := scanAll(b, []int{int(c1), int(c2)}); got != want {
			t.Fatalf("%q cut at %d,%d: %d, want %d", b, c1, c2, got, want)
		}
	})
}
