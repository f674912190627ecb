package aio_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// check turns a failed condition into an error a task body can return.
func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

func readAllFrom(t *aio.Task, f *aio.File, off int64) (string, error) {
	if _, err := f.Seek(t, off, io.SeekStart); err != nil {
		return "", err
	}
	b, err := f.ReadAll(t)
	return string(b), err
}

func TestFileWriteReadSeek(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.Create(t, name)
		if err != nil {
			return err
		}
		buf := []byte("world\n!")
		if _, err := f.WriteString(t, "hello\n"); err != nil {
			return err
		}
		if _, err := f.Write(t, buf); err != nil {
			return err
		}
		buf[0] = 'X' // Write copied it
		if _, err := f.Seek(t, 0, io.SeekStart); err != nil {
			return err
		}
		p := make([]byte, 5)
		if n, err := f.Read(t, p); n != 5 || err != nil || string(p) != "hello" {
			return fmt.Errorf("Read = %d %v %q", n, err, p)
		}
		if pos, err := f.Seek(t, 0, io.SeekCurrent); pos != 5 || err != nil {
			return fmt.Errorf("position after read = %d %v, want 5", pos, err)
		}
		if s, err := f.ReadLine(t); s != "\n" || err != nil {
			return fmt.Errorf("ReadLine = %q %v", s, err)
		}
		if s, err := f.ReadAll(t); string(s) != "world\n!" || err != nil {
			return fmt.Errorf("ReadAll = %q %v", s, err)
		}
		if n, err := f.Read(t, p); n != 0 || err != io.EOF {
			return fmt.Errorf("Read at end = %d %v", n, err)
		}
		// A write after a buffered read lands where the reader stands,
		// not where the read-ahead left the file's offset.
		if _, err := f.Seek(t, 0, io.SeekStart); err != nil {
			return err
		}
		if _, err := f.Read(t, p[:1]); err != nil {
			return err
		}
		if _, err := f.WriteString(t, "E"); err != nil {
			return err
		}
		if s, err := readAllFrom(t, f, 0); s != "hEllo\nworld\n!" || err != nil {
			return fmt.Errorf("content = %q %v", s, err)
		}
		if err := f.Truncate(t, 5); err != nil {
			return err
		}
		fi, err := f.Stat(t)
		if err != nil || fi.Size() != 5 || fi.Name() != "f" {
			return fmt.Errorf("Stat = %v %v", fi, err)
		}
		if err := f.Sync(t); err != nil {
			return err
		}
		if _, err := f.Seek(t, 0, io.SeekStart); err != nil {
			return err
		}
		if _, err := f.Read(t, p[:1]); err != nil { // the rest stays buffered
			return err
		}
		if err := f.Close(t); err != nil {
			return err
		}
		if err := f.Close(t); !errors.Is(err, fs.ErrClosed) {
			return fmt.Errorf("second Close = %v, want fs.ErrClosed", err)
		}
		var pe *fs.PathError
		if _, err := f.Read(t, p); !errors.As(err, &pe) || pe.Op != "read" || !errors.Is(err, fs.ErrClosed) {
			return fmt.Errorf("Read after Close = %v", err)
		}
		return nil
	})
}

func TestFileLines(t *testing.T) {
	for _, tc := range []struct {
		content string
		want    []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"a\nb\n", []string{"a\n", "b\n"}},
		{"\n\n", []string{"\n", "\n"}},
		{"x\r\ny", []string{"x\r\n", "y"}}, // bytes as they are: no newline translation
		{"你好\n世界", []string{"你好\n", "世界"}},
	} {
		name := filepath.Join(t.TempDir(), "lines")
		if err := os.WriteFile(name, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		var got []string
		aiotest.Run(t, func(t *aio.Task) error {
			f, err := aio.Open(t, name)
			if err != nil {
				return err
			}
			defer f.Close(t)
			for line, err := range f.Lines(t) {
				if err != nil {
					return err
				}
				got = append(got, line)
			}
			_, err = f.ReadLine(t)
			return check(err == io.EOF, "ReadLine after Lines = %v, want io.EOF", err)
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("lines of %q = %q, want %q", tc.content, got, tc.want)
		}
	}
}

// Breaking out of Lines leaves the rest for the next read.
func TestFileLinesBreak(t *testing.T) {
	name := filepath.Join(t.TempDir(), "lines")
	if err := os.WriteFile(name, []byte("one\ntwo\nthree\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.Open(t, name)
		if err != nil {
			return err
		}
		defer f.Close(t)
		for line := range f.Lines(t) {
			if line == "one\n" {
				break
			}
		}
		rest, err := f.ReadAll(t)
		return check(string(rest) == "two\nthree\n" && err == nil, "rest = %q %v", rest, err)
	})
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.WriteFile(ro, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(t *aio.Task) error {
		var pe *fs.PathError
		_, err := aio.Open(t, filepath.Join(dir, "missing"))
		if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Op != "open" {
			return fmt.Errorf("Open missing = %v", err)
		}
		_, err = aio.OpenFile(t, dir, os.O_WRONLY, 0)
		if !errors.Is(err, syscall.EISDIR) || !errors.As(err, &pe) {
			return fmt.Errorf("open a directory for writing = %v", err)
		}
		f, err := aio.Open(t, ro)
		if err != nil {
			return err
		}
		defer f.Close(t)
		_, err = f.WriteString(t, "x")
		if !errors.As(err, &pe) || pe.Op != "write" || pe.Path != ro {
			return fmt.Errorf("write to a read-only file = %v", err)
		}
		return nil
	})
}

func TestFilePermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root bypasses permission checks (TestFileErrors covers writes to a read-only file)")
	}
	name := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(name, nil, 0); err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(t *aio.Task) error {
		_, err := aio.Open(t, name)
		var pe *fs.PathError
		return check(errors.Is(err, fs.ErrPermission) && errors.As(err, &pe), "Open of mode 000 = %v", err)
	})
}

func TestFileOps(t *testing.T) {
	dir := t.TempDir()
	p := func(s string) string { return filepath.Join(dir, s) }
	aiotest.Run(t, func(t *aio.Task) error {
		if err := aio.Mkdir(t, p("d"), 0o755); err != nil {
			return err
		}
		if err := aio.Mkdir(t, p("d"), 0o755); !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("Mkdir twice = %v", err)
		}
		if err := aio.MkdirAll(t, p("d/e/f"), 0o755); err != nil {
			return err
		}
		if err := aio.WriteFile(t, p("d/a"), []byte("abc"), 0o644); err != nil {
			return err
		}
		if b, err := aio.ReadFile(t, p("d/a")); string(b) != "abc" || err != nil {
			return fmt.Errorf("ReadFile = %q %v", b, err)
		}
		if err := aio.Rename(t, p("d/a"), p("d/b")); err != nil {
			return err
		}
		if err := aio.Link(t, p("d/b"), p("d/hard")); err != nil {
			return err
		}
		if err := aio.Symlink(t, "b", p("d/sym")); err != nil {
			return err
		}
		if target, err := aio.Readlink(t, p("d/sym")); target != "b" || err != nil {
			return fmt.Errorf("Readlink = %q %v", target, err)
		}
		if fi, err := aio.Stat(t, p("d/sym")); err != nil || fi.Size() != 3 || !fi.Mode().IsRegular() {
			return fmt.Errorf("Stat = %v %v", fi, err)
		}
		if fi, err := aio.Lstat(t, p("d/sym")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("Lstat = %v %v", fi, err)
		}
		entries, err := aio.ReadDir(t, p("d"))
		if err != nil {
			return err
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if want := []string{"b", "e", "hard", "sym"}; !slices.Equal(names, want) {
			return fmt.Errorf("ReadDir = %q, want %q", names, want)
		}
		if err := aio.Remove(t, p("d/b")); err != nil {
			return err
		}
		if _, err := aio.Stat(t, p("d/b")); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("Stat of removed = %v", err)
		}
		if err := aio.Remove(t, p("d/b")); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("Remove of removed = %v", err)
		}
		if err := aio.Remove(t, p("d")); err == nil {
			return errors.New("Remove of a non-empty directory succeeded")
		}
		if err := aio.RemoveAll(t, p("d")); err != nil {
			return err
		}
		if _, err := aio.Lstat(t, p("d")); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("after RemoveAll: %v", err)
		}
		tmp, err := aio.MkdirTemp(t, dir, "tmp*")
		if err != nil || !strings.HasPrefix(filepath.Base(tmp), "tmp") {
			return fmt.Errorf("MkdirTemp = %q %v", tmp, err)
		}
		f, err := aio.CreateTemp(t, tmp, "f*.txt")
		if err != nil {
			return err
		}
		if _, err := f.WriteString(t, "temp"); err != nil {
			return err
		}
		if err := f.Close(t); err != nil {
			return err
		}
		if b, err := os.ReadFile(f.Name()); string(b) != "temp" || err != nil {
			return fmt.Errorf("CreateTemp's file holds %q %v", b, err)
		}
		wd, err := aio.Getwd(t)
		want, _ := os.Getwd()
		return check(wd == want && err == nil, "Getwd = %q %v, want %q", wd, err, want)
	})
}

func mkfifo(t *testing.T) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return name
}

// Opening a FIFO blocks until its other end is opened, and reading it
// until something is written: if a File's open or read ran on the loop,
// the task that opens the writing end could never run and this would
// hang (the watchdog would fail it). No timing is involved.
func TestFileFIFODoesNotStallLoop(t *testing.T) {
	fifo := mkfifo(t)
	aiotest.Run(t, func(t *aio.Task) error {
		reader := aio.Spawn(t, func(t *aio.Task) (string, error) {
			f, err := aio.Open(t, fifo) // blocks until the writer opens
			if err != nil {
				return "", err
			}
			defer f.Close(t)
			return f.ReadLine(t) // blocks until the writer writes
		})
		ticks := 0
		for range 10 { // the loop goes on running this task meanwhile
			if err := aio.Sleep(t, 0); err != nil {
				return err
			}
			ticks++
		}
		w, err := aio.OpenFile(t, fifo, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := w.WriteString(t, fmt.Sprintf("ping after %d ticks\n", ticks)); err != nil {
			return err
		}
		if err := w.Close(t); err != nil {
			return err
		}
		line, err := aio.Await(t, reader)
		return check(line == "ping after 10 ticks\n" && err == nil, "reader got %q %v", line, err)
	})
}

// Tasks sharing a File take turns: every write lands whole, and the race
// detector sees no overlap of operations.
func TestFileSharedByTasks(t *testing.T) {
	name := filepath.Join(t.TempDir(), "shared")
	const tasks, lines = 8, 20
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.OpenFile(t, name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		var futs []*aio.Future[struct{}]
		for i := range tasks {
			futs = append(futs, aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
				line := strings.Repeat(string(rune('a'+i)), 100) + "\n"
				for range lines {
					if _, err := f.WriteString(t, line); err != nil {
						return struct{}{}, err
					}
					if _, err := f.Stat(t); err != nil {
						return struct{}{}, err
					}
				}
				return struct{}{}, nil
			}))
		}
		if _, err := aio.Gather(t, futs...); err != nil {
			return err
		}
		if _, err := f.Seek(t, 0, io.SeekStart); err != nil {
			return err
		}
		count := map[string]int{}
		for line, err := range f.Lines(t) {
			if err != nil {
				return err
			}
			count[line]++
		}
		if err := f.Close(t); err != nil {
			return err
		}
		for i := range tasks {
			line := strings.Repeat(string(rune('a'+i)), 100) + "\n"
			if count[line] != lines {
				return fmt.Errorf("%d whole lines of %c, want %d (%d kinds of line)", count[line], 'a'+i, lines, len(count))
			}
		}
		return check(len(count) == tasks, "%d kinds of line, want %d", len(count), tasks)
	})
}

// A pipe cannot seek: a write between reads leaves the read-ahead in
// place instead of failing.
func TestFileWriteBetweenReadsOfAPipe(t *testing.T) {
	fifo := mkfifo(t)
	aiotest.Run(t, func(t *aio.Task) error {
		f, err := aio.OpenFile(t, fifo, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close(t)
		if _, err := f.WriteString(t, "ab\n"); err != nil {
			return err
		}
		if _, err := f.Read(t, make([]byte, 1)); err != nil { // "b\n" stays buffered
			return err
		}
		if _, err := f.WriteString(t, "cd\n"); err != nil {
			return err
		}
		var got []string
		for range 2 {
			line, err := f.ReadLine(t)
			if err != nil {
				return err
			}
			got = append(got, line)
		}
		if _, err := f.Seek(t, 0, io.SeekStart); !errors.Is(err, syscall.ESPIPE) {
			return fmt.Errorf("Seek on a pipe = %v, want ESPIPE", err)
		}
		return check(slices.Equal(got, []string{"b\n", "cd\n"}), "lines %q", got)
	})
}
