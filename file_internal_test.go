package aio

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLinesFile writes size bytes or so of lines of random length (with
// long, some longer than a File's buffer) and returns the file's name.
func writeLinesFile(tb testing.TB, size int, trailingNewline, long bool) string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(3, 3))
	var b strings.Builder
	for b.Len() < size {
		n := rng.IntN(200)
		if long && rng.IntN(500) == 0 {
			n = fileBufferSize + rng.IntN(3*fileBufferSize) // longer than the buffer
		}
		for range n {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		b.WriteByte('\n')
	}
	s := b.String()
	if !trailingNewline {
		s += "tail"
	}
	name := filepath.Join(tb.TempDir(), "lines")
	if err := os.WriteFile(name, []byte(s), 0o600); err != nil {
		tb.Fatal(err)
	}
	return name
}

func scanLines(tb testing.TB, name string) []string {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

// fileLines reads name with File.Lines and returns its lines without
// their '\n', and the executor round trips it took.
func fileLines(tb testing.TB, l *Loop, name string) ([]string, int) {
	tb.Helper()
	var lines []string
	trips, err := runMain(tb, l, func(t *Task) (int, error) {
		f, err := Open(t, name)
		if err != nil {
			return 0, err
		}
		defer f.Close(t)
		for line, err := range f.Lines(t) {
			if err != nil {
				return 0, err
			}
			lines = append(lines, strings.TrimSuffix(line, "\n"))
		}
		return f.trips, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return lines, trips
}

// Lines of a few MiB equal bufio.Scanner's, and cost a round trip per
// buffer's worth, not per line.
func TestFileLinesLargeMatchesScanner(t *testing.T) {
	for _, trailing := range []bool{true, false} {
		const size = 3 << 20
		name := writeLinesFile(t, size, trailing, true)
		want := scanLines(t, name)
		got, trips := fileLines(t, newTestLoop(t), name)
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("line %d: %.40q, want %.40q", i, got[i], want[i])
			}
		}
		// One round trip per buffer filled, plus the one that finds the end.
		if max := size/fileBufferSize + 2; trips > max {
			t.Errorf("%d round trips for %d lines of %d bytes, want at most %d", trips, len(want), size, max)
		}
		t.Logf("%d MiB, %d lines: %d executor round trips", size>>20, len(want), trips)
	}
}

// 1 MiB of short lines: one round trip per 64 KiB buffer, and one more
// that finds the end.
func TestFileLinesRoundTrips(t *testing.T) {
	const size = 1 << 20
	name := writeLinesFile(t, size, true, false)
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	lines, trips := fileLines(t, newTestLoop(t), name)
	if want := int(fi.Size()/fileBufferSize) + 2; trips < want-1 || trips > want {
		t.Errorf("%d round trips for %d bytes, want %d or %d", trips, fi.Size(), want-1, want)
	}
	t.Logf("%d bytes, %d lines: %d executor round trips", fi.Size(), len(lines), trips)
}
