package aio

import (
	"bufio"
	"os"
	"testing"
)

const benchFileSize = 16 << 20

var lineSink string

// BenchmarkFileLines reads a 16 MiB file of short lines with File.Lines
// from a task: the cost of going through the executor, against
// BenchmarkFileLinesScanner.
func BenchmarkFileLines(b *testing.B) {
	name := writeLinesFile(b, benchFileSize, true, false)
	b.SetBytes(benchFileSize)
	b.ReportAllocs()
	for b.Loop() {
		err := Run(func(t *Task) error {
			f, err := Open(t, name)
			if err != nil {
				return err
			}
			defer f.Close(t)
			n := 0
			for line, err := range f.Lines(t) {
				if err != nil {
					return err
				}
				n += len(line)
			}
			if n < benchFileSize {
				b.Errorf("read %d bytes", n)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileLinesScanner reads the same file with bufio.Scanner on
// the calling goroutine, blocking it.
func BenchmarkFileLinesScanner(b *testing.B) {
	name := writeLinesFile(b, benchFileSize, true, false)
	b.SetBytes(benchFileSize)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			lineSink = sc.Text() // a string per line, as Lines gives
			n += len(lineSink) + 1
		}
		f.Close()
		if sc.Err() != nil || n < benchFileSize {
			b.Fatalf("read %d bytes: %v", n, sc.Err())
		}
	}
}
