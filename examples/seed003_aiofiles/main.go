// Command seed003_aiofiles reads a file line by line from a task, the
// aiofiles example of seed 003 ("python asyncio 的其他生态"):
//
//	import aiofiles  # 第三方库 异步文件操作
//
//	async with aiofiles.open(filename, mode="r", encoding=encoding) as f:
//	    async for line in f:
//	        pass
//
// The seed's loop body is pass; here it prints each line after its
// number, with print(n, line, end="") since a line keeps its "\n", and
// then the count. Without an argument the program reads a file it writes
// in a temporary directory (three lines of the seed's own text); with
// one it reads that file. Go strings hold UTF-8 bytes, so there is no
// encoding argument: the file's bytes are printed as they are. Checked
// with CPython 3.13.0 running the same loop with the file's readline
// awaited through asyncio.to_thread, which is what aiofiles' async for
// does (aiofiles itself is not installed on the test machine): it prints
// exactly what this program prints.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aio-go/aio"
)

// content is the file the program reads when given none.
const content = "上下文管理\nasync with 表达式\n异步文件操作\n"

// printLines is the seed's async with / async for.
func printLines(t *aio.Task, w io.Writer, filename string) (err error) {
	f, err := aio.Open(t, filename)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(t); err == nil {
			err = cerr
		}
	}()
	n := 0
	for line, err := range f.Lines(t) {
		if err != nil {
			return err
		}
		n++
		fmt.Fprintf(w, "%d %s", n, line)
	}
	fmt.Fprintf(w, "%d lines\n", n)
	return nil
}

// run prints the lines of filename, or of a file it writes in a new
// temporary directory if filename is "".
func run(w io.Writer, filename string) error {
	return aio.Run(func(t *aio.Task) error {
		if filename == "" {
			dir, err := aio.MkdirTemp(t, "", "seed003_aiofiles")
			if err != nil {
				return err
			}
			defer aio.RemoveAll(t, dir)
			filename = filepath.Join(dir, "seed003.txt")
			if err := aio.WriteFile(t, filename, []byte(content), 0o644); err != nil {
				return err
			}
		}
		return printLines(t, w, filename)
	})
}

func main() {
	filename := ""
	if len(os.Args) > 1 {
		filename = os.Args[1]
	}
	if err := run(os.Stdout, filename); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
