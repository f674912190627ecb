//go:build linux

package aio_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// runProc runs body on a fresh loop under the fd and goroutine leak
// checks: every test here starts real processes and must release every
// pipe, pidfd and goroutine they cost.
func runProc(t *testing.T, body func(tk *aio.Task) error) {
	t.Helper()
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	aiotest.Run(t, body)
}

func TestSubprocessEchoStdout(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessExec(tk, "echo", []string{"hello", "world"}, aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		if p.Stdin != nil || p.Stderr != nil || p.Stdout == nil {
			t.Errorf("streams: stdin %v stdout %v stderr %v; want only stdout", p.Stdin, p.Stdout, p.Stderr)
		}
		if p.Pid <= 0 {
			t.Errorf("Pid = %d", p.Pid)
		}
		out, err := p.Stdout.ReadAll(tk)
		if err != nil {
			return err
		}
		code, err := p.Wait(tk)
		if err != nil {
			return err
		}
		if string(out) != "hello world\n" || code != 0 {
			t.Errorf("got %q, code %d; want %q, 0", out, code, "hello world\n")
		}
		if c, ok := p.ReturnCode(); !ok || c != 0 {
			t.Errorf("ReturnCode() = %d, %v", c, ok)
		}
		return nil
	})
}

func TestSubprocessExitCodes(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		for _, c := range []struct {
			name string
			args []string
			want int
		}{
			{"true", nil, 0},
			{"false", nil, 1},
			{"sh", []string{"-c", "exit 42"}, 42},
		} {
			p, err := aio.CreateSubprocessExec(tk, c.name, c.args)
			if err != nil {
				return err
			}
			if code, ok := p.ReturnCode(); ok {
				t.Errorf("%s: ReturnCode() = %d before Wait", c.name, code)
			}
			code, err := p.Wait(tk)
			if err != nil {
				return err
			}
			if code != c.want {
				t.Errorf("%s %v: code %d, want %d", c.name, c.args, code, c.want)
			}
			if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("Kill after exit: %v, want os.ErrProcessDone", err)
			}
		}
		return nil
	})
}

func TestSubprocessShellStderrToStdout(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessShell(tk, "echo out; echo err >&2; exit 3",
			aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Stdout))
		if err != nil {
			return err
		}
		if p.Stderr != nil {
			t.Error("Stderr set for stderr=Stdout")
		}
		out, errOut, err := p.Communicate(tk, nil)
		if err != nil {
			return err
		}
		if string(out) != "out\nerr\n" || errOut != nil {
			t.Errorf("Communicate = %q, %q", out, errOut)
		}
		code, _ := p.ReturnCode()
		if code != 3 {
			t.Errorf("code %d, want 3", code)
		}
		return nil
	})
}

func TestSubprocessEnvAndDir(t *testing.T) {
	dir := t.TempDir()
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessShell(tk, `printf '%s|%s' "$AIO_TEST_VAR" "$(pwd)"`,
			aio.ProcStdout(aio.Pipe), aio.ProcEnv([]string{"AIO_TEST_VAR=hello there", "PATH=" + os.Getenv("PATH")}), aio.ProcDir(dir))
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(tk, nil)
		if err != nil {
			return err
		}
		if want := "hello there|" + dir; string(out) != want {
			t.Errorf("got %q, want %q", out, want)
		}
		return nil
	})
}

func TestSubprocessDevNull(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		// stdin from /dev/null: cat ends at once; its stdout to
		// /dev/null too, stderr piped (and empty).
		p, err := aio.CreateSubprocessExec(tk, "sh", []string{"-c", "cat; echo gone >/dev/stdout"},
			aio.ProcStdin(aio.DevNull), aio.ProcStdout(aio.DevNull), aio.ProcStderr(aio.Pipe))
		if err != nil {
			return err
		}
		out, errOut, err := p.Communicate(tk, nil)
		if err != nil {
			return err
		}
		if out != nil || len(errOut) != 0 {
			t.Errorf("Communicate = %q, %q; want nil, empty", out, errOut)
		}
		if code, _ := p.ReturnCode(); code != 0 {
			t.Errorf("code %d", code)
		}
		return nil
	})
}

func TestSubprocessFiles(t *testing.T) {
	dir := t.TempDir()
	inPath, outPath := dir+"/in", dir+"/out"
	if err := os.WriteFile(inPath, []byte("from a file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runProc(t, func(tk *aio.Task) error {
		fin, err := os.Open(inPath)
		if err != nil {
			return err
		}
		defer fin.Close()
		fout, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer fout.Close()
		p, err := aio.CreateSubprocessExec(tk, "cat", nil, aio.ProcStdinFile(fin), aio.ProcStdoutFile(fout))
		if err != nil {
			return err
		}
		if _, err := p.Wait(tk); err != nil {
			return err
		}
		got, err := os.ReadFile(outPath)
		if err != nil {
			return err
		}
		if string(got) != "from a file\n" {
			t.Errorf("out file holds %q", got)
		}
		return nil
	})
}

func TestSubprocessKillTerminate(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		for _, c := range []struct {
			send func(*aio.Process) error
			want int
		}{
			{(*aio.Process).Kill, -int(syscall.SIGKILL)},
			{(*aio.Process).Terminate, -int(syscall.SIGTERM)},
			{func(p *aio.Process) error { return p.SendSignal(syscall.SIGUSR1) }, -int(syscall.SIGUSR1)}, // not SIGINT: a shell may start us with it ignored
		} {
			// The child says it is ready before it waits, so the signal
			// never comes before exec.
			p, err := aio.CreateSubprocessExec(tk, "sh", []string{"-c", "echo ready; exec sleep 60"}, aio.ProcStdout(aio.Pipe))
			if err != nil {
				return err
			}
			if _, err := p.Stdout.ReadLine(tk); err != nil {
				return err
			}
			if err := c.send(p); err != nil {
				return err
			}
			code, err := p.Wait(tk)
			if err != nil {
				return err
			}
			if code != c.want {
				t.Errorf("code %d, want %d", code, c.want)
			}
			if _, err := p.Stdout.ReadAll(tk); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestSubprocessNotFound(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		_, err := aio.CreateSubprocessExec(tk, "aio-no-such-program", nil, aio.ProcStdout(aio.Pipe))
		var ee *exec.Error
		if !errors.As(err, &ee) || !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("lookup: %v (%T), want an *exec.Error matching exec.ErrNotFound", err, err)
		}
		_, err = aio.CreateSubprocessExec(tk, "/nonexistent/aio-prog", nil, aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		var pe *os.PathError
		if !errors.As(err, &pe) || !errors.Is(err, os.ErrNotExist) || pe.Path != "/nonexistent/aio-prog" {
			t.Errorf("exec: %v (%T), want an *os.PathError matching os.ErrNotExist", err, err)
		}
		_, err = aio.CreateSubprocessExec(tk, t.TempDir(), nil, aio.ProcStdout(aio.Pipe))
		if !errors.As(err, &pe) || !errors.Is(err, os.ErrPermission) {
			t.Errorf("exec of a directory: %v (%T), want an *os.PathError matching os.ErrPermission", err, err)
		}
		return nil
	})
}

// TestSubprocessCommunicateLarge: 10 MiB in, 10 MiB out on stdout and on
// stderr at once. A Communicate that fed stdin before reading, or read
// one output before the other, would deadlock on full pipes.
func TestSubprocessCommunicateLarge(t *testing.T) {
	const n = 10 << 20
	input := bytes.Repeat([]byte("0123456789abcdef"), n/16)
	runProc(t, func(tk *aio.Task) error {
		// tee copies stdin to stdout and to stderr as it reads.
		p, err := aio.CreateSubprocessShell(tk, "tee /dev/stderr",
			aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Pipe))
		if err != nil {
			return err
		}
		out, errOut, err := p.Communicate(tk, input)
		if err != nil {
			return err
		}
		if !bytes.Equal(out, input) || !bytes.Equal(errOut, input) {
			t.Errorf("stdout %d bytes, stderr %d bytes, equal to input: %v %v", len(out), len(errOut), bytes.Equal(out, input), bytes.Equal(errOut, input))
		}
		if code, _ := p.ReturnCode(); code != 0 {
			t.Errorf("code %d", code)
		}
		return nil
	})
}

// TestSubprocessInteractive talks to cat line by line through Stdin and
// Stdout, then closes stdin to end it.
func TestSubprocessInteractive(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessExec(tk, "cat", nil, aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		for _, line := range []string{"one\n", "two\n", "three\n"} {
			if err := p.Stdin.Write([]byte(line)); err != nil {
				return err
			}
			if err := p.Stdin.Drain(tk); err != nil {
				return err
			}
			got, err := p.Stdout.ReadLine(tk)
			if err != nil {
				return err
			}
			if string(got) != line {
				t.Errorf("echoed %q, want %q", got, line)
			}
		}
		if !p.Stdin.CanWriteEOF() {
			t.Error("stdin: CanWriteEOF false")
		}
		if err := p.Stdin.WriteEOF(); err != nil {
			return err
		}
		if err := p.Stdin.Write([]byte("late")); !errors.Is(err, aio.ErrTransportClosed) {
			t.Errorf("Write after WriteEOF: %v", err)
		}
		if _, err := p.Stdout.ReadLine(tk); err != io.EOF {
			t.Errorf("ReadLine at the end: %v, want io.EOF", err)
		}
		if err := p.Stdin.WaitClosed(tk); err != nil {
			return err
		}
		code, err := p.Wait(tk)
		if code != 0 || err != nil {
			t.Errorf("Wait = %d, %v", code, err)
		}
		return nil
	})
}

// TestSubprocessExitWithGrandchildHoldingPipes: the child exits while a
// grandchild keeps its stdin and stdout open. Wait returns the child's
// code at once, and the pipes go on working with the grandchild until it
// closes them. The grandchild (cat) only ends when stdin closes, so
// Wait cannot have waited for the pipes.
func TestSubprocessExitWithGrandchildHoldingPipes(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		// A background command's stdin is /dev/null unless redirected:
		// fd 3 keeps the pipe for it.
		p, err := aio.CreateSubprocessShell(tk, "exec 3<&0; cat <&3 3<&- & exit 3",
			aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		code, err := p.Wait(tk)
		if err != nil {
			return err
		}
		if code != 3 {
			t.Errorf("code %d, want 3", code)
		}
		if err := p.Stdin.Write([]byte("after the exit\n")); err != nil {
			return err
		}
		line, err := p.Stdout.ReadLine(tk)
		if err != nil {
			return err
		}
		if string(line) != "after the exit\n" {
			t.Errorf("grandchild echoed %q", line)
		}
		out, _, err := p.Communicate(tk, []byte("the end\n"))
		if err != nil {
			return err
		}
		if string(out) != "the end\n" {
			t.Errorf("Communicate read %q", out)
		}
		return nil
	})
}

// TestSubprocessClosesPipesKeepsRunning: the child closes stdout and
// stderr and waits on stdin; the readers see their end while the child
// runs, and the child ends only when it reads a line.
func TestSubprocessClosesPipesKeepsRunning(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessShell(tk, "echo bye; exec 1>&- 2>&-; read x; exit 5",
			aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Pipe))
		if err != nil {
			return err
		}
		out, err := p.Stdout.ReadAll(tk)
		if err != nil {
			return err
		}
		errOut, err := p.Stderr.ReadAll(tk)
		if err != nil {
			return err
		}
		if string(out) != "bye\n" || len(errOut) != 0 {
			t.Errorf("stdout %q, stderr %q", out, errOut)
		}
		if code, ok := p.ReturnCode(); ok {
			t.Fatalf("the child exited (%d) before it could read its line", code)
		}
		if err := p.Stdin.Write([]byte("go\n")); err != nil {
			return err
		}
		code, err := p.Wait(tk)
		if err != nil {
			return err
		}
		if code != 5 {
			t.Errorf("code %d, want 5", code)
		}
		return p.Stdin.Close()
	})
}

// TestSubprocessWaitCancelled: a cancelled Wait leaves the child running;
// a later Wait gets its code.
func TestSubprocessWaitCancelled(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessExec(tk, "sleep", []string{"60"})
		if err != nil {
			return err
		}
		w := aio.Spawn(tk, p.Wait)
		if err := aio.Sleep(tk, 0); err != nil { // w waits
			return err
		}
		w.Cancel()
		if _, err := aio.Await(tk, w); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled Wait: %v", err)
		}
		if _, ok := p.ReturnCode(); ok {
			t.Error("the child ended with the cancelled Wait")
		}
		if err := p.Kill(); err != nil {
			return err
		}
		code, err := p.Wait(tk)
		if err != nil {
			return err
		}
		if code != -int(syscall.SIGKILL) {
			t.Errorf("code %d", code)
		}
		return nil
	})
}

// TestSubprocessCommunicateCancelled: a cancelled Communicate leaves what
// it read in the reader, and the pipes usable.
func TestSubprocessCommunicateCancelled(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessShell(tk, "echo partial; read x; echo rest $x",
			aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		// The child reads its line from the input of the first
		// Communicate if it was written before the cancel, else from the
		// second's.
		c := aio.Spawn(tk, func(t *aio.Task) (struct{}, error) {
			_, _, err := p.Communicate(t, []byte("first\n"))
			return struct{}{}, err
		})
		for p.Stdout.Buffered() == 0 { // "partial" is in
			if err := aio.Sleep(tk, 0); err != nil {
				return err
			}
		}
		c.Cancel()
		if _, err := aio.Await(tk, c); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("cancelled Communicate: %v", err)
		}
		line, err := p.Stdout.ReadLine(tk)
		if err != nil {
			return err
		}
		if string(line) != "partial\n" {
			t.Errorf("after the cancel, read %q", line)
		}
		out, _, err := p.Communicate(tk, []byte("second\n"))
		if err != nil {
			return err
		}
		if s := string(out); s != "rest first\n" && s != "rest second\n" {
			t.Errorf("second Communicate read %q", out)
		}
		return nil
	})
}

func TestSubprocessCommunicateRefusesInputWithoutPipe(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessExec(tk, "true", nil, aio.ProcStdin(aio.DevNull))
		if err != nil {
			return err
		}
		if _, _, err := p.Communicate(tk, []byte("x")); !errors.Is(err, aio.ErrStdinNotPipe) {
			t.Errorf("Communicate with input: %v, want ErrStdinNotPipe", err)
		}
		_, _, err = p.Communicate(tk, nil)
		return err
	})
}

// TestSubprocessStdinBrokenPipe: Communicate's input to a child that does
// not read it is dropped without error, as in asyncio.
func TestSubprocessStdinBrokenPipe(t *testing.T) {
	runProc(t, func(tk *aio.Task) error {
		p, err := aio.CreateSubprocessExec(tk, "true", nil, aio.ProcStdin(aio.Pipe))
		if err != nil {
			return err
		}
		_, _, err = p.Communicate(tk, make([]byte, 4<<20))
		return err
	})
}

// TestSubprocessInheritsOnlyStdio: a child sees fds 0, 1 and 2 and
// nothing else of the parent's, even while the loop holds other
// processes' pipes, its pidfds and its epoll fd. (Fds the test process
// itself inherited without close-on-exec pass to every child, as with
// os/exec: they are allowed.)
func TestSubprocessInheritsOnlyStdio(t *testing.T) {
	inherited := map[string]bool{"0": true, "1": true, "2": true}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	for _, e := range ents {
		info, err := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		var flags int64
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "flags:"); ok {
				flags, _ = strconv.ParseInt(strings.TrimSpace(v), 8, 64)
			}
		}
		if err == nil && flags&syscall.O_CLOEXEC == 0 {
			inherited[e.Name()] = true
		}
	}
	runProc(t, func(tk *aio.Task) error {
		other, err := aio.CreateSubprocessExec(tk, "cat", nil, aio.ProcStdin(aio.Pipe), aio.ProcStdout(aio.Pipe), aio.ProcStderr(aio.Pipe))
		if err != nil {
			return err
		}
		// ls opens the directory itself: one fd above 2 is its own.
		p, err := aio.CreateSubprocessExec(tk, "ls", []string{"/proc/self/fd"}, aio.ProcStdout(aio.Pipe))
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(tk, nil)
		if err != nil {
			return err
		}
		var extra []string
		for _, fd := range strings.Fields(string(out)) {
			if !inherited[fd] {
				extra = append(extra, fd)
			}
		}
		if len(extra) != 1 {
			t.Errorf("the child has fds %q beyond the inherited %v; want only ls's own", extra, inherited)
		}
		_, _, err = other.Communicate(tk, nil)
		return err
	})
}
