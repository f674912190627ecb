//go:build linux

package aio

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// withoutPidfd makes the process reaped by a goroutine, the path of
// kernels without pidfds and of the other systems.
func withoutPidfd(c *procConfig) { c.noPidfd = true }

// TestSubprocessReapedWithoutPidfd runs exit codes, a signal and output
// through the goroutine fallback.
func TestSubprocessReapedWithoutPidfd(t *testing.T) {
	defer checkNoGoroutineLeak(t)()
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		p, err := CreateSubprocessShell(tk, "echo hi; exit 7", ProcStdout(Pipe), withoutPidfd)
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(tk, nil)
		if err != nil {
			return err
		}
		if code, _ := p.ReturnCode(); string(out) != "hi\n" || code != 7 {
			return fmt.Errorf("got %q, code %d", out, code)
		}
		p, err = CreateSubprocessShell(tk, "echo ready; exec sleep 60", ProcStdout(Pipe), withoutPidfd)
		if err != nil {
			return err
		}
		if _, err := p.Stdout.ReadLine(tk); err != nil {
			return err
		}
		if err := p.Kill(); err != nil {
			return err
		}
		if code, err := p.Wait(tk); code != -9 || err != nil {
			return fmt.Errorf("killed: code %d, %v", code, err)
		}
		if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("Kill after the exit: %v", err)
		}
		_, err = p.Stdout.ReadAll(tk)
		return err
	})
	l.Close()
}

// TestSubprocessLoopClosedWhileRunning: a loop that closes while its
// child runs leaves no zombie: the child, killed afterwards, is reaped.
func TestSubprocessLoopClosedWhileRunning(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []ProcOption
	}{{"pidfd", nil}, {"goroutine", []ProcOption{withoutPidfd}}} {
		t.Run(mode.name, func(t *testing.T) {
			defer checkNoGoroutineLeak(t)()
			checkFDs(t)
			l := newIOLoop(t)
			var pid int
			runTest(t, l, func(tk *Task) error {
				p, err := CreateSubprocessExec(tk, "sleep", []string{"60"}, append(mode.opts, ProcStdout(Pipe))...)
				if err != nil {
					return err
				}
				pid = p.Pid
				return nil
			})
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			gone := func() bool {
				_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
				return os.IsNotExist(err) // a zombie keeps its /proc entry until reaped
			}
			if !settled(gone) {
				t.Errorf("process %d was not reaped after the loop closed", pid)
			}
		})
	}
}

// TestSubprocessStdoutOnlyForStderr: Stdout is refused for stdin and
// stdout, with nothing left open.
func TestSubprocessStdoutOnlyForStderr(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		for _, o := range []ProcOption{ProcStdin(Stdout), ProcStdout(Stdout)} {
			if _, err := CreateSubprocessExec(tk, "true", nil, ProcStderr(Pipe), o); err == nil {
				return errors.New("Stdout accepted for stdin or stdout")
			}
		}
		if _, err := CreateSubprocessExec(tk, "true", nil, ProcStdout(Stdio(9))); err == nil {
			return errors.New("an invalid Stdio accepted")
		}
		return nil
	})
	l.Close()
}
