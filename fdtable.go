package aio

import (
	"slices"

	"golang.org/x/sys/unix"
)

// The loop's IO state: its fd table (Loop.fds, filled by pollFD), its one
// read buffer, the scratch and free lists its transports share, and the
// servers to close with it.

const (
	// readBufferSize is the size of the loop's read buffer, shared by
	// every transport of the loop.
	readBufferSize = 256 << 10
	// readBudget bounds the reads of one connection in one loop pass, so
	// that a busy peer cannot starve the others (level-triggered polling
	// reports it again in the next pass).
	readBudget = 4
	// datagramBudget bounds the datagrams read from one endpoint in one
	// pass.
	datagramBudget = 64
	// acceptBudget bounds the connections accepted by one listener in one
	// pass.
	acceptBudget = 128
)

// ioState is the IO part of a Loop.
type ioState struct {
	loop    *Loop
	rbuf    []byte
	iov     []unix.Iovec // writev scratch
	free    [][]byte     // write-buffer chunks to reuse (writebuf.go)
	spare   [][]byte     // drained stream-reader buffers to reuse (stream.go)
	servers []*Server

	// While the loop dispatches IO readiness, small stream writes wait
	// in their transports (corkWrite) and go out when it ends (uncork).
	dispatching bool
	corked      []*fdStream

	// noSendfile makes SendFile use its read-and-write fallback; tests
	// set it to reach that path on Linux.
	noSendfile bool
}

// readBuffer returns the loop's read buffer, made on first use. A
// protocol's DataReceived slice points into it, which is why that slice
// is valid only during the call.
func (l *Loop) readBuffer() []byte {
	if l.io.rbuf == nil {
		l.io.rbuf = make([]byte, readBufferSize)
	}
	return l.io.rbuf
}

// ioResource is an fd handler that the loop releases when it closes.
type ioResource interface {
	closeForLoop()
}

// closeIO releases every server, transport and watched fd of the loop:
// it is called by Loop.Close. Connection-lost callbacks this schedules
// run before the loop finishes closing.
func (l *Loop) closeIO() {
	for _, s := range slices.Clone(l.io.servers) {
		s.Close()
		s.AbortClients()
	}
	for _, h := range l.fds {
		if r, ok := h.(ioResource); ok {
			r.closeForLoop()
		}
	}
	l.io.free = nil
}
