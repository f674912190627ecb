package main

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
)

// want is what the Python original prints when SIGINT comes while the
// tasks sleep (checked with CPython 3.13.0): four tasks, counting the one
// that waits for the other three, each cancelled.
var want = strings.Repeat("waiting\n", 3) + strings.Repeat("cancel task\ntrue\n", 4)

// waitingWriter collects the output and closes ready once the three
// "waiting" lines are out. Only the loop's goroutine writes to it; the
// test reads buf after run has returned.
type waitingWriter struct {
	buf   bytes.Buffer
	ready chan struct{}
}

func (w *waitingWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	if w.ready != nil && strings.Count(w.buf.String(), "waiting\n") == 3 {
		close(w.ready)
		w.ready = nil
	}
	return n, err
}

// TestInterrupt runs on the real clock and sends a real SIGINT to the test
// process once the three tasks are waiting: the loop's handler must cancel
// them all, well before the first would finish after two seconds.
func TestInterrupt(t *testing.T) {
	ready := make(chan struct{})
	w := &waitingWriter{ready: ready}
	done := make(chan error, 1)
	go func() { done <- run(w) }()

	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("run returned before the tasks were waiting: %v\noutput:\n%s", err, w.buf.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := w.buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}
