// Command subprocess runs shell commands side by side and prints what
// they wrote, the example of the asyncio documentation's "Subprocesses"
// page; then it reads a child's output line by line.
//
// The Python original:
//
//	import asyncio
//
//	async def run(cmd):
//	    proc = await asyncio.create_subprocess_shell(
//	        cmd,
//	        stdout=asyncio.subprocess.PIPE,
//	        stderr=asyncio.subprocess.PIPE)
//
//	    stdout, stderr = await proc.communicate()
//
//	    print(f'[{cmd!r} exited with {proc.returncode}]')
//	    if stdout:
//	        print(f'[stdout]\n{stdout.decode()}')
//	    if stderr:
//	        print(f'[stderr]\n{stderr.decode()}')
//
//	async def main():
//	    await asyncio.gather(
//	        run('ls /zzz'),
//	        run('sleep 1; echo "hello"'))
//
//	asyncio.run(main())
//
// Both commands run at once: the whole takes one second, not one second
// plus the time of ls. Here each run returns its report and main prints
// them in the order of the commands, so the output does not depend on
// which ends first (asyncio prints each as it ends: ls first). The last
// part, the documentation's "get_date" example, reads a line from a
// program started without a shell (create_subprocess_exec).
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aio-go/aio"
)

// run runs cmd through the shell and reports how it ended and what it
// wrote.
func run(t *aio.Task, cmd string) (string, error) {
	proc, err := aio.CreateSubprocessShell(t, cmd, aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Pipe))
	if err != nil {
		return "", err
	}
	stdout, stderr, err := proc.Communicate(t, nil)
	if err != nil {
		return "", err
	}
	code, _ := proc.ReturnCode()
	var b strings.Builder
	fmt.Fprintf(&b, "['%s' exited with %d]\n", cmd, code) // Python's {cmd!r} for these commands
	if len(stdout) > 0 {
		fmt.Fprintf(&b, "[stdout]\n%s\n", stdout)
	}
	if len(stderr) > 0 {
		fmt.Fprintf(&b, "[stderr]\n%s\n", stderr)
	}
	return b.String(), nil
}

// firstLine runs name with args, without a shell, and returns the first
// line it writes; the rest is read and dropped, so that the child never
// blocks on a full pipe.
func firstLine(t *aio.Task, name string, args ...string) (string, error) {
	proc, err := aio.CreateSubprocessExec(t, name, args, aio.ProcStdout(aio.Pipe))
	if err != nil {
		return "", err
	}
	line, err := proc.Stdout.ReadLine(t)
	if err != nil && err != io.EOF {
		return "", err
	}
	if _, err := proc.Stdout.ReadAll(t); err != nil {
		return "", err
	}
	if _, err := proc.Wait(t); err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(line)), nil
}

func mainTask(w io.Writer, cmds []string) func(t *aio.Task) error {
	return func(t *aio.Task) error {
		runs := make([]*aio.Future[string], len(cmds))
		for i, cmd := range cmds {
			runs[i] = aio.Spawn(t, func(t *aio.Task) (string, error) { return run(t, cmd) })
		}
		reports, err := aio.Gather(t, runs...)
		if err != nil {
			return err
		}
		for _, r := range reports {
			fmt.Fprint(w, r)
		}
		date, err := firstLine(t, "date", "+%Y")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "Current year: %s\n", date)
		return nil
	}
}

func main() {
	if err := aio.Run(mainTask(os.Stdout, []string{"ls /zzz", `sleep 1; echo "hello"`})); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
