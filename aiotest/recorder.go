package aiotest

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aio-go/aio"
)

// EventKind names a protocol callback.
type EventKind uint8

// The callbacks a [Recorder] records.
const (
	Made          EventKind = iota + 1 // ConnectionMade
	Data                               // DataReceived
	EOF                                // EOFReceived
	PauseWriting                       // PauseWriting
	ResumeWriting                      // ResumeWriting
	Lost                               // ConnectionLost
)

var kindNames = [...]string{"?", "ConnectionMade", "DataReceived", "EOFReceived", "PauseWriting", "ResumeWriting", "ConnectionLost"}

// String returns the name of the callback.
func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return kindNames[0]
}

// Event is one callback a [Recorder] received.
type Event struct {
	// Kind is the callback.
	Kind EventKind
	// Data holds the bytes of a Data event: a copy, valid for the life
	// of the Recorder.
	Data []byte
	// Err is the error of a Lost event.
	Err error
	// Buffered is the transport's WriteBufferSize when a PauseWriting
	// or ResumeWriting event came.
	Buffered int
}

// String describes the event.
func (e Event) String() string {
	switch e.Kind {
	case Data:
		return fmt.Sprintf("%v(%d bytes)", e.Kind, len(e.Data))
	case Lost:
		return fmt.Sprintf("%v(%v)", e.Kind, e.Err)
	case PauseWriting, ResumeWriting:
		return fmt.Sprintf("%v(buffered %d)", e.Kind, e.Buffered)
	}
	return e.Kind.String()
}

// ErrConnectionLost is returned by a [Recorder]'s waits when the
// connection ends before what they wait for has happened.
var ErrConnectionLost = errors.New("aiotest: connection lost")

// Recorder is an [aio.Protocol] that records its callbacks in order
// (also as an [aio.EOFReceiver] and an [aio.WriteFlowProtocol]), copying
// the data, checks that they come in the order [aio.Protocol]
// documents, and lets a task wait for what a test expects: so many bytes,
// the end of file, the end of the connection. Its zero value is ready to
// use:
//
//	rec := &aiotest.Recorder{}
//	tr, _, err := aio.CreateConnection(t, func() *aiotest.Recorder { return rec }, "tcp", addr)
//	...
//	err = rec.WaitBytes(t, 5)
//
// A Recorder serves one connection. It is used from its loop's goroutine,
// as protocols are.
type Recorder struct {
	// KeepOpen is what EOFReceived returns: true keeps the connection
	// open for writing after the peer's end of file (a half-close).
	KeepOpen bool

	// OnEvent, if set, is called after each callback is recorded, on
	// the loop's goroutine, from within the callback: a test can answer
	// there as a protocol would (write, pause reading, close).
	OnEvent func(r *Recorder, e Event)

	tr      aio.Transport
	events  []Event
	data    []byte // all bytes received; Data events are slices of it
	paused  bool
	eof     bool
	lost    bool
	err     error
	wrong   error // the first callback out of order
	changed aio.Event
}

var (
	_ aio.Protocol          = (*Recorder)(nil)
	_ aio.EOFReceiver       = (*Recorder)(nil)
	_ aio.WriteFlowProtocol = (*Recorder)(nil)
)

// record appends e after checking it against the callback order,
// updates the state e changes, wakes the waiters and calls OnEvent.
func (r *Recorder) record(e Event) {
	if r.wrong == nil {
		if why := r.outOfOrder(e.Kind); why != "" {
			r.wrong = fmt.Errorf("aiotest: %v after %v: %s", e.Kind, r.kinds(), why)
		}
	}
	r.events = append(r.events, e)
	switch e.Kind {
	case EOF:
		r.eof = true
	case PauseWriting, ResumeWriting:
		r.paused = e.Kind == PauseWriting
	case Lost:
		r.lost, r.err = true, e.Err
	}
	r.changed.Set()
	if r.OnEvent != nil {
		r.OnEvent(r, e)
	}
}

// outOfOrder says why a callback of kind k may not come now, or "".
func (r *Recorder) outOfOrder(k EventKind) string {
	switch {
	case r.lost:
		return "nothing may follow ConnectionLost"
	case k == Made && len(r.events) > 0:
		return "ConnectionMade must come first, once"
	case k != Made && len(r.events) == 0:
		return "ConnectionMade must come first"
	case (k == Data || k == EOF) && r.eof:
		return "no data nor second EOF may follow EOFReceived"
	case k == PauseWriting && r.paused:
		return "PauseWriting twice without ResumeWriting"
	case k == ResumeWriting && !r.paused:
		return "ResumeWriting without PauseWriting"
	}
	return ""
}

func (r *Recorder) kinds() []EventKind {
	out := make([]EventKind, len(r.events))
	for i, e := range r.events {
		out[i] = e.Kind
	}
	return out
}

// ConnectionMade records the transport.
func (r *Recorder) ConnectionMade(t aio.Transport) {
	r.tr = t
	r.record(Event{Kind: Made})
}

// DataReceived records a copy of data.
func (r *Recorder) DataReceived(data []byte) {
	start := len(r.data)
	r.data = append(r.data, data...)
	r.record(Event{Kind: Data, Data: r.data[start:len(r.data):len(r.data)]})
}

// EOFReceived records the end of file and returns KeepOpen.
func (r *Recorder) EOFReceived() bool {
	r.record(Event{Kind: EOF})
	return r.KeepOpen
}

// PauseWriting records the pause with the transport's buffered bytes.
func (r *Recorder) PauseWriting() {
	r.record(Event{Kind: PauseWriting, Buffered: r.buffered()})
}

// ResumeWriting records the resume with the transport's buffered bytes.
func (r *Recorder) ResumeWriting() {
	r.record(Event{Kind: ResumeWriting, Buffered: r.buffered()})
}

// ConnectionLost records the end of the connection and its error.
func (r *Recorder) ConnectionLost(err error) {
	r.record(Event{Kind: Lost, Err: err})
}

func (r *Recorder) buffered() int {
	if r.tr == nil {
		return -1
	}
	return r.tr.WriteBufferSize()
}

// recorder lets the conformance checks find the Recorder inside a
// protocol that embeds one.
func (r *Recorder) recorder() *Recorder { return r }

// Transport returns the transport given to ConnectionMade, or nil.
func (r *Recorder) Transport() aio.Transport { return r.tr }

// Events returns the callbacks recorded so far, in order.
func (r *Recorder) Events() []Event { return slices.Clone(r.events) }

// Count returns how many callbacks of kind k were recorded.
func (r *Recorder) Count(k EventKind) int {
	n := 0
	for _, e := range r.events {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// Bytes returns every byte received, in order. The slice is the
// Recorder's: it is valid until the next DataReceived, and must not be
// modified.
func (r *Recorder) Bytes() []byte { return r.data }

// EOF reports whether EOFReceived was called.
func (r *Recorder) EOF() bool { return r.eof }

// Lost reports whether ConnectionLost was called.
func (r *Recorder) Lost() bool { return r.lost }

// Err returns the error ConnectionLost received (nil before it, and for
// a regular close).
func (r *Recorder) Err() error { return r.err }

// WritePaused reports whether writing is paused: PauseWriting came, and
// no ResumeWriting since.
func (r *Recorder) WritePaused() bool { return r.paused }

// CheckOrder returns an error describing the first callback that broke
// the order [aio.Protocol] documents (ConnectionMade first and once,
// no data after EOFReceived, PauseWriting and ResumeWriting alternating,
// nothing after ConnectionLost), or nil.
func (r *Recorder) CheckOrder() error { return r.wrong }

// Wait suspends t until cond(r) holds; cond is checked now and after
// every callback. It returns an error wrapping [ErrConnectionLost] if the
// connection ends with cond still false.
//
// Cancellation: if t is cancelled while it waits, Wait returns an error
// matching [aio.ErrCancelled]; the Recorder goes on recording.
func (r *Recorder) Wait(t *aio.Task, cond func(r *Recorder) bool) error {
	return r.wait(t, "the condition", false, cond)
}

// WaitBytes suspends t until at least n bytes have been received in
// all. It returns an error wrapping [ErrConnectionLost] if the end of
// file or of the connection comes first.
//
// Cancellation: as for [Recorder.Wait].
func (r *Recorder) WaitBytes(t *aio.Task, n int) error {
	return r.wait(t, fmt.Sprintf("%d bytes", n), true, func(r *Recorder) bool { return len(r.data) >= n })
}

// WaitEOF suspends t until EOFReceived was called. It returns an error
// wrapping [ErrConnectionLost] if the connection ends without it.
//
// Cancellation: as for [Recorder.Wait].
func (r *Recorder) WaitEOF(t *aio.Task) error {
	return r.wait(t, "the end of file", false, (*Recorder).EOF)
}

// WaitLost suspends t until ConnectionLost was called; its error is
// then [Recorder.Err]. WaitLost itself returns only a cancellation.
//
// Cancellation: as for [Recorder.Wait].
func (r *Recorder) WaitLost(t *aio.Task) error {
	return r.wait(t, "the end of the connection", false, (*Recorder).Lost)
}

// WaitEvent suspends t until a callback of kind k has been recorded n
// times in all. It returns an error wrapping [ErrConnectionLost] if the
// connection ends first.
//
// Cancellation: as for [Recorder.Wait].
func (r *Recorder) WaitEvent(t *aio.Task, k EventKind, n int) error {
	return r.wait(t, fmt.Sprintf("%v ×%d", k, n), false, func(r *Recorder) bool { return r.Count(k) >= n })
}

// wait is the one waiting loop behind the Wait methods; atEOF makes the
// end of file end the wait too, for what only data can satisfy.
func (r *Recorder) wait(t *aio.Task, what string, atEOF bool, cond func(*Recorder) bool) error {
	for !cond(r) {
		if r.lost || (atEOF && r.eof) {
			return fmt.Errorf("%w while waiting for %s (%d bytes received, events %v, error %v)",
				ErrConnectionLost, what, len(r.data), r.kinds(), r.err)
		}
		r.changed.Clear()
		if err := r.changed.Wait(t); err != nil {
			return err
		}
	}
	return nil
}
