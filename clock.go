package aio

import "time"

// clock is the loop's source of time. The real clock is monotonic; the
// virtual clock only moves when the loop advances it (see VirtualClock).
type clock struct {
	virtual bool
	start   time.Time
	now     time.Duration // virtual time
	// autojump is how long, in real time, a virtual-clock loop waits for IO
	// before it jumps to the next timer.
	autojump time.Duration
}

func (c *clock) read() time.Duration {
	if c.virtual {
		return c.now
	}
	return time.Since(c.start)
}

// advanceTo moves a virtual clock forward to t; it never goes back.
func (c *clock) advanceTo(t time.Duration) {
	if t > c.now {
		c.now = t
	}
}
