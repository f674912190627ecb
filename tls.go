package aio

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultTLSHandshakeTimeout bounds a TLS handshake made without the
// [TLSHandshakeTimeout] option (asyncio's ssl_handshake_timeout default).
const DefaultTLSHandshakeTimeout = 60 * time.Second

// tlsOptions is what the TLS options set in a netConfig.
type tlsOptions struct {
	cfg        *tls.Config
	timeout    time.Duration // of the handshake; 0 means the default
	serverName string
	side       int8 // StartTLS: 0 the default, 1 server, -1 client
}

// WithTLS makes [CreateConnection], [CreateServer], [OpenConnection],
// [StartServer], [ServeMultiLoop], [Listen] and [Dial] speak TLS with
// cfg (asyncio's ssl= argument with an SSLContext), and is the
// configuration of [StartTLS]. A client takes the server name to verify
// (and to send as SNI) from [ServerHostname], else cfg.ServerName, else
// the host of the address it connects to. A nil cfg means no TLS.
//
// The protocol's ConnectionMade runs once the handshake is done, with a
// *[TLSTransport]; a failed handshake gives CreateConnection its error
// and closes the socket, and on a server closes that connection only
// (the protocol made for it gets no call). cfg is used from the loop's
// goroutine and must not change afterwards; its callbacks
// (GetCertificate, VerifyPeerCertificate, ...) run on the loop, so they
// must not block.
func WithTLS(cfg *tls.Config) NetOption { return func(c *netConfig) { c.tls.cfg = cfg } }

// TLSHandshakeTimeout bounds the TLS handshake of [WithTLS] and
// [StartTLS] (asyncio's ssl_handshake_timeout); the default is
// [DefaultTLSHandshakeTimeout]. When it runs out the connection is closed
// and the error matches [ErrTimeout]. Like every timeout in aio, d <= 0
// times out at once and [NoTimeout] never.
func TLSHandshakeTimeout(d time.Duration) NetOption {
	return func(c *netConfig) { c.tls.timeout = d; c.tls.timeoutSet() }
}

// ServerHostname sets the name a TLS client verifies the server's
// certificate against and sends as SNI (asyncio's server_hostname), over
// the config's ServerName and the address's host.
func ServerHostname(name string) NetOption { return func(c *netConfig) { c.tls.serverName = name } }

// TLSServerSide says which side of the handshake [StartTLS] and
// [StreamWriter.StartTLS] run (asyncio's server_side). By default
// StartTLS is a client, and StreamWriter.StartTLS is the server for a
// stream of a server ([StartServer]) and the client otherwise, as in
// asyncio.
func TLSServerSide(on bool) NetOption {
	return func(c *netConfig) {
		c.tls.side = -1
		if on {
			c.tls.side = 1
		}
	}
}

// timeoutSet marks an explicit timeout: 0 then means "at once".
func (o *tlsOptions) timeoutSet() {
	if o.timeout == 0 {
		o.timeout = -1
	}
}

func (o *tlsOptions) handshakeTimeout() time.Duration {
	if o.timeout == 0 {
		return DefaultTLSHandshakeTimeout
	}
	return o.timeout
}

// clientConfig returns the config of a client connecting to address,
// with the server name set as WithTLS says.
func (o *tlsOptions) clientConfig(network, address string) *tls.Config {
	cfg := o.cfg
	name := o.serverName
	if name == "" && cfg.ServerName == "" && network != "unix" {
		name, _, _ = net.SplitHostPort(address)
	}
	if name != "" && name != cfg.ServerName {
		cfg = cfg.Clone()
		cfg.ServerName = name
	}
	return cfg
}

// TLSTransport is the [Transport] of a TLS connection: crypto/tls over
// another transport (a [SocketTransport], or any Transport for
// [StartTLS]). [WithTLS] and StartTLS make it; the protocol's
// ConnectionMade receives it once the handshake is done.
//
// Data path: the records the socket receives are buffered (a stream
// reader), a [tls.Conn] decrypts them in the callback that received
// them, and the protocol's DataReceived gets the plaintext in the loop's
// read buffer (valid during the call only, as for a socket). Write
// encrypts at once and hands the records to the socket's transport, so
// flow control, buffering and its limits are those of the socket's
// transport: PauseWriting and ResumeWriting follow its write buffer,
// which SetWriteBufferLimits sets. Nothing of this suspends, and an idle
// TLS connection holds no goroutine: only the handshake runs in a task
// (the caller's for a client and StartTLS, one per connection on a
// server), over a [Conn] whose reads suspend it.
//
// Close sends a close_notify alert and closes the socket once what is
// buffered is sent. A close_notify from the peer, or the end of the
// socket's stream at a record boundary, is the end of the stream
// (EOFReceived); the end in the middle of a record is an error
// (io.ErrUnexpectedEOF), as is any record that fails to decrypt.
// WriteEOF sends a close_notify and leaves the socket open (TLS 1.3
// half-close). Renegotiation is not supported.
//
// ExtraInfo adds asyncio's TLS names: "ssl_object" (the
// [tls.ConnectionState]), "peercert" (the peer's leaf
// *[x509.Certificate], nil if it sent none), "sslcontext" (the
// *[tls.Config]) and "cipher" (the cipher suite's name); other names are
// the socket's.
//
// Its methods are called from the loop's goroutine.
type TLSTransport struct {
	transportBase
	raw       Transport   // carries the records
	rec       tlsRecords  // raw's protocol
	nc        Conn        // conn's net.Conn: reads rec's reader, writes to raw
	conn      *tls.Conn   //
	cfg       *tls.Config //
	proto     Protocol
	server    bool
	timeout   time.Duration // of a server's handshake
	connected bool          // the handshake is done and proto connected: the pump runs
	pumpSoon  bool          // a pump is scheduled (ResumeReading)
}

// tlsRecords is the protocol of the transport under a TLS transport: a
// stream protocol buffering the records, which tells the TLS transport
// of each event.
type tlsRecords struct {
	streamProtocol
	tt *TLSTransport
}

var _ Transport = (*TLSTransport)(nil)

// newTLSTransport returns the TLS layer of a connection that proto will
// receive; its records' protocol goes to the transport underneath.
func newTLSTransport(l *Loop, cfg *tls.Config, server bool, proto Protocol) *TLSTransport {
	t := &TLSTransport{cfg: cfg, proto: proto, server: server}
	t.transportBase.init(l, t)
	t.rec.init(nil)
	// Records go out as crypto/tls writes them: holding them to the end of
	// the pass would hide them from the write-buffer size and Abort that
	// the TLS transport reports from the socket's.
	t.rec.unheld = true
	t.rec.tt = t
	t.nc = Conn{r: &t.rec.r, w: &t.rec.w, loop: l, layer: true}
	if server {
		t.conn = tls.Server(&t.nc, cfg)
	} else {
		t.conn = tls.Client(&t.nc, cfg)
	}
	return t
}

// ConnectionMade starts a server's handshake in a task of its own.
func (r *tlsRecords) ConnectionMade(raw Transport) {
	r.streamProtocol.ConnectionMade(raw)
	t := r.tt
	t.raw = raw
	if !t.server {
		return // the client's caller runs the handshake
	}
	CreateTask(t.loop, t.serveHandshake)
}

// GetBuffer and BufferUpdated shadow those of the embedded stream
// protocol, which reads into the reader's own buffer: the records layer
// must see each read as DataReceived does, in the loop's read buffer.
func (r *tlsRecords) GetBuffer(int) []byte { return r.tt.loop.readBuffer() }

// BufferUpdated hands the n bytes read to DataReceived.
func (r *tlsRecords) BufferUpdated(n int) { r.DataReceived(r.tt.loop.readBuffer()[:n]) }

// DataReceived decrypts data straight from the socket's buffer when the
// transport reads (the adapter reads what the reader holds first, then
// data); only a record left incomplete, or what a pause holds back, is
// copied into the reader.
func (r *tlsRecords) DataReceived(data []byte) {
	t := r.tt
	plain := plainBuffer(t.loop.readBuffer(), data)
	if len(plain) < minPlainBuffer || !t.connected || t.flags&(fReading|fEOF|fClosing) != fReading {
		r.streamProtocol.DataReceived(data)
		if t.connected {
			t.pump()
		}
		return
	}
	t.nc.pending = data
	t.pumpInto(plain)
	if rest := t.nc.pending; len(rest) > 0 && t.flags&fLost == 0 {
		r.r.FeedData(rest)
	}
	t.nc.pending = nil
}

// minPlainBuffer is the least room for plaintext worth decrypting into
// (a record holds up to 16 KiB).
const minPlainBuffer = 16 << 10

// plainBuffer returns the part of the loop's read buffer rbuf that the
// plaintext may go to while data is still being read by crypto/tls:
// past data when data is the start of rbuf (a socket's read), all of
// rbuf when data lies elsewhere, nothing when data lies inside rbuf
// but not at its start.
func plainBuffer(rbuf, data []byte) []byte {
	switch {
	case len(data) == 0:
		return rbuf
	case &data[0] == &rbuf[0]:
		return rbuf[len(data):]
	case cap(data) > 0 && &data[:cap(data)][cap(data)-1] == &rbuf[len(rbuf)-1]:
		return nil
	}
	return rbuf
}

// EOFReceived keeps the socket open: the end of the TLS stream is
// decided by the records (close_notify), and the TLS transport closes
// the socket when it ends.
func (r *tlsRecords) EOFReceived() bool {
	r.streamProtocol.EOFReceived()
	if r.tt.connected {
		r.tt.pump()
	}
	return true
}

// ConnectionLost passes the end on to the protocol now: this is a
// callback of the loop already, so no second one is scheduled.
func (r *tlsRecords) ConnectionLost(err error) {
	r.streamProtocol.ConnectionLost(err)
	t := r.tt
	if t.connected && err == nil {
		t.pump() // what came before the end, and the end itself
	}
	if t.flags&fLost == 0 {
		t.flags |= fLost | fClosing
		t.lost(err)
	}
}

func (r *tlsRecords) PauseWriting() {
	r.streamProtocol.PauseWriting()
	if r.tt.connected {
		r.tt.maybePauseProtocol()
	}
}

func (r *tlsRecords) ResumeWriting() {
	r.streamProtocol.ResumeWriting()
	if r.tt.connected {
		r.tt.maybeResumeProtocol()
	}
}

// CloseWhenIdle implements [IdleCloser] for the socket under a server's
// TLS transport, so that [Server.Shutdown] reaches the protocol above:
// one that is an IdleCloser finishes its work in flight (an HTTP
// server's response); any other is closed with a close_notify. A
// connection still in its handshake is closed, which ends the handshake.
func (r *tlsRecords) CloseWhenIdle() {
	t := r.tt
	switch ic, ok := t.proto.(IdleCloser); {
	case !t.connected:
		t.raw.Close()
	case ok:
		ic.CloseWhenIdle()
	default:
		t.Close()
	}
}

// serveHandshake is the task of a server connection's handshake. A
// failed handshake closes the connection and is not reported (asyncio
// logs it only in debug mode): a client that cannot speak TLS is no
// error of the server's.
func (t *TLSTransport) serveHandshake(tk *Task) (struct{}, error) {
	if err := t.handshake(tk, t.timeout); err != nil {
		return struct{}{}, nil
	}
	t.connect(true)
	return struct{}{}, nil
}

// handshake runs the handshake in tk, bounded by timeout. On failure it
// closes the socket (after the alert crypto/tls may have written) and
// returns the error.
func (t *TLSTransport) handshake(tk *Task, timeout time.Duration) error {
	t.nc.handshaking = true
	err := Timeout(tk, timeout, func(*Task) error { return t.conn.Handshake() })
	t.nc.handshaking = false
	if err != nil {
		t.raw.Close()
		return fmt.Errorf("aio: TLS handshake with %v: %w", t.raw.ExtraInfo("peername"), err)
	}
	return nil
}

// connect hands the connection to the protocol (ConnectionMade, unless
// made is false: StartTLS) and delivers what came with the handshake.
// A panic in ConnectionMade aborts the connection and is returned.
func (t *TLSTransport) connect(made bool) error {
	t.connected = true
	if made {
		if err := t.start(); err != nil {
			return err
		}
	}
	t.pump()
	return nil
}

// pump decrypts what the socket has buffered and hands the plaintext to
// the protocol, while it reads; it stops when a record is incomplete.
func (t *TLSTransport) pump() { t.pumpInto(t.loop.readBuffer()) }

// pumpInto is pump with buf for the plaintext.
func (t *TLSTransport) pumpInto(buf []byte) {
	defer t.recoverPanic()
	for t.flags&(fReading|fEOF|fClosing) == fReading {
		n, err := t.conn.Read(buf)
		if n > 0 {
			t.proto.DataReceived(buf[:n])
		}
		switch {
		case err == nil:
		case err == errWouldBlock:
			return
		case err == io.EOF:
			t.eofReceived()
			return
		default:
			t.forceClose(err)
			return
		}
	}
}

// eofReceived ends the TLS stream: the protocol may keep the connection
// open for writing, or it is closed.
func (t *TLSTransport) eofReceived() {
	t.flags |= fEOF
	keep := false
	if r, ok := t.proto.(EOFReceiver); ok {
		keep = r.EOFReceived()
	}
	if !keep {
		t.Close()
	}
}

// The transportOps of a TLS transport.

func (t *TLSTransport) made() { t.proto.ConnectionMade(t) }

// lost calls the protocol's ConnectionLost if its ConnectionMade ran.
func (t *TLSTransport) lost(err error) {
	if t.connected {
		t.loop.protocolLost(t.proto.ConnectionLost, err)
	}
}

func (t *TLSTransport) release()        { t.raw.Abort() }
func (t *TLSTransport) update()         {}
func (t *TLSTransport) bufferSize() int { return t.raw.WriteBufferSize() }
func (t *TLSTransport) protocol() any   { return t.proto }

// String describes the transport.
func (t *TLSTransport) String() string { return fmt.Sprintf("<TLSTransport over %v>", t.raw) }

// CanWriteEOF reports true: WriteEOF sends a close_notify.
func (t *TLSTransport) CanWriteEOF() bool { return true }

// Protocol returns the transport's protocol.
func (t *TLSTransport) Protocol() Protocol { return t.proto }

// SetProtocol switches the protocol that receives the plaintext.
func (t *TLSTransport) SetProtocol(p Protocol) { t.proto = p }

// Raw returns the transport that carries the records (the socket's).
// Writing to it directly would break the TLS stream.
func (t *TLSTransport) Raw() Transport { return t.raw }

// ConnectionState returns the state of the TLS connection: version,
// cipher suite, peer certificates, negotiated protocol (ALPN), whether
// the session was resumed. It is the zero state before the handshake is
// done.
func (t *TLSTransport) ConnectionState() tls.ConnectionState {
	if !t.connected {
		// crypto/tls's handshake lock is held across the handshake's
		// suspensions: taking it here would block the loop.
		return tls.ConnectionState{}
	}
	return t.conn.ConnectionState()
}

// ExtraInfo returns asyncio's TLS names ("ssl_object", "peercert",
// "sslcontext", "cipher"; see [TLSTransport]) and the socket's names
// otherwise.
func (t *TLSTransport) ExtraInfo(name string) any {
	switch name {
	case "ssl_object":
		return t.ConnectionState()
	case "peercert":
		if certs := t.ConnectionState().PeerCertificates; len(certs) > 0 {
			return certs[0]
		}
		return nil
	case "sslcontext":
		return t.cfg
	case "cipher":
		if !t.connected {
			return nil
		}
		return tls.CipherSuiteName(t.ConnectionState().CipherSuite)
	}
	return t.raw.ExtraInfo(name)
}

// IsReading reports whether the transport delivers data: not paused, not
// closing.
func (t *TLSTransport) IsReading() bool { return t.flags&(fReading|fClosing) == fReading }

// PauseReading stops DataReceived calls until ResumeReading, and
// pauses the socket's transport: the kernel's buffer then fills and the
// peer's writes slow down, as for a socket (and a peer's reset is seen
// as one). Records already received stay buffered.
func (t *TLSTransport) PauseReading() {
	if t.flags&(fReading|fClosing) == fReading {
		t.flags &^= fReading
		t.raw.PauseReading()
	}
}

// ResumeReading undoes PauseReading. What was buffered meanwhile is
// delivered from a callback soon after, not within the call (as asyncio
// does), so a protocol that resumes in DataReceived is not re-entered.
func (t *TLSTransport) ResumeReading() {
	if t.flags&(fReading|fClosing) != 0 {
		return
	}
	t.flags |= fReading
	t.raw.ResumeReading()
	if t.connected && !t.pumpSoon {
		t.pumpSoon = true
		t.loop.CallSoonNoHandle(func() {
			t.pumpSoon = false
			t.pump()
		})
	}
}

// SetWriteBufferLimits sets the flow-control marks, which apply to the
// socket transport's buffer of records (see [WriteTransport]).
func (t *TLSTransport) SetWriteBufferLimits(high, low int) {
	t.raw.SetWriteBufferLimits(high, low)
	t.transportBase.SetWriteBufferLimits(t.raw.WriteBufferLimits())
}

// SetWriteBufferMax sets the hard limit of the socket transport's buffer
// of records (see [ErrWriteBufferFull]), if it has one.
func (t *TLSTransport) SetWriteBufferMax(n int) {
	if m, ok := t.raw.(interface{ SetWriteBufferMax(int) }); ok {
		m.SetWriteBufferMax(n)
	}
}

// WriteBufferSize returns the bytes of records buffered by the socket's
// transport, not yet sent.
func (t *TLSTransport) WriteBufferSize() int { return t.raw.WriteBufferSize() }

// Write encrypts p and hands the records to the socket's transport (see
// [WriteTransport.Write]); p may be reused when Write returns. An error
// of the socket's transport is returned, and the connection is then
// closed.
func (t *TLSTransport) Write(p []byte) error {
	if t.flags&(fClosing|fWriteEOF) != 0 {
		return t.writeRefused()
	}
	if len(p) == 0 {
		return nil
	}
	if _, err := t.conn.Write(p); err != nil {
		t.forceClose(err)
		return err
	}
	return nil
}

func (t *TLSTransport) writeRefused() error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	return ErrWriteAfterEOF
}

// Writelines writes the buffers in order, as Write does.
func (t *TLSTransport) Writelines(bufs [][]byte) error {
	for _, b := range bufs {
		if err := t.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// WriteEOF sends a close_notify alert: the peer reads the end of the
// stream, and this side goes on reading (TLS 1.3 allows it; a TLS 1.2
// peer usually closes). Later writes return [ErrWriteAfterEOF].
func (t *TLSTransport) WriteEOF() error {
	if t.flags&fClosing != 0 {
		return ErrTransportClosed
	}
	if t.flags&fWriteEOF != 0 {
		return nil
	}
	t.flags |= fWriteEOF
	return t.conn.CloseWrite()
}

// Close sends a close_notify alert and closes the socket once what is
// buffered is sent; then ConnectionLost(nil) is called. Closing twice
// does nothing.
func (t *TLSTransport) Close() error {
	if t.flags&fClosing != 0 {
		return nil
	}
	t.flags |= fClosing
	t.conn.Close() // the alert, then the socket's Close
	return nil
}

// Abort closes the socket at once, dropping what is buffered; then
// ConnectionLost(nil) is called.
func (t *TLSTransport) Abort() { t.forceClose(nil) }

// tlsConnect is CreateConnection's end for WithTLS: it makes the
// connection's TLS transport over the socket fd, runs the handshake in t
// and connects the protocol.
func tlsConnect[P Protocol](t *Task, fd, family int, factory func() P, network, address string, cfg netConfig) (*SocketTransport, P, error) {
	var zero P
	p, err := callFactory(factory)
	if err != nil {
		unix.Close(fd)
		return nil, zero, err
	}
	tt := newTLSTransport(t.fut.loop, cfg.tls.clientConfig(network, address), false, p)
	raw, _, err := adoptSocket(t.fut.loop, fd, family, func() *tlsRecords { return &tt.rec })
	if err != nil {
		return nil, zero, err
	}
	if err := tt.handshake(t, cfg.tls.handshakeTimeout()); err != nil {
		return nil, zero, err
	}
	if err := tt.connect(true); err != nil {
		return nil, zero, err
	}
	return raw, p, nil
}

// tlsServerFactory wraps a server's protocol factory: each connection
// gets a TLS transport whose handshake runs in a task of its own.
func tlsServerFactory(l *Loop, factory func() Protocol, o tlsOptions) func() Protocol {
	timeout := o.handshakeTimeout()
	return func() Protocol {
		p := factory()
		if p == nil {
			panic(errors.New("aio: the protocol factory returned nil"))
		}
		tt := newTLSTransport(l, o.cfg, true, p)
		tt.timeout = timeout
		return &tt.rec
	}
}
