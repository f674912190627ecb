package aio

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
)

// StartTLS upgrades the live connection of tr to TLS with cfg and
// returns the new transport, once the handshake is done (asyncio's
// loop.start_tls). tr's protocol stays the connection's protocol: from
// now on it receives plaintext from the returned *[TLSTransport], which
// it must write to instead of tr; its ConnectionMade is not called
// again. The handshake is the client's unless [TLSServerSide](true) is
// given; a client verifies the name of [ServerHostname] or
// cfg.ServerName. [TLSHandshakeTimeout] bounds it.
//
// Bytes tr's protocol has received and not yet used are not part of the
// handshake: call StartTLS when the peer waits for it (after the
// protocol's "STARTTLS" exchange), or use [StreamWriter.StartTLS], which
// hands a stream's buffered bytes over.
//
// If the handshake fails, tr's protocol is restored, tr is closed and
// the error returned.
//
// Cancellation: StartTLS returns an error matching [ErrCancelled] and
// closes the connection, as for a failed handshake.
func StartTLS(t *Task, tr Transport, cfg *tls.Config, opts ...NetOption) (*TLSTransport, error) {
	t.checkRunning("StartTLS")
	o := newNetConfig(opts).tls
	return startTLS(t, tr, cfg, o.side > 0, nil, o)
}

// StartTLS upgrades the stream's connection to TLS with cfg, in place
// (asyncio's StreamWriter.start_tls): once it returns, the reader reads
// plaintext and the writer encrypts, through a *[TLSTransport] that
// Transport returns. Bytes the reader had buffered and not returned are
// the start of the handshake. The handshake is the server's for a stream
// of a server ([StartServer]) and the client's otherwise, unless
// [TLSServerSide] says; a client verifies the name of [ServerHostname],
// else cfg.ServerName. [TLSHandshakeTimeout] bounds it.
//
// No task may wait in a read meanwhile. If the handshake fails, the
// connection is closed (the reader sees the end) and the error returned.
//
// Cancellation: StartTLS returns an error matching [ErrCancelled] and
// closes the connection, as for a failed handshake.
func (w *StreamWriter) StartTLS(t *Task, cfg *tls.Config, opts ...NetOption) error {
	t.checkRunning("StartTLS")
	p := w.p
	switch {
	case p.closed.IsSet() || p.tr.IsClosing():
		return fmt.Errorf("aio: StartTLS: %w", ErrTransportClosed)
	case p.r.waiting:
		return fmt.Errorf("aio: StartTLS: %w", ErrReadInProgress)
	case p.r.eof:
		return errors.New("aio: StartTLS: the peer has ended the stream")
	}
	o := newNetConfig(opts).tls
	server := o.side > 0
	if st, ok := p.tr.(*SocketTransport); ok && o.side == 0 {
		server = st.server != nil
	}
	r := &p.r
	pending := bytes.Clone(r.buf[r.off:])
	r.buf, r.off = r.buf[:0], 0
	r.paused = false // startTLS resumes the socket's reading
	tt, err := startTLS(t, p.tr, cfg, server, pending, o)
	if err != nil {
		return err
	}
	p.tr, r.tr = tt, tt
	return nil
}

// startTLS puts a TLS layer between tr and its protocol, feeds it
// pending (records received before), runs the handshake in t and
// connects the protocol without ConnectionMade.
func startTLS(t *Task, tr Transport, cfg *tls.Config, server bool, pending []byte, o tlsOptions) (*TLSTransport, error) {
	if cfg == nil {
		return nil, errors.New("aio: StartTLS: nil tls.Config")
	}
	proto := tr.Protocol()
	if !server {
		o.cfg = cfg
		cfg = o.clientConfig("unix", "") // no address: the name is the option's or cfg's
	}
	tt := newTLSTransport(tr.Loop(), cfg, server, proto)
	tt.rec.streamProtocol.ConnectionMade(tr)
	tt.raw = tr
	tt.rec.r.FeedData(pending)
	tr.SetProtocol(&tt.rec)
	tr.ResumeReading()
	if err := tt.handshake(t, o.handshakeTimeout()); err != nil {
		tr.SetProtocol(proto)
		if tt.rec.closed.IsSet() {
			// The connection was lost during the handshake and the TLS
			// layer got the news: the protocol must get it too.
			t.fut.loop.protocolLost(proto.ConnectionLost, tt.rec.lostErr)
		}
		return nil, err
	}
	tt.connect(false)
	return tt, nil
}
