package aio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests of Run's signal handling send real signals to a child process:
// the test binary itself, re-executed with runChildEnv naming what its
// TestRunSignalChild should do. Each child reports its progress on stdout,
// one line at a time, so the parent sends the next signal only once the
// previous one has been seen (two signals sent at once may be merged into
// one by the kernel).

const runChildEnv = "AIO_RUN_SIGNAL_CHILD"

// TestRunSignalChild is the child's side; it does nothing in a normal run.
func TestRunSignalChild(t *testing.T) {
	mode := os.Getenv(runChildEnv)
	if mode == "" {
		t.Skip("only run as the child of the Run signal tests")
	}
	// The observer tells the parent a signal reached the process, for the
	// case of a blocked loop that cannot say so itself.
	obs := make(chan os.Signal, 8)
	signal.Notify(obs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range obs {
			fmt.Println("signal", sig)
		}
	}()
	var err error
	switch mode {
	case "blocked":
		err = Run(func(t *Task) error {
			fmt.Println("ready")
			time.Sleep(time.Hour) // blocks the loop goroutine
			return nil
		})
	case "refuse":
		err = Run(func(t *Task) error {
			fmt.Println("ready")
			said := false
			for {
				if err := Sleep(t, 10*time.Millisecond); err != nil && !said {
					fmt.Println("cancelled")
					said = true
				}
			}
		})
	case "graceful":
		err = Run(func(t *Task) error {
			fmt.Println("ready")
			return Sleep(t, time.Hour)
		})
	case "removed":
		err = Run(func(t *Task) error {
			t.Loop().AddSignalHandler(os.Interrupt, func() {})
			t.Loop().RemoveSignalHandler(os.Interrupt)
			fmt.Println("ready")
			return Sleep(t, time.Hour)
		})
	case "handled":
		err = Run(func(t *Task) error {
			got := NewQueue[os.Signal](0)
			t.Loop().AddSignalHandler(os.Interrupt, func() { got.PutNowait(os.Interrupt) })
			fmt.Println("ready")
			for i := range 2 {
				if _, err := got.Get(t); err != nil {
					return err
				}
				fmt.Println("handled", i+1)
			}
			return nil
		})
	}
	fmt.Printf("returned %v interrupted=%v\n", err, errors.Is(err, ErrInterrupted))
}

// signalChild runs the child in mode, sends it the signals, each after
// waiting for the line named with it, and returns the child's output and
// how it ended. A hard timeout kills a child that outlives the test.
func signalChild(t *testing.T, mode string, steps ...any) (string, *os.ProcessState) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []string{os.Args[0], "-test.run=^TestRunSignalChild$", "-test.count=1"}
	if m, ok := strings.CutSuffix(mode, "+ignored"); ok {
		// The shell starts the child with SIGINT ignored, as a shell
		// starts a background job.
		mode = m
		args = append([]string{"/bin/sh", "-c", `trap "" INT; exec "$0" "$@"`}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), runChildEnv+"="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen strings.Builder
	lines := bufio.NewScanner(out)
	waitFor := func(want string) {
		for lines.Scan() {
			seen.WriteString(lines.Text() + "\n")
			if lines.Text() == want {
				return
			}
		}
		t.Errorf("child ended before printing %q; output:\n%s", want, seen.String())
	}
	for i := 0; i+1 < len(steps); i += 2 {
		waitFor(steps[i].(string))
		if t.Failed() {
			break
		}
		cmd.Process.Signal(steps[i+1].(os.Signal))
	}
	rest, _ := io.ReadAll(out)
	seen.Write(rest)
	cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("child %s did not end: killed after the timeout; output:\n%s", mode, seen.String())
	}
	return seen.String(), cmd.ProcessState
}

// diedBy reports whether the child was ended by sig.
func diedBy(st *os.ProcessState, sig syscall.Signal) bool {
	ws, ok := st.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

func TestRunSecondSignalEndsBlockedProgram(t *testing.T) {
	out, st := signalChild(t, "blocked",
		"ready", os.Interrupt,
		"signal interrupt", os.Interrupt)
	if !diedBy(st, syscall.SIGINT) {
		t.Fatalf("child ended with %v, want death by SIGINT; output:\n%s", st, out)
	}
}

func TestRunSecondSignalEndsRefusingProgram(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out, st := signalChild(t, "refuse",
			"ready", sig,
			"cancelled", sig)
		if !diedBy(st, sig) {
			t.Fatalf("%v: child ended with %v, want death by the signal; output:\n%s", sig, st, out)
		}
	}
}

func TestRunFirstSignalCancelsMain(t *testing.T) {
	out, st := signalChild(t, "graceful", "ready", syscall.SIGTERM)
	if !st.Success() || !strings.Contains(out, "returned aio: interrupted by signal (terminated) interrupted=true") {
		t.Fatalf("child ended with %v; output:\n%s", st, out)
	}
}

// A handler the program sets for SIGINT takes the signal over from Run,
// as a handler set with asyncio's add_signal_handler does: neither the
// first signal cancels main nor the second ends the process.
func TestRunLeavesHandledSignalToHandler(t *testing.T) {
	out, st := signalChild(t, "handled",
		"ready", os.Interrupt,
		"handled 1", os.Interrupt)
	if !st.Success() || !strings.Contains(out, "handled 2\n") ||
		!strings.Contains(out, "returned <nil> interrupted=false") {
		t.Fatalf("child ended with %v; output:\n%s", st, out)
	}
}

// Removing the program's handler gives the signal back to Run.
func TestRunTakesSignalBackFromRemovedHandler(t *testing.T) {
	out, st := signalChild(t, "removed", "ready", os.Interrupt)
	if !st.Success() || !strings.Contains(out, "returned aio: interrupted by signal (interrupt) interrupted=true") {
		t.Fatalf("child ended with %v; output:\n%s", st, out)
	}
}

// A program started with SIGINT ignored still handles it while Run runs
// (os/signal installs a handler); the second one cannot kill it by
// raising the signal again, since Reset restores "ignored", so Run exits
// with the status a shell gives a death by SIGINT.
func TestRunSecondSignalExitsWhenIgnoredAtStart(t *testing.T) {
	out, st := signalChild(t, "refuse+ignored",
		"ready", os.Interrupt,
		"cancelled", os.Interrupt)
	if st.ExitCode() != 128+int(syscall.SIGINT) {
		t.Fatalf("child ended with %v, want exit status %d; output:\n%s", st, 128+int(syscall.SIGINT), out)
	}
}
