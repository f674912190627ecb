package aio_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aio-go/aio"
)

// Writing a file and reading it back line by line from a task, the loop
// free meanwhile (aiofiles.open and async for line in f).
func ExampleFile_Lines() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "hello.txt")
	err := aio.Run(func(t *aio.Task) error {
		f, err := aio.Create(t, name)
		if err != nil {
			return err
		}
		defer f.Close(t)
		if _, err := f.WriteString(t, "hello\nworld"); err != nil {
			return err
		}
		if _, err := f.Seek(t, 0, io.SeekStart); err != nil {
			return err
		}
		for line, err := range f.Lines(t) {
			if err != nil {
				return err
			}
			fmt.Printf("%q\n", line)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// "hello\n"
	// "world"
}

// The os operations of aiofiles.os, each one executor round trip; errors
// are os's, so errors.Is(err, fs.ErrNotExist) works.
func ExampleReadDir() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	err := aio.Run(func(t *aio.Task) error {
		if err := aio.MkdirAll(t, filepath.Join(dir, "a", "b"), 0o755); err != nil {
			return err
		}
		if err := aio.WriteFile(t, filepath.Join(dir, "a", "f.txt"), []byte("data"), 0o644); err != nil {
			return err
		}
		entries, err := aio.ReadDir(t, filepath.Join(dir, "a"))
		if err != nil {
			return err
		}
		for _, e := range entries {
			fmt.Println(e.Name(), e.IsDir())
		}
		_, err = aio.Stat(t, filepath.Join(dir, "missing"))
		fmt.Println(errors.Is(err, fs.ErrNotExist))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// b true
	// f.txt false
	// true
}
