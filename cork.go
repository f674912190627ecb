package aio

// Write gathering: small stream writes made while the loop dispatches IO
// readiness wait in their transports and go out when the dispatch ends,
// one send per connection (docs/design.md, "Small writes made during the
// IO dispatch go out when it ends").

// corkMax is the largest write that waits for the end of the IO dispatch
// (corkWrite); bigger ones are worth a syscall of their own.
const corkMax = 16 << 10

// uncork sends the writes held during the IO dispatch that just ended.
func (s *ioState) uncork() {
	for i, t := range s.corked {
		s.corked[i] = nil
		t.uncork()
	}
	s.corked = s.corked[:0]
}

// corkWrite holds p, written while the loop dispatches IO readiness, for
// uncork at the end of the dispatch: every connection's writes of one
// dispatch go out as one send each, together. The buffer is not
// registered for writability, since uncork sends it in the same pass.
func (t *fdStream) corkWrite(p []byte) {
	if t.flags&fCorked == 0 {
		t.flags |= fCorked
		t.loop.io.corked = append(t.loop.io.corked, t)
	}
	t.wb.add(p, &t.loop.io)
}

// holdWrites makes the transport hold its small writes wherever they are
// made on the loop, not only during the IO dispatch: a write from a task
// or a callback waits in the buffer until the loop's pass ends (runReady)
// or the next one polls (poll, which a task handing off runs too), and
// goes out with the others of that pass, in one send per connection. The
// stream protocol asks for it: a handler that answers several lines of
// one read with a Write each then costs one send, as uvloop's
// end-of-iteration write queue does.
func (t *fdStream) holdWrites() { t.flags |= fHoldWrites }

// heldFits reports whether n more bytes join the held ones with the
// buffer still within corkMax, the high-water mark and the limit: no
// pause, no refusal.
func (t *fdStream) heldFits(n int) bool {
	size := t.wb.size + n
	return size <= corkMax && size <= t.high && !t.overLimit(t.wb.size, n)
}

// holding reports whether a small write is held now (corkWrite) rather
// than sent.
func (t *fdStream) holding() bool {
	return t.loop.io.dispatching || t.flags&fHoldWrites != 0
}

// uncork sends what corkWrite held, as the kernel takes it; the rest
// waits for writability like any refused write.
func (t *fdStream) uncork() {
	t.flags &^= fCorked
	if t.flags&fLost != 0 || t.wb.size == 0 {
		return
	}
	t.flush()
}
