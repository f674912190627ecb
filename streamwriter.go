package aio

// StreamWriter writes to a stream connection (asyncio.StreamWriter): the
// writing half that OpenConnection and StartServer hand out with a
// StreamReader. Writes never suspend; Drain waits while the transport's
// buffer is above its high-water mark.
//
// Every method is called from its loop's goroutine. StartTLS upgrades
// the connection to TLS.
type StreamWriter struct {
	p *streamProtocol
}

// Transport returns the connection's transport.
func (w *StreamWriter) Transport() Transport { return w.p.tr }

// Write sends p; p may be reused when Write returns. A write of up to 16
// KiB made while nothing is buffered is copied and held until the loop's
// pass ends, and then goes out with the others of that pass in one send
// (a handler answering many lines of one read costs one syscall, as
// uvloop's write queue does); a bigger one goes straight to the socket,
// and what the kernel refuses is buffered. The errors are
// Transport.Write's; a held write that the socket refuses reports
// through the connection's loss (Drain and WaitClosed return it).
func (w *StreamWriter) Write(p []byte) error { return w.p.tr.Write(p) }

// Writelines sends the buffers in order, as Transport.Writelines.
func (w *StreamWriter) Writelines(bufs [][]byte) error { return w.p.tr.Writelines(bufs) }

// WriteEOF closes the writing side once the buffered bytes are sent (a
// half-close); the reader goes on reading.
func (w *StreamWriter) WriteEOF() error { return w.p.tr.WriteEOF() }

// CanWriteEOF reports whether the transport supports WriteEOF.
func (w *StreamWriter) CanWriteEOF() bool { return w.p.tr.CanWriteEOF() }

// Close closes the connection after the buffered bytes are sent; the
// reader then sees the end of the stream. WaitClosed waits for it.
func (w *StreamWriter) Close() error { return w.p.tr.Close() }

// IsClosing reports whether the connection is closing or closed.
func (w *StreamWriter) IsClosing() bool { return w.p.tr.IsClosing() }

// ExtraInfo returns the transport's information by asyncio's names
// ("peername", "sockname", "socket"; over TLS also "ssl_object",
// "peercert", "sslcontext" and "cipher", see [TLSTransport]), nil for
// what it does not know.
func (w *StreamWriter) ExtraInfo(name string) any { return w.p.tr.ExtraInfo(name) }

// Drain waits until the transport's write buffer has drained to its
// low-water mark, if it is above the high-water mark (asyncio's drain);
// otherwise it returns at once. It returns the reader's error if the
// connection was lost with one, and ErrTransportClosed once the
// connection is closed (asyncio raises ConnectionResetError). A Drain
// waiting when the connection is lost returns the error it was lost with
// (nil for a regular close).
//
// Cancellation: Drain returns an error matching ErrCancelled; the
// buffered bytes are still sent. Several tasks may wait in Drain.
func (w *StreamWriter) Drain(t *Task) error {
	p := w.p
	if err := p.r.err; err != nil {
		return err
	}
	if p.tr.IsClosing() && !p.closed.IsSet() {
		// Let ConnectionLost run, so that a writer looping on Write and
		// Drain sees the connection end (asyncio sleeps 0 here too).
		if err := Sleep(t, 0); err != nil {
			return err
		}
	}
	if p.closed.IsSet() {
		if p.lostErr != nil {
			return p.lostErr
		}
		return ErrTransportClosed
	}
	if p.drained.IsSet() {
		return nil
	}
	if err := p.drained.Wait(t); err != nil {
		return err
	}
	return p.lostErr
}

// WaitClosed waits until the connection is closed (asyncio's
// wait_closed) and returns the error it was lost with, nil for a regular
// close.
//
// Cancellation: WaitClosed returns an error matching ErrCancelled; the
// connection is not affected.
func (w *StreamWriter) WaitClosed(t *Task) error {
	if err := w.p.closed.Wait(t); err != nil {
		return err
	}
	return w.p.lostErr
}

// streamProtocol connects a transport to a StreamReader and a
// StreamWriter (asyncio's StreamReaderProtocol). One allocation holds
// the protocol, the reader and the writer: it is most of what an idle
// stream connection costs.
type streamProtocol struct {
	r       StreamReader
	w       StreamWriter
	tr      Transport
	handler StreamHandler // nil for a client's stream
	lostErr error
	direct  bool // GetBuffer returned the reader's own buffer
	// unheld: the stream is a layer under another protocol (the TLS
	// records), whose writes go out as made rather than held to the end
	// of the pass (holdWrites).
	unheld  bool
	drained Event // set while writing is not paused, and once the connection is lost
	closed  Event // set by ConnectionLost
}

// newStreamProtocol returns a stream's protocol whose reader has
// DefaultStreamLimit; handler is nil for a client's stream.
func newStreamProtocol(handler StreamHandler) *streamProtocol {
	p := &streamProtocol{}
	p.init(handler)
	return p
}

// init readies a stream protocol held in another struct (the listener's
// and the TLS layer's protocols embed one).
func (p *streamProtocol) init(handler StreamHandler) {
	p.handler = handler
	p.r.limit = DefaultStreamLimit
	p.w.p = p
	p.drained.Set()
}

// loopOf is the interface of transports that know their loop (every
// transport of this package).
type loopOf interface{ Loop() *Loop }

func (p *streamProtocol) ConnectionMade(tr Transport) {
	p.tr = tr
	p.r.tr = tr
	if st, ok := tr.(*SocketTransport); ok && !p.unheld {
		st.holdWrites() // a handler's writes of one pass leave in one send
	}
	if p.handler == nil {
		return
	}
	l := tr.(loopOf).Loop()
	handler := p.handler
	p.handler = nil
	f := CreateTask(l, func(t *Task) (struct{}, error) {
		return struct{}{}, handler(t, &p.r, &p.w)
	})
	f.AddDoneCallback(p.handlerDone)
}

// handlerDone reports a handler's error to the loop's exception handler
// and closes the connection, as asyncio does for client_connected_cb; a
// handler that returns nil leaves the connection as it is.
func (p *streamProtocol) handlerDone(f *Future[struct{}]) {
	if f.Cancelled() {
		p.tr.Close()
		return
	}
	if err := f.Err(); err != nil {
		l := f.Loop()
		l.CallExceptionHandler(ExceptionContext{
			Message: "unhandled error in a stream handler",
			Err:     err,
			Task:    f.Task(),
		})
		p.tr.Close()
	}
}

func (p *streamProtocol) DataReceived(data []byte) { p.r.FeedData(data) }

// GetBuffer makes the stream a BufferedProtocol: a socket transport reads
// straight into the reader's buffer when it has room (after a large read
// grew it, or while ReadExactly waits for many bytes), which saves the
// copy FeedData makes; otherwise into the loop's read buffer, copied by
// BufferUpdated. So an idle or empty reader holds no buffer for reading.
func (p *streamProtocol) GetBuffer(int) []byte {
	if b := p.r.readSpace(); b != nil {
		p.direct = true
		return b
	}
	if st, ok := p.tr.(*SocketTransport); ok {
		p.direct = false
		return st.loop.readBuffer() // only a socket transport's read is done with it by BufferUpdated
	}
	p.r.reserve(minDirectRead)
	p.direct = true
	return p.r.readSpace()
}

// BufferUpdated takes the n bytes read into the buffer of GetBuffer.
func (p *streamProtocol) BufferUpdated(n int) {
	if !p.direct {
		p.r.FeedData(p.tr.(*SocketTransport).loop.readBuffer()[:n])
		return
	}
	if p.r.eof {
		panic("aio: StreamReader.FeedData after FeedEOF")
	}
	p.r.buf = p.r.buf[:len(p.r.buf)+n]
	p.r.fed()
}

// EOFReceived keeps the connection open for writing: the handler may
// still answer after the peer's half-close.
func (p *streamProtocol) EOFReceived() bool {
	p.r.FeedEOF()
	return true
}

func (p *streamProtocol) ConnectionLost(err error) {
	if err == nil {
		if !p.r.eof {
			p.r.FeedEOF()
		}
	} else {
		p.r.SetErr(err)
	}
	p.lostErr = err
	p.drained.Set()
	p.closed.Set()
}

func (p *streamProtocol) PauseWriting() {
	p.drained.Clear()
}

func (p *streamProtocol) ResumeWriting() {
	p.drained.Set()
}
