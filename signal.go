package aio

import (
	"fmt"
	"os"
	"os/signal"
)

// signalState forwards the signals a loop handles from os/signal's channel
// to callbacks on the loop.
type signalState struct {
	ch       chan os.Signal
	done     chan struct{}
	handlers map[os.Signal]func() // read and written on the loop goroutine only
}

// AddSignalHandler makes fn run on the loop each time the process receives
// sig (asyncio's add_signal_handler). A second handler for the same signal
// replaces the first. While a handler is set, sig no longer has its
// default effect (such as ending the process). Call it from the loop's
// goroutine.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	l.checkGoroutine("AddSignalHandler")
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if fn == nil {
		return fmt.Errorf("aio: AddSignalHandler: nil handler")
	}
	if l.signals == nil {
		s := &signalState{ch: make(chan os.Signal, 8), done: make(chan struct{}), handlers: map[os.Signal]func(){}}
		l.signals = s
		go s.forward(l)
	}
	l.signals.handlers[sig] = fn
	signal.Notify(l.signals.ch, sig)
	return nil
}

// RemoveSignalHandler removes the handler for sig and restores its default
// effect; it reports whether there was one (asyncio's
// remove_signal_handler).
func (l *Loop) RemoveSignalHandler(sig os.Signal) bool {
	l.checkGoroutine("RemoveSignalHandler")
	s := l.signals
	if s == nil || s.handlers[sig] == nil {
		return false
	}
	delete(s.handlers, sig)
	// Stop only this loop's channel (signal.Reset would be process-wide),
	// then subscribe it again to the signals it still handles.
	signal.Stop(s.ch)
	for other := range s.handlers {
		signal.Notify(s.ch, other)
	}
	if len(s.handlers) == 0 {
		s.stopAll()
		l.signals = nil
	}
	return true
}

func (s *signalState) forward(l *Loop) {
	for {
		select {
		case sig := <-s.ch:
			l.CallSoonThreadsafe(func() {
				if fn := s.handlers[sig]; fn != nil {
					fn()
				}
			})
		case <-s.done:
			return
		}
	}
}

func (s *signalState) stopAll() {
	signal.Stop(s.ch)
	close(s.done)
}
