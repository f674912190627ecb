//go:build linux

// Package subprocess measures aio's Process.Communicate against os/exec:
// 100 MiB through cat, written to its stdin and read back from its
// stdout at once.
//
//	go test -run '^$' -bench Communicate -benchtime 5x -count 6 ./bench/subprocess/
//
// The MB/s column is the input size over the time of one run (so the
// bytes cross two pipes); results are in bench/RESULTS.md.
package subprocess

import (
	"bytes"
	"io"
	"os/exec"
	"testing"

	"github.com/aio-go/aio"
)

const size = 100 << 20

func BenchmarkCommunicate(b *testing.B) {
	input := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	b.Run("impl=aio", func(b *testing.B) {
		l, err := aio.NewLoop(aio.NoSignalHandlers())
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			f := aio.CreateTask(l, func(t *aio.Task) (int, error) {
				p, err := aio.CreateSubprocessExec(t, "cat", nil, aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
				if err != nil {
					return 0, err
				}
				out, _, err := p.Communicate(t, input)
				return len(out), err
			})
			n, err := aio.RunUntilComplete(l, f)
			if err != nil || n != size {
				b.Fatalf("read %d bytes, %v", n, err)
			}
		}
	})
	b.Run("impl=osexec", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			cmd := exec.Command("cat")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				b.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			go func() {
				stdin.Write(input)
				stdin.Close()
			}()
			var out bytes.Buffer
			n, err := io.Copy(&out, stdout)
			if err != nil || n != size {
				b.Fatalf("read %d bytes, %v", n, err)
			}
			if err := cmd.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
