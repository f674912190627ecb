package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// want is what the Python original prints (CPython 3.13.0).
const want = `1 上下文管理
2 async with 表达式
3 异步文件操作
3 lines
`

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, ""); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}

// A file given by name. Its last line has no newline, so the count
// follows it on the same line, as with Python's print(n, line, end="").
// The "\r\n" stays: Go reads bytes, where Python's text mode would have
// translated it to "\n".
func TestRunFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(name, []byte("a\r\nb"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := run(&buf, name); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "1 a\r\n2 b2 lines\n"; got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}

func TestRunMissingFile(t *testing.T) {
	err := run(new(bytes.Buffer), filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}
