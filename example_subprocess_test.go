//go:build linux

package aio_test

import (
	"fmt"
	"os"

	"github.com/aio-go/aio"
)

// Run a program and collect what it writes (asyncio's
// create_subprocess_exec with stdout=PIPE, then communicate).
func ExampleCreateSubprocessExec() {
	err := aio.Run(func(t *aio.Task) error {
		p, err := aio.CreateSubprocessExec(t, "echo", []string{"hello", "from", "echo"}, aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(t, nil)
		if err != nil {
			return err
		}
		code, _ := p.ReturnCode()
		fmt.Printf("%q, exit code %d\n", out, code)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: "hello from echo\n", exit code 0
}

// A shell command with its errors sent to its standard output
// (stderr=asyncio.subprocess.STDOUT), read line by line as it runs.
func ExampleCreateSubprocessShell() {
	err := aio.Run(func(t *aio.Task) error {
		p, err := aio.CreateSubprocessShell(t, "echo out; echo err >&2; exit 3",
			aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Stdout))
		if err != nil {
			return err
		}
		for line, err := range p.Stdout.Lines(t) {
			if err != nil {
				return err
			}
			fmt.Printf("line %q\n", line)
		}
		code, err := p.Wait(t)
		fmt.Println("exit code", code)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// line "out\n"
	// line "err\n"
	// exit code 3
}

// Feed a filter and read its output; Communicate writes and reads at once,
// so neither side can block the other on a full pipe.
func ExampleProcess_Communicate() {
	err := aio.Run(func(t *aio.Task) error {
		p, err := aio.CreateSubprocessExec(t, "tr", []string{"a-z", "A-Z"},
			aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(t, []byte("shout this\n"))
		if err != nil {
			return err
		}
		fmt.Print(string(out))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: SHOUT THIS
}

// Talk to a child line by line, then stop it with a signal: its return
// code is minus the signal's number, as in asyncio.
func ExampleProcess_Kill() {
	err := aio.Run(func(t *aio.Task) error {
		p, err := aio.CreateSubprocessExec(t, "cat", nil, aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		p.Stdin.Write([]byte("ping\n"))
		line, err := p.Stdout.ReadLine(t)
		if err != nil {
			return err
		}
		fmt.Printf("cat said %q\n", line)
		if err := p.Kill(); err != nil {
			return err
		}
		code, err := p.Wait(t)
		if err != nil {
			return err
		}
		fmt.Println("return code", code)
		return p.Stdin.Close()
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// cat said "ping\n"
	// return code -9
}

// A pipe's two ends as transports (asyncio's connect_read_pipe and
// connect_write_pipe), with a stream on the reading end.
func ExampleConnectReadPipe() {
	err := aio.Run(func(t *aio.Task) error {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		reader := aio.NewStreamReader(0)
		_, _, err = aio.ConnectReadPipe(t.Loop(), func() *feeder { return &feeder{r: reader} }, r)
		if err != nil {
			w.Close()
			return err
		}
		wt, _, err := aio.ConnectWritePipe(t.Loop(), func() *feeder { return &feeder{} }, w)
		if err != nil {
			return err
		}
		wt.Write([]byte("through a pipe\n"))
		wt.Close()
		line, err := reader.ReadLine(t)
		if err != nil {
			return err
		}
		fmt.Print(string(line))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: through a pipe
}

// feeder is a Protocol that feeds a StreamReader, if it has one.
type feeder struct{ r *aio.StreamReader }

func (f *feeder) ConnectionMade(aio.Transport) {}
func (f *feeder) DataReceived(p []byte) {
	if f.r != nil {
		f.r.FeedData(p)
	}
}
func (f *feeder) ConnectionLost(error) {
	if f.r != nil {
		f.r.FeedEOF()
	}
}
