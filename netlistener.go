package aio

import (
	"net"
	"sync/atomic"
)

// Listener is a stream server as a [net.Listener]: [Listen] makes one,
// and Accept suspends the calling task until a connection comes, which
// it returns as a *[Conn]. Code written for net.Listener (an accept loop,
// a server library that takes a listener) then runs on the loop.
//
// The loop accepts connections as they come (the server is a [Server]
// like any other) and they wait in the listener's queue until Accept
// returns them; Close closes those not yet accepted.
//
// Accept may be called by any task of the listener's loop, Close and
// Addr also from its callbacks; from any other goroutine they return an
// error matching [ErrWrongGoroutine] (see [Conn] for the rule, which
// applies to the accepted conns too: any task of the loop may use them,
// so an accept loop hands each conn to a task it spawns by just passing
// it).
type Listener struct {
	srv    *Server
	loop   *Loop
	queue  []*listenedStream // accepted by the loop, not yet by Accept
	ready  Event             // set while the queue is not empty
	closed bool
	accept *CancelScope // the wait of an Accept in progress, for Close to end it
	seen   atomic.Uintptr
}

// listenedStream is the protocol of a listener's connection: a stream
// that joins the listener's queue once made.
type listenedStream struct {
	streamProtocol
	ln *Listener
}

func (s *listenedStream) ConnectionMade(tr Transport) {
	s.streamProtocol.ConnectionMade(tr)
	s.ln.queue = append(s.ln.queue, s)
	s.ln.ready.Set()
}

// Listen listens on address, as [StartServer] does with the same
// network, address and options ([WithTLS] makes every accepted conn a
// TLS connection whose handshake is done), and returns the server as a
// net.Listener.
//
// Cancellation: as for CreateServer (it suspends only to resolve a host
// name).
func Listen(t *Task, network, address string, opts ...NetOption) (*Listener, error) {
	ln := &Listener{loop: t.Loop()}
	srv, err := CreateServer(t, ln.newStream, network, address, opts...)
	if err != nil {
		return nil, err
	}
	ln.srv = srv
	return ln, nil
}

func (ln *Listener) newStream() *listenedStream {
	s := &listenedStream{ln: ln}
	s.init(nil)
	return s
}

// Accept waits for a connection and returns it as a *[Conn]. It returns
// an error matching [net.ErrClosed] once the listener is closed (a wait
// in progress ends then too).
//
// Cancellation: Accept returns an error matching [ErrCancelled]; no
// connection is taken from the queue.
func (ln *Listener) Accept() (net.Conn, error) {
	t, err := loopCaller(ln.loop, &ln.seen, true)
	if err != nil {
		return nil, ln.opError(err)
	}
	for {
		if ln.closed {
			return nil, ln.opError(net.ErrClosed)
		}
		if len(ln.queue) > 0 {
			s := ln.queue[0]
			ln.queue[0] = nil
			ln.queue = ln.queue[1:]
			return NewConn(&s.r, &s.w), nil
		}
		ln.ready.Clear()
		err := Scope(t, func(t *Task, s *CancelScope) error {
			ln.accept = s
			defer func() { ln.accept = nil }()
			return ln.ready.Wait(t)
		})
		if err != nil {
			return nil, ln.opError(err)
		}
	}
}

func (ln *Listener) opError(err error) error {
	return &net.OpError{Op: "accept", Net: "tcp", Err: err}
}

// Close stops listening (the [Server]'s Close), closes the connections
// not yet accepted, and ends an Accept in progress. The accepted
// connections stay open. A second Close returns an error matching
// [net.ErrClosed].
func (ln *Listener) Close() error {
	if _, err := loopCaller(ln.loop, &ln.seen, false); err != nil {
		return ln.opError(err)
	}
	if ln.closed {
		return ln.opError(net.ErrClosed)
	}
	ln.closed = true
	for _, s := range ln.queue {
		s.tr.Close()
	}
	ln.queue = nil
	if ln.accept != nil {
		ln.accept.Cancel()
	}
	return ln.srv.Close()
}

// Addr returns the listening address: with port 0, the port picked.
// It stays valid after Close.
func (ln *Listener) Addr() net.Addr {
	return ln.srv.listeners[0].addr
}

// Server returns the server under the listener, for what net.Listener
// does not have: several addresses (Sockets), WaitClosed.
func (ln *Listener) Server() *Server { return ln.srv }

var _ net.Listener = (*Listener)(nil)
