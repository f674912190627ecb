//go:build !linux

package aio

import "time"

// parker is Linux-only; elsewhere the loop blocks in the poller's Wait.
type parker struct{}

// waitIO polls IO readiness and dispatches it, waiting up to timeout.
func (l *Loop) waitIO(timeout time.Duration) int { return l.wait(timeout) }

func (s *ioState) closeParker()   {}
func (s *ioState) prepareParker() {}
