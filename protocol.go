package aio

import "net/netip"

// Protocol receives the events of a stream connection: a TCP or Unix
// socket made by [CreateServer], [CreateConnection] or [ConnectAccepted]
// (asyncio.Protocol). The transport calls it on the loop's goroutine, in
// this order:
//
//	ConnectionMade                 once, first
//	DataReceived*                  any number of times
//	EOFReceived?                   at most once, if the protocol is an EOFReceiver
//	ConnectionLost                 once, last
//
// PauseWriting and ResumeWriting (see [WriteFlowProtocol]) alternate,
// starting with PauseWriting, any time between ConnectionMade and
// ConnectionLost.
//
// A panic in any of these callbacks aborts that connection only: the
// panic goes to the loop's exception handler and ConnectionLost receives a
// *[PanicError].
type Protocol interface {
	// ConnectionMade is called when the connection is established, with
	// the transport to write to and to close. Keep it: it is the
	// protocol's handle on the connection.
	ConnectionMade(t Transport)

	// DataReceived is called with bytes read from the connection. The
	// slice is the loop's read buffer: it is valid only during the call.
	// Copy what must be kept.
	DataReceived(data []byte)

	// ConnectionLost is called once when the connection is closed: err is
	// nil for a regular close (Close, Abort, or end of file without
	// EOFReceived keeping it open) and the error otherwise (a reset
	// connection, a broken pipe, a panicking callback).
	ConnectionLost(err error)
}

// EOFReceiver is implemented by a [Protocol] that wants to know when the
// peer has closed its writing side (asyncio's Protocol.eof_received).
// Returning true keeps the connection open for writing (a half-close);
// the protocol must then close the transport itself. Returning false, or
// not implementing the interface, closes the transport.
type EOFReceiver interface {
	EOFReceived() (keepOpen bool)
}

// WriteFlowProtocol is implemented by a protocol that wants flow control
// for its writes (asyncio's BaseProtocol.pause_writing/resume_writing).
// PauseWriting is called when the transport's write buffer rises above
// the high-water mark, ResumeWriting when it falls back to the low-water
// mark (see Transport.SetWriteBufferLimits). Writes during a pause are
// still accepted and buffered; the protocol should stop producing.
type WriteFlowProtocol interface {
	PauseWriting()
	ResumeWriting()
}

// BufferedProtocol is a [Protocol] that receives data into buffers it owns,
// with no copy (asyncio.BufferedProtocol). Socket transports detect it
// and then call GetBuffer and BufferUpdated instead of DataReceived;
// DataReceived remains for transports that have their own buffers to
// hand over (the protocol may implement it by copying into GetBuffer's
// buffer).
type BufferedProtocol interface {
	Protocol

	// GetBuffer returns the buffer to read the next bytes into; it must
	// not be empty. sizeHint is the size the transport would like, or -1
	// if it has no preference.
	GetBuffer(sizeHint int) []byte

	// BufferUpdated reports that the first n bytes of the last buffer
	// from GetBuffer were filled.
	BufferUpdated(n int)
}

// DatagramProtocol receives the events of a datagram endpoint made by
// [CreateDatagramEndpoint] (asyncio.DatagramProtocol). It is called on the
// loop's goroutine: ConnectionMade first, DatagramReceived any number of
// times, ConnectionLost last. A panic in a callback closes the endpoint
// and goes to the loop's exception handler.
type DatagramProtocol interface {
	// ConnectionMade is called once the endpoint is ready, with its
	// transport.
	ConnectionMade(t DatagramTransport)

	// DatagramReceived is called with each datagram and its sender. The
	// slice is the loop's read buffer: it is valid only during the call.
	DatagramReceived(data []byte, addr netip.AddrPort)

	// ConnectionLost is called once when the endpoint is closed: err is
	// nil for Close and Abort.
	ConnectionLost(err error)
}

// DatagramErrorReceiver is implemented by a [DatagramProtocol] that wants
// the errors of sends and receives (asyncio's
// DatagramProtocol.error_received), such as ECONNREFUSED on a connected
// endpoint whose peer has no listener. Without it these errors are
// dropped, as asyncio's default error_received does; they never close
// the endpoint.
type DatagramErrorReceiver interface {
	ErrorReceived(err error)
}
