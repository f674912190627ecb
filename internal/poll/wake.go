//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package poll

import (
	"sync"
	"sync/atomic"
)

// waker holds the state shared by every Poller implementation for Wake: the
// coalescing flag and the guard that keeps Wake from writing to a closed (and
// possibly reused) fd while Close runs on another goroutine.
type waker struct {
	// closed is set once by Close, under mu.
	closed atomic.Bool
	// pending is set by the Wake that signals the kernel object and cleared
	// by Wait after it has consumed the signal.
	pending atomic.Bool
	// mu is held shared by Wake while it signals, and exclusively by Close
	// while it sets closed, so that no signal is in flight once Close
	// releases the wake fd.
	mu sync.RWMutex
	// signals counts the signals attempted (write(2) or kevent(2)); a test
	// hook. It is incremented before the signal is sent, so once Wait has
	// consumed a signal its count is visible.
	signals atomic.Uint64
}

// Wake makes the current Wait return, or the next one if none is running.
// It is safe to call from any goroutine, at any time.
//
// Wakes are coalesced: between two Waits, only the first Wake signals the
// kernel (one write(2) or kevent(2)); the others only read an atomic flag.
// The wake-up is consumed inside Wait and never reported as an event.
// After Close, Wake returns ErrClosed.
func (p *Poller) Wake() error {
	if p.closed.Load() {
		return ErrClosed
	}
	if p.pending.Load() || !p.pending.CompareAndSwap(false, true) {
		return nil // a signal is already on its way
	}
	p.mu.RLock()
	if p.closed.Load() {
		p.mu.RUnlock()
		return ErrClosed
	}
	p.signals.Add(1)
	err := p.signalWake()
	p.mu.RUnlock()
	if err != nil {
		p.pending.Store(false) // let the next Wake try again
		return err
	}
	return nil
}

// wakeConsumed is called by Wait after it has drained the wake signal. The
// order (drain, then clear the flag) matters: a Wake that runs in between sees
// the flag still set and skips its signal, which is fine because the current
// Wait is about to return anyway. Clearing first could leave the flag set with
// no signal pending, and every later Wake would be lost.
func (p *Poller) wakeConsumed() {
	p.pending.Store(false)
}

// markClosed sets the closed flag and waits for any in-flight Wake signal to
// finish. It reports false if the Poller was already closed. After it returns
// true, no Wake touches the wake fd again.
func (p *Poller) markClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return false
	}
	p.closed.Store(true)
	return true
}
