package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/aio-go/aio"
)

func TestRun(t *testing.T) {
	var buf bytes.Buffer
	cmds := []string{"ls /zzz", `sleep 0.1; echo "hello"`}
	if err := aio.Run(mainTask(&buf, cmds)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// ls's message and code differ between implementations (GNU ls
	// exits with 2, busybox with 1): what matters is that it failed and
	// said why on stderr.
	if !regexp.MustCompile(`^\['ls /zzz' exited with [12]\]\n\[stderr\]\n.*/zzz.*\n`).MatchString(out) {
		t.Errorf("the ls report is wrong:\n%s", out)
	}
	if !strings.Contains(out, `['sleep 0.1; echo "hello"' exited with 0]`+"\n[stdout]\nhello\n\n") {
		t.Errorf("the echo report is wrong:\n%s", out)
	}
	if !regexp.MustCompile(`\nCurrent year: \d{4}\n$`).MatchString(out) {
		t.Errorf("no year at the end:\n%s", out)
	}
}
