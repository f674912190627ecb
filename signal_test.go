package aio

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestSignalHandlerRunsOnLoop(t *testing.T) {
	l, _ := NewLoop()
	defer l.Close()
	got := 0
	if err := l.AddSignalHandler(syscall.SIGUSR1, func() { got++; l.Stop() }); err != nil {
		t.Fatal(err)
	}
	if err := l.AddSignalHandler(syscall.SIGUSR1, nil); err == nil {
		t.Fatal("nil handler accepted")
	}
	l.CallSoon(func() { syscall.Kill(os.Getpid(), syscall.SIGUSR1) })
	l.RunForever()
	if got != 1 {
		t.Fatalf("handler ran %d times", got)
	}
	if !l.RemoveSignalHandler(syscall.SIGUSR1) || l.RemoveSignalHandler(syscall.SIGUSR1) {
		t.Fatal("RemoveSignalHandler")
	}
}

func TestRunCancelsMainOnSIGINT(t *testing.T) {
	cleaned := false
	err := Run(func(t *Task) error {
		defer func() { cleaned = true }()
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		return Sleep(t, time.Hour)
	})
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, ErrCancelled) || !cleaned {
		t.Fatalf("err %v cleaned %v", err, cleaned)
	}
}

func TestRunCancelsLeftoverTasks(t *testing.T) {
	var leftoverErr error
	err := Run(func(t *Task) error {
		Spawn(t, func(t *Task) (int, error) {
			leftoverErr = Sleep(t, time.Hour)
			return 0, leftoverErr
		})
		return Sleep(t, 0)
	}, VirtualClock(), NoSignalHandlers())
	if err != nil || !errors.Is(leftoverErr, ErrCancelled) {
		t.Fatalf("err %v leftover %v", err, leftoverErr)
	}
}
