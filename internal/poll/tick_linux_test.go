//go:build linux

package poll

import (
	"testing"

	"golang.org/x/sys/unix"
)

// Tests of the quiet ticks (tick_linux.go), fed by hand through collect
// so that what counts as activity is checked without timing.

// tickOnce hands p one tick, as the kernel reports it, and reports
// whether it made the next Wait park.
func tickOnce(p *Poller) bool {
	p.collect(make([]Ready, 8), []unix.EpollEvent{{Events: unix.EPOLLIN, Fd: int32(p.ticks.fd)}})
	park := p.parkNext
	p.parkNext = false
	return park
}

func TestTickFindsQuiet(t *testing.T) {
	p, r, _ := pollerWithPipe(t)
	if p.ticks.fd < 0 {
		t.Skip("no timerfd here: every Wait holds briefly")
	}
	if err := p.ticks.arm(); err != nil {
		t.Fatal(err)
	}
	defer p.ticks.disarm()
	events := make([]Ready, 8)
	for _, c := range []struct {
		name string
		act  func()
	}{
		{"nothing", func() {}},
		{"an fd event", func() {
			p.collect(events, []unix.EpollEvent{{Events: unix.EPOLLIN, Fd: int32(r)}})
		}},
		{"a wake-up", func() {
			p.Wake()
			p.collect(events, []unix.EpollEvent{{Events: unix.EPOLLIN, Fd: int32(p.wakefd)}})
		}},
		{"a Wait(0): callbacks ready", func() { p.Wait(events, 0) }},
		{"a timer due", func() {
			p.parkNext = false
			for p.ticks.active == 0 { // a tick that ends the Wait first is no timer
				if n, err := p.Wait(events, holdMax/4); n != 0 || err != nil {
					t.Fatalf("Wait: n=%d err=%v", n, err)
				}
			}
		}},
	} {
		tickOnce(p) // what came before is forgotten
		c.act()
		quiet := c.name == "nothing"
		if got := tickOnce(p); got != quiet {
			t.Errorf("after %s, the tick made the next Wait park: %v, want %v", c.name, got, quiet)
		}
	}
}

// TestParkStopsTicks: a park disarms the ticks, and the next holding Wait
// arms them again.
func TestParkStopsTicks(t *testing.T) {
	p, _, _ := pollerWithPipe(t)
	if p.ticks.fd < 0 {
		t.Skip("no timerfd here")
	}
	events := make([]Ready, 8)
	p.Wait(events, holdMax/4)
	if !p.ticks.armed {
		t.Fatal("a holding Wait did not arm the ticks")
	}
	p.parkNext = true
	p.Wait(events, holdMax/4)
	if p.ticks.armed {
		t.Fatal("a park left the ticks armed")
	}
}

// TestTickPeriodGrows: a run of busy ticks doubles the period, up to
// tickMax; a tick with less to do brings it back at once (a client on the
// same P waits for each park), and the next arming starts over.
func TestTickPeriodGrows(t *testing.T) {
	p, r, _ := pollerWithPipe(t)
	if p.ticks.fd < 0 {
		t.Skip("no timerfd here")
	}
	if err := p.ticks.arm(); err != nil {
		t.Fatal(err)
	}
	busy := []unix.EpollEvent{{Events: unix.EPOLLIN, Fd: int32(r)}}
	want := tickInterval
	for range 10 * tickStreak {
		for i := range tickStreak {
			if p.ticks.period != want {
				t.Fatalf("period %v after %d busy ticks, want %v", p.ticks.period, i, want)
			}
			for range tickBusy {
				p.collect(make([]Ready, 8), busy)
			}
			if tickOnce(p) {
				t.Fatal("a busy tick made the next Wait park")
			}
		}
		want = min(2*want, tickMax)
	}
	if p.ticks.period != tickMax {
		t.Fatalf("period %v after a long busy spell, want %v", p.ticks.period, tickMax)
	}
	p.collect(make([]Ready, 8), busy) // busy, but less than tickBusy
	if tickOnce(p) || p.ticks.period != tickInterval {
		t.Fatalf("a tick with little to do: period %v, want %v and no park", p.ticks.period, tickInterval)
	}
	if !tickOnce(p) {
		t.Fatal("a quiet tick did not make the next Wait park")
	}
	p.ticks.disarm()
	if err := p.ticks.arm(); err != nil || p.ticks.period != tickInterval {
		t.Fatalf("re-armed with period %v (%v), want %v", p.ticks.period, err, tickInterval)
	}
	p.ticks.disarm()
}
