package aio

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// signalState forwards the signals a loop handles from os/signal's channel
// to callbacks on the loop.
type signalState struct {
	ch   chan os.Signal
	done chan struct{}

	// mu guards what the forwarding goroutine reads of what the loop sets.
	mu        sync.Mutex
	handlers  map[os.Signal]func()
	interrupt func(os.Signal) // Run's: cancels the main task; run on the loop
	seen      int             // interrupts seen; forwarding goroutine only
}

// interruptSignals are the signals Run handles.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// AddSignalHandler makes fn run on the loop each time the process receives
// sig (asyncio's add_signal_handler). A second handler for the same signal
// replaces the first. While a handler is set, sig no longer has its
// default effect (such as ending the process) and, for SIGINT and
// SIGTERM, [Run] leaves it to the handler. Call it from the loop's
// goroutine.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	l.checkGoroutine("AddSignalHandler")
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if fn == nil {
		return fmt.Errorf("aio: AddSignalHandler: nil handler")
	}
	s := l.signalState()
	s.mu.Lock()
	s.handlers[sig] = fn
	s.mu.Unlock()
	signal.Notify(s.ch, sig)
	return nil
}

// RemoveSignalHandler removes the handler for sig and restores its default
// effect; it reports whether there was one (asyncio's
// remove_signal_handler).
func (l *Loop) RemoveSignalHandler(sig os.Signal) bool {
	l.checkGoroutine("RemoveSignalHandler")
	s := l.signals
	if s == nil || s.handler(sig) == nil {
		return false
	}
	s.mu.Lock()
	delete(s.handlers, sig)
	left := len(s.handlers)
	s.mu.Unlock()
	if left == 0 && s.interrupt == nil {
		s.stopAll()
		l.signals = nil
		return true
	}
	// Stop only this loop's channel (signal.Reset would be process-wide),
	// then subscribe it again to the signals it still handles.
	signal.Stop(s.ch)
	s.notify()
	return true
}

// handleInterrupts makes the first SIGINT or SIGTERM not handled by a
// handler of the program run fn on the loop, and the second end the
// process (see Run). The forwarding goroutine counts them, so the second
// one works even when the loop goroutine is blocked.
func (l *Loop) handleInterrupts(fn func(os.Signal)) {
	s := l.signalState()
	s.mu.Lock()
	s.interrupt = fn
	s.mu.Unlock()
	s.notify()
}

// signalState returns the loop's signal state, made on first use with its
// forwarding goroutine.
func (l *Loop) signalState() *signalState {
	if l.signals == nil {
		l.signals = &signalState{ch: make(chan os.Signal, 8), done: make(chan struct{}), handlers: map[os.Signal]func(){}}
		go l.signals.forward(l)
	}
	return l.signals
}

// notify subscribes the channel to every signal the loop handles.
func (s *signalState) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sig := range s.handlers {
		signal.Notify(s.ch, sig)
	}
	if s.interrupt != nil {
		signal.Notify(s.ch, interruptSignals...)
	}
}

func (s *signalState) handler(sig os.Signal) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handlers[sig]
}

func (s *signalState) forward(l *Loop) {
	for {
		select {
		case sig := <-s.ch:
			if fn := s.interruptFor(sig); fn != nil {
				if s.seen++; s.seen > 1 {
					raise(sig)
				}
				l.CallSoonThreadsafe(func() { fn(sig) })
				continue
			}
			l.CallSoonThreadsafe(func() {
				if fn := s.handler(sig); fn != nil {
					fn()
				}
			})
		case <-s.done:
			return
		}
	}
}

// interruptFor returns Run's interrupt function if sig is one of Run's
// signals and the program set no handler of its own for it.
func (s *signalState) interruptFor(sig os.Signal) func(os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.interrupt == nil || s.handlers[sig] != nil {
		return nil
	}
	for _, is := range interruptSignals {
		if sig == is {
			return s.interrupt
		}
	}
	return nil
}

func (s *signalState) stopAll() {
	signal.Stop(s.ch)
	close(s.done)
}

// raise ends the process by sig: it restores the signal's default action
// (for the whole process: this is its end) and sends it again. Should the
// process survive, because sig was ignored when it started and Reset
// restored that, it exits with the shell's status for death by sig.
func raise(sig os.Signal) {
	signal.Reset(sig)
	num := sig.(syscall.Signal)
	syscall.Kill(syscall.Getpid(), num)
	time.Sleep(time.Second) // delivery is asynchronous, and takes microseconds
	os.Exit(128 + int(num))
}
