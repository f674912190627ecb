package aiotest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"syscall"

	"github.com/aio-go/aio"
)

// The checks of TestStreamTransport. Each gets a fresh connected pair:
// c is the client's Recorder, s the server's; an error fails the check.

// passes lets the loop run n passes, in which it polls IO each time:
// enough for data already in a socket's buffer to be delivered.
func passes(t *aio.Task, n int) error {
	for range n {
		if err := aio.Sleep(t, 0); err != nil {
			return err
		}
	}
	return nil
}

// source makes reproducible bytes, different for each seed so that a
// transfer that loses, repeats or reorders bytes does not compare equal,
// and keeps what it made to compare with what arrives.
type source struct {
	rng  *rand.ChaCha8
	made []byte
}

func newSource(seed uint64) *source {
	return &source{rng: rand.NewChaCha8([32]byte{0: byte(seed), 1: byte(seed >> 8)})}
}

// next makes n more bytes. The slice is valid until the next call.
func (s *source) next(n int) []byte {
	start := len(s.made)
	s.made = append(s.made, make([]byte, n)...)
	s.rng.Read(s.made[start:])
	return s.made[start:]
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// fill writes bytes of src to tr in chunks until the transport buffers
// something and at least min bytes are written; it returns how many
// were written.
func fill(tr aio.Transport, src *source, min int) (int, error) {
	const chunk = 64 << 10
	for len(src.made) < min || tr.WriteBufferSize() == 0 {
		if len(src.made) >= bigStream {
			return len(src.made), fmt.Errorf("%d bytes written and nothing buffered: does the peer read while paused?", len(src.made))
		}
		if err := tr.Write(src.next(chunk)); err != nil {
			return len(src.made), fmt.Errorf("Write: %w", err)
		}
	}
	return len(src.made), nil
}

// bigStream bounds the bytes written to a peer that does not read. It is
// more than the loopback's socket buffers hold, so that the transport
// must buffer.
const bigStream = 64 << 20

func checkExchange(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	if ct.Protocol() != c || st.Protocol() != s {
		return fmt.Errorf("Protocol() is not the protocol given to the transport")
	}
	if ct.IsClosing() || !ct.IsReading() || ct.WriteBufferSize() != 0 {
		return fmt.Errorf("a new transport: IsClosing=%v IsReading=%v WriteBufferSize=%d", ct.IsClosing(), ct.IsReading(), ct.WriteBufferSize())
	}
	if err := ct.Write(nil); err != nil {
		return fmt.Errorf("Write(nil): %w", err)
	}
	if err := ct.Write([]byte("hello, ")); err != nil {
		return err
	}
	if err := ct.Writelines([][]byte{[]byte("wor"), nil, []byte("ld")}); err != nil {
		return err
	}
	if err := s.WaitBytes(t, 12); err != nil {
		return err
	}
	if err := st.Write([]byte("and back")); err != nil {
		return err
	}
	if err := c.WaitBytes(t, 8); err != nil {
		return err
	}
	if string(s.Bytes()) != "hello, world" || string(c.Bytes()) != "and back" {
		return fmt.Errorf("server got %q, client got %q", s.Bytes(), c.Bytes())
	}
	return nil
}

// checkWritelinesMany: Writelines with more buffers than one system
// call takes (Linux's limit is 1024), empty ones among them, from a task
// and from a callback.
func checkWritelinesMany(t *aio.Task, c, s *Recorder) error {
	ct := c.Transport()
	rng := rand.New(rand.NewPCG(12, 12))
	src := newSource(12)
	var bufs [][]byte
	for range 3000 {
		bufs = append(bufs, bytes.Clone(src.next(rng.IntN(40))))
	}
	s.OnEvent = func(r *Recorder, e Event) {
		if e.Kind == Data && r.Count(Data) == 1 {
			r.Transport().Writelines(bufs) // echoes all of it, in pieces, from the first callback
		}
	}
	if err := ct.Writelines(bufs); err != nil {
		return err
	}
	if err := s.WaitBytes(t, len(src.made)); err != nil {
		return err
	}
	if err := c.WaitBytes(t, len(src.made)); err != nil {
		return err
	}
	if !bytes.Equal(s.Bytes(), src.made) || !bytes.Equal(c.Bytes(), src.made) {
		return fmt.Errorf("%d buffers of %d bytes in all: server got %d (intact %v), client %d (intact %v)", len(bufs), len(src.made),
			len(s.Bytes()), bytes.Equal(s.Bytes(), src.made), len(c.Bytes()), bytes.Equal(c.Bytes(), src.made))
	}
	return nil
}

// checkHalfClose: w half-closes, r (keeping the connection open) still
// answers, then closes.
func checkHalfClose(t *aio.Task, w, r *Recorder) error {
	wt, rt := w.Transport(), r.Transport()
	if !wt.CanWriteEOF() {
		return skipCheck("the transport cannot half-close (CanWriteEOF is false)")
	}
	r.KeepOpen = true
	if err := wt.Write([]byte("question")); err != nil {
		return err
	}
	if err := wt.WriteEOF(); err != nil {
		return fmt.Errorf("WriteEOF: %w", err)
	}
	if err := wt.WriteEOF(); err != nil {
		return fmt.Errorf("a second WriteEOF: %v, want nil", err)
	}
	if err := wt.Write([]byte("more")); !errors.Is(err, aio.ErrWriteAfterEOF) {
		return fmt.Errorf("Write after WriteEOF: %v, want ErrWriteAfterEOF", err)
	}
	if err := r.WaitEOF(t); err != nil {
		return err
	}
	if string(r.Bytes()) != "question" || rt.IsClosing() {
		return fmt.Errorf("after the EOF: got %q, IsClosing=%v", r.Bytes(), rt.IsClosing())
	}
	if err := rt.Write([]byte("answer")); err != nil {
		return fmt.Errorf("Write after the peer's EOF: %w", err)
	}
	if err := w.WaitBytes(t, 6); err != nil {
		return err
	}
	if string(w.Bytes()) != "answer" {
		return fmt.Errorf("the half-closed side got %q", w.Bytes())
	}
	rt.Close()
	for _, p := range []*Recorder{w, r} {
		if err := p.WaitLost(t); err != nil {
			return err
		}
		if p.Err() != nil {
			return fmt.Errorf("ConnectionLost(%v) after a half-close, want nil", p.Err())
		}
	}
	if !w.EOF() {
		return fmt.Errorf("the half-closed side did not get the EOF of the other")
	}
	return nil
}

func checkEOFCloses(t *aio.Task, c, s *Recorder) error {
	if !c.Transport().CanWriteEOF() {
		return skipCheck("the transport cannot half-close (CanWriteEOF is false)")
	}
	if err := c.Transport().WriteEOF(); err != nil {
		return err
	}
	if err := s.WaitLost(t); err != nil {
		return err
	}
	if !s.EOF() || s.Err() != nil || !s.Transport().IsClosing() {
		return fmt.Errorf("server: EOF=%v ConnectionLost(%v) IsClosing=%v, want an EOF and a regular close", s.EOF(), s.Err(), s.Transport().IsClosing())
	}
	if err := c.WaitLost(t); err != nil {
		return err
	}
	if !c.EOF() || c.Err() != nil {
		return fmt.Errorf("client: EOF=%v ConnectionLost(%v)", c.EOF(), c.Err())
	}
	return nil
}

func checkWriteEOFFlushes(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	if !st.CanWriteEOF() {
		return skipCheck("the transport cannot half-close (CanWriteEOF is false)")
	}
	ct.PauseReading()
	src := newSource(9)
	if _, err := fill(st, src, 1<<20); err != nil {
		return err
	}
	if err := st.WriteEOF(); err != nil {
		return err
	}
	if err := st.Write([]byte("x")); !errors.Is(err, aio.ErrWriteAfterEOF) {
		return fmt.Errorf("Write after WriteEOF: %v, want ErrWriteAfterEOF", err)
	}
	c.KeepOpen = true
	ct.ResumeReading()
	if err := c.WaitEOF(t); err != nil {
		return err
	}
	if !bytes.Equal(c.Bytes(), src.made) {
		return fmt.Errorf("%d bytes before the EOF, want the %d written", len(c.Bytes()), len(src.made))
	}
	return nil
}

func checkPauseReading(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	st.PauseReading()
	st.PauseReading() // does nothing
	if st.IsReading() {
		return fmt.Errorf("IsReading after PauseReading")
	}
	if err := ct.Write([]byte("held")); err != nil {
		return err
	}
	if ct.CanWriteEOF() {
		if err := ct.WriteEOF(); err != nil {
			return err
		}
	}
	if err := passes(t, 10); err != nil {
		return err
	}
	if s.Count(Data) > 0 || s.EOF() || s.Lost() {
		return fmt.Errorf("callbacks while reading was paused: %v", s.Events())
	}
	st.ResumeReading()
	st.ResumeReading() // does nothing
	if !st.IsReading() {
		return fmt.Errorf("not IsReading after ResumeReading")
	}
	if err := s.WaitBytes(t, 4); err != nil {
		return err
	}
	if string(s.Bytes()) != "held" {
		return fmt.Errorf("got %q after ResumeReading", s.Bytes())
	}
	if ct.CanWriteEOF() {
		return s.WaitEOF(t)
	}
	return nil
}

// checkPauseReadingInCallback: a protocol that pauses in DataReceived
// gets no more data until it resumes, however much is waiting.
func checkPauseReadingInCallback(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	s.OnEvent = func(r *Recorder, e Event) {
		if e.Kind == Data {
			r.Transport().PauseReading()
		}
	}
	src := newSource(10)
	const size = 1 << 20
	if err := ct.Write(src.next(size)); err != nil {
		return err
	}
	for want := 1; len(s.Bytes()) < size; want++ {
		if err := s.WaitEvent(t, Data, want); err != nil {
			return err
		}
		if err := passes(t, 3); err != nil {
			return err
		}
		if n := s.Count(Data); n != want || st.IsReading() {
			return fmt.Errorf("%d DataReceived (IsReading %v) after pausing in the callback of the %dth", n, st.IsReading(), want)
		}
		st.ResumeReading()
	}
	if !bytes.Equal(s.Bytes(), src.made) {
		return fmt.Errorf("got %d bytes, not the %d written", len(s.Bytes()), size)
	}
	return nil
}

// checkEcho: the server echoes from DataReceived and, on the client's
// EOF, writes a last word and closes, all from its callbacks.
func checkEcho(t *aio.Task, c, s *Recorder) error {
	ct := c.Transport()
	if !ct.CanWriteEOF() {
		return skipCheck("the transport cannot half-close (CanWriteEOF is false)")
	}
	s.KeepOpen = true
	s.OnEvent = func(r *Recorder, e Event) {
		switch e.Kind {
		case Data:
			r.Transport().Write(e.Data)
		case EOF:
			r.Transport().Write([]byte("bye"))
			r.Transport().Close()
		}
	}
	src := newSource(11)
	for range 64 {
		if err := ct.Write(src.next(16 << 10)); err != nil {
			return err
		}
		if err := aio.Sleep(t, 0); err != nil {
			return err
		}
	}
	if err := ct.WriteEOF(); err != nil {
		return err
	}
	if err := c.WaitLost(t); err != nil {
		return err
	}
	want := append(src.made, "bye"...)
	if !bytes.Equal(c.Bytes(), want) || c.Err() != nil {
		return fmt.Errorf("got %d bytes (intact %v), ConnectionLost(%v); want the %d sent, then \"bye\"", len(c.Bytes()), bytes.Equal(c.Bytes(), want), c.Err(), len(src.made))
	}
	return nil
}

func checkWriteBufferLimits(t *aio.Task, c, s *Recorder) error {
	tr := c.Transport()
	for _, l := range []struct{ high, low, wantHigh, wantLow int }{
		{-1, -1, 64 << 10, 16 << 10},
		{1000, -1, 1000, 250},
		{-1, 1000, 4000, 1000},
		{0, 0, 0, 0},
		{5000, 5000, 5000, 5000},
	} {
		tr.SetWriteBufferLimits(l.high, l.low)
		if h, lo := tr.WriteBufferLimits(); h != l.wantHigh || lo != l.wantLow {
			return fmt.Errorf("SetWriteBufferLimits(%d, %d): limits %d, %d, want %d, %d", l.high, l.low, h, lo, l.wantHigh, l.wantLow)
		}
	}
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		tr.SetWriteBufferLimits(10, 20)
		return false
	}()
	if !panicked {
		return fmt.Errorf("SetWriteBufferLimits(10, 20) (low above high) did not panic")
	}
	return nil
}

// checkFlowControl: the marks are far apart and the buffer holds many
// times the high mark, so that it drains in steps as the peer reads: a
// ResumeWriting above the low mark would show.
func checkFlowControl(t *aio.Task, c, s *Recorder) error {
	const high, low, chunk = 1 << 20, 16 << 10, 64 << 10
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	st.SetWriteBufferLimits(high, low)
	src := newSource(1)
	for !s.WritePaused() {
		if len(src.made) >= bigStream {
			return fmt.Errorf("no PauseWriting after %d bytes written, %d buffered", len(src.made), st.WriteBufferSize())
		}
		if err := st.Write(src.next(chunk)); err != nil {
			return err
		}
		if n := st.WriteBufferSize(); n > high != s.WritePaused() {
			return fmt.Errorf("after a Write, %d bytes buffered (high mark %d) and PauseWriting called: %v", n, high, s.WritePaused())
		}
	}
	for st.WriteBufferSize() < 4*high { // writes during the pause are still taken
		if err := st.Write(src.next(chunk)); err != nil {
			return fmt.Errorf("Write during PauseWriting: %w", err)
		}
	}
	ct.ResumeReading()
	if err := s.WaitEvent(t, ResumeWriting, 1); err != nil {
		return err
	}
	if err := c.WaitBytes(t, len(src.made)); err != nil {
		return err
	}
	ev := s.Events()
	for _, e := range ev {
		if e.Kind == ResumeWriting && e.Buffered > low {
			return fmt.Errorf("ResumeWriting with %d bytes buffered, above the low mark %d", e.Buffered, low)
		}
	}
	if s.Count(PauseWriting) != 1 || s.Count(ResumeWriting) != 1 || st.WriteBufferSize() != 0 {
		return fmt.Errorf("%d PauseWriting, %d ResumeWriting, %d bytes left buffered; want 1, 1, 0", s.Count(PauseWriting), s.Count(ResumeWriting), st.WriteBufferSize())
	}
	if !bytes.Equal(c.Bytes(), src.made) {
		return fmt.Errorf("the %d bytes received differ from the %d written", len(c.Bytes()), len(src.made))
	}
	return nil
}

func checkCloseFlushes(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	src := newSource(2)
	n, err := fill(st, src, 1<<20)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("Close: %w", err)
	}
	if !st.IsClosing() || st.IsReading() {
		return fmt.Errorf("after Close: IsClosing=%v IsReading=%v", st.IsClosing(), st.IsReading())
	}
	if err := passes(t, 5); err != nil {
		return err
	}
	if s.Lost() {
		return fmt.Errorf("ConnectionLost with %d bytes still to send: the peer does not read", st.WriteBufferSize())
	}
	ct.ResumeReading()
	if err := c.WaitBytes(t, n); err != nil {
		return err
	}
	if err := s.WaitLost(t); err != nil {
		return err
	}
	if s.Err() != nil {
		return fmt.Errorf("ConnectionLost(%v) after Close, want nil", s.Err())
	}
	if err := c.WaitEOF(t); err != nil {
		return err
	}
	if !bytes.Equal(c.Bytes(), src.made) {
		return fmt.Errorf("the %d bytes received differ from the %d written", len(c.Bytes()), n)
	}
	return nil
}

func checkCloseTwice(t *aio.Task, c, s *Recorder) error {
	ct := c.Transport()
	if err := ct.Close(); err != nil {
		return err
	}
	if err := ct.Close(); err != nil {
		return fmt.Errorf("a second Close: %v, want nil", err)
	}
	ct.PauseReading()
	ct.ResumeReading()
	if !ct.IsClosing() || ct.IsReading() {
		return fmt.Errorf("after Close: IsClosing=%v IsReading=%v", ct.IsClosing(), ct.IsReading())
	}
	for what, err := range map[string]error{
		"Write":      ct.Write([]byte("x")),
		"Writelines": ct.Writelines([][]byte{[]byte("x")}),
		"WriteEOF":   ct.WriteEOF(),
	} {
		if !errors.Is(err, aio.ErrTransportClosed) {
			return fmt.Errorf("%s after Close: %v, want ErrTransportClosed", what, err)
		}
	}
	for _, p := range []*Recorder{c, s} {
		if err := p.WaitLost(t); err != nil {
			return err
		}
		if p.Err() != nil {
			return fmt.Errorf("ConnectionLost(%v) after Close, want nil", p.Err())
		}
	}
	if !s.EOF() {
		return fmt.Errorf("the peer of a closed transport got no EOF")
	}
	return passes(t, 3) // a second ConnectionLost would show in CheckOrder
}

func checkAbort(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	src := newSource(3)
	n, err := fill(st, src, 1<<20)
	if err != nil {
		return err
	}
	st.Abort()
	if !st.IsClosing() || st.WriteBufferSize() != 0 {
		return fmt.Errorf("after Abort: IsClosing=%v WriteBufferSize=%d", st.IsClosing(), st.WriteBufferSize())
	}
	st.Abort()
	if err := st.Close(); err != nil {
		return fmt.Errorf("Close after Abort: %w", err)
	}
	if err := s.WaitLost(t); err != nil {
		return err
	}
	if s.Err() != nil {
		return fmt.Errorf("ConnectionLost(%v) after Abort, want nil", s.Err())
	}
	ct.ResumeReading()
	if err := c.WaitLost(t); err != nil {
		return err
	}
	got := c.Bytes()
	if len(got) >= n || !bytes.Equal(got, src.made[:len(got)]) {
		return fmt.Errorf("the peer got %d of %d bytes written, want a prefix that lacks the dropped buffer", len(got), n)
	}
	return nil
}

func checkPeerReset(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	if err := st.Write([]byte("never read")); err != nil {
		return err
	}
	if err := passes(t, 2); err != nil {
		return err
	}
	ct.Abort() // closing with unread data resets the connection
	return wantReset(t, s)
}

// wantReset waits until s's connection is lost and checks that it was
// lost to the peer's reset and that a later Write is refused.
func wantReset(t *aio.Task, s *Recorder) error {
	if err := s.WaitLost(t); err != nil {
		return err
	}
	if !isReset(s.Err()) {
		return fmt.Errorf("ConnectionLost(%v) after the peer's reset, want ECONNRESET or EPIPE", s.Err())
	}
	if err := s.Transport().Write([]byte("late")); !errors.Is(err, aio.ErrTransportClosed) {
		return fmt.Errorf("Write after the reset: %v, want ErrTransportClosed", err)
	}
	return nil
}

func checkPeerResetWhileWriting(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	st.PauseReading() // the reset must be found by the writing side
	if _, err := fill(st, newSource(4), 1<<20); err != nil {
		return err
	}
	ct.Abort()
	if err := wantReset(t, s); err != nil {
		return err
	}
	if st.WriteBufferSize() != 0 {
		return fmt.Errorf("%d bytes still buffered after the reset", st.WriteBufferSize())
	}
	return nil
}

// checkPeerResetWhilePaused: a transport that neither reads nor writes
// still learns at once that its peer reset the connection, rather than
// holding a dead connection until it resumes.
func checkPeerResetWhilePaused(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	ct.PauseReading()
	st.PauseReading()
	if err := st.Write([]byte("never read")); err != nil {
		return err
	}
	if err := passes(t, 2); err != nil {
		return err
	}
	ct.Abort()
	if err := passes(t, 10); err != nil {
		return err
	}
	if !s.Lost() || !isReset(s.Err()) {
		return fmt.Errorf("ConnectionLost called: %v (error %v) after the peer's reset, want ECONNRESET or EPIPE while paused", s.Lost(), s.Err())
	}
	return nil
}

func checkSetProtocol(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	next := &Recorder{}
	next.ConnectionMade(st) // as a protocol that takes over a connection is told
	st.SetProtocol(next)
	if st.Protocol() != next {
		return fmt.Errorf("Protocol() is not the protocol set")
	}
	if err := ct.Write([]byte("to the new protocol")); err != nil {
		return err
	}
	if err := next.WaitBytes(t, 19); err != nil {
		return err
	}
	ct.Close()
	if err := next.WaitLost(t); err != nil {
		return err
	}
	if s.Count(Data) > 0 || s.Lost() {
		return fmt.Errorf("the replaced protocol got %v", s.Events())
	}
	return nil
}

// bufferedRecorder is a Recorder that takes its data as an
// aio.BufferedProtocol, through a buffer small enough to need many reads.
type bufferedRecorder struct {
	*Recorder
	buf  [7]byte
	gets int
}

func (b *bufferedRecorder) GetBuffer(sizeHint int) []byte { b.gets++; return b.buf[:] }

func (b *bufferedRecorder) BufferUpdated(n int) { b.DataReceived(b.buf[:n]) }

// checkBufferedProtocol: a transport either fills the protocol's own
// buffer (socket transports do) or hands over its own through
// DataReceived, as the BufferedProtocol contract allows; either way the
// bytes arrive intact.
func checkBufferedProtocol(t *aio.Task, c, s *Recorder) error {
	ct, st := c.Transport(), s.Transport()
	next := &bufferedRecorder{Recorder: &Recorder{}}
	next.ConnectionMade(st)
	st.SetProtocol(next)
	src := newSource(13)
	if err := ct.Write(src.next(1000)); err != nil {
		return err
	}
	if err := next.WaitBytes(t, 1000); err != nil {
		return err
	}
	if !bytes.Equal(next.Bytes(), src.made) {
		return fmt.Errorf("got %d bytes through %d buffers, not the 1000 written", len(next.Bytes()), next.gets)
	}
	if next.gets > 0 && next.Count(Data) < 1000/len(next.buf) {
		return fmt.Errorf("%d BufferUpdated calls for 1000 bytes through a %d-byte buffer", next.Count(Data), len(next.buf))
	}
	return nil
}

// checkLargeTransfer sends 8 MiB each way at once, each side pausing its
// writes when told to, and compares what arrived.
func checkLargeTransfer(t *aio.Task, c, s *Recorder) error {
	const size = 8 << 20
	c.KeepOpen, s.KeepOpen = true, true
	up, down := newSource(5).next(size), newSource(6).next(size)
	server := aio.Spawn(t, func(t *aio.Task) (struct{}, error) { return struct{}{}, send(t, s, down, 7) })
	if err := send(t, c, up, 8); err != nil {
		server.Cancel()
		aio.Await(t, server)
		return err
	}
	if _, err := aio.Await(t, server); err != nil {
		return err
	}
	for _, p := range []*Recorder{c, s} {
		if err := p.WaitEOF(t); err != nil {
			return err
		}
	}
	if !bytes.Equal(s.Bytes(), up) || !bytes.Equal(c.Bytes(), down) {
		return fmt.Errorf("corrupted: server got %d bytes (intact %v), client %d (intact %v)",
			len(s.Bytes()), bytes.Equal(s.Bytes(), up), len(c.Bytes()), bytes.Equal(c.Bytes(), down))
	}
	return nil
}

// send writes data through r's transport in chunks of random sizes, by
// Write and Writelines in turn, waits while writing is paused, and ends
// with WriteEOF.
func send(t *aio.Task, r *Recorder, data []byte, seed uint64) error {
	tr := r.Transport()
	rng := rand.New(rand.NewPCG(seed, seed))
	for off := 0; off < len(data); {
		n := min(1+rng.IntN(256<<10), len(data)-off)
		part := data[off : off+n]
		var err error
		if rng.IntN(2) == 0 {
			err = tr.Write(part)
		} else {
			err = tr.Writelines([][]byte{part[:n/2], part[n/2:]})
		}
		if err != nil {
			return err
		}
		off += n
		if err := r.Wait(t, func(r *Recorder) bool { return !r.WritePaused() }); err != nil {
			return err
		}
		if err := aio.Sleep(t, 0); err != nil { // let the loop read meanwhile
			return err
		}
	}
	return tr.WriteEOF()
}
