package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The command-line tests run the real command: this test binary,
// re-executed with cliEnv set, runs main with the arguments given.

const cliEnv = "AIO_CLI_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(cliEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command makes the command with args, bounded in time.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	return cmd
}

// runCommand runs the command to its end and returns its outputs and exit
// status.
func runCommand(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := command(t, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"help", "serve"}} {
		out, errs, code := runCommand(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: aio serve") ||
			!strings.Contains(out, "-loops N") || !strings.Contains(out, "examples:") {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		out, errs, code := runCommand(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: aio <command>") {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
}

// Each bad command line is rejected with one line on stderr, prefixed
// once, and exit status 2; a failing command exits 1.
func TestCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "-loops", "-1"}, 2, "aio: serve: -loops must be between 0 (one per core) and 1024, not -1"},
		{[]string{"serve", "-loops", "100000"}, 2, "not 100000"},
		{[]string{"serve", "-loops", "x"}, 2, `aio: serve: invalid value "x" for flag -loops`},
		{[]string{"serve", "-nope"}, 2, "aio: serve: flag provided but not defined: -nope (see 'aio serve -h')"},
		{[]string{"serve", "extra"}, 2, `aio: serve: unexpected argument "extra"`},
		{[]string{"bogus"}, 2, `aio: unknown command "bogus" (see 'aio help')`},
		{[]string{"serve", "-addr", "256.0.0.1:0", "-loops", "1"}, 1, "aio: ServeMultiLoop: "},
	}
	for _, c := range cases {
		out, errs, code := runCommand(t, c.args...)
		if code != c.code || out != "" || strings.Count(errs, "\n") != 1 ||
			strings.Count(errs, "aio:") != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q; want exit %d and one line with %q",
				strings.Join(c.args, " "), code, out, errs, c.code, c.want)
		}
	}
	_, errs, code := runCommand(t)
	if code != 2 || !strings.Contains(errs, "usage: aio <command>") || !strings.HasSuffix(errs, "aio: missing command\n") {
		t.Errorf("aio: exit %d, stderr %q", code, errs)
	}
}

// The real command serves until SIGINT and then exits 0.
func TestCommandServesUntilSignal(t *testing.T) {
	cmd := command(t, "serve", "-addr", "127.0.0.1:0", "-loops", "1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(out)
	banner, _ := lines.ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSuffix(banner, "...\n"), "Server started at ")
	if !ok {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("banner %q, stderr %q", banner, errb.String())
	}
	resp, err := http.Get(url + "/hello/cli")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "<h1>hello, cli!</h1>" {
			t.Errorf("body %q", body)
		}
	} else {
		t.Error(err)
	}
	http.DefaultClient.CloseIdleConnections()
	cmd.Process.Signal(syscall.SIGINT)
	rest, _ := io.ReadAll(lines)
	if err := cmd.Wait(); err != nil || string(rest) != "Server stopping...\n" || errb.Len() != 0 {
		t.Fatalf("after SIGINT: %v, stdout %q, stderr %q", err, rest, errb.String())
	}
}
