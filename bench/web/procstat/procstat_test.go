//go:build linux

package procstat

import (
	"os"
	"testing"
	"time"
)

// TestCPUAgreesWithGetrusage burns CPU, then reads this process's CPU
// time both ways: /proc/self/stat and getrusage count the same thing,
// so they differ by no more than /proc's 10 ms ticks (and the few
// instructions between the two reads).
func TestCPUAgreesWithGetrusage(t *testing.T) {
	for x, start := 0, SelfCPU(); SelfCPU()-start < 200*time.Millisecond; x++ {
		_ = x * x
	}
	proc, err := CPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self := SelfCPU()
	if d := self - proc; d < -20*time.Millisecond || d > 50*time.Millisecond {
		t.Fatalf("/proc says %v, getrusage %v", proc, self)
	}
}

func TestRSS(t *testing.T) {
	kib, err := RSSKiB(os.Getpid())
	if err != nil || kib <= 0 {
		t.Fatalf("RSSKiB = %d, %v", kib, err)
	}
}

func TestNoSuchProcess(t *testing.T) {
	// pid_max is at most 2^22: this pid cannot exist.
	if _, err := CPU(1 << 23); err == nil {
		t.Error("CPU of a missing process: no error")
	}
	if _, err := RSSKiB(1 << 23); err == nil {
		t.Error("RSSKiB of a missing process: no error")
	}
}
