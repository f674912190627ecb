//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package poll

import "testing"

// assertWakeDrained checks that no wake-up is left pending in the kernel:
// a non-blocking Wait returns nothing. (The EVFILT_USER event is reset by
// EV_CLEAR; the pipe is drained by Wait.)
func assertWakeDrained(t *testing.T, p *Poller) {
	t.Helper()
	if n, err := p.Wait(make([]Ready, 4), 0); n != 0 || err != nil {
		t.Fatalf("Wait(0) after drain: n=%d err=%v", n, err)
	}
	if p.pending.Load() {
		t.Fatal("wake flag still set")
	}
}
