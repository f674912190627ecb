//go:build linux

package aio_test

import (
	"crypto/tls"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// BenchmarkTLSEcho is a TLS ping-pong over loopback TCP: a client
// writes a message and reads it back from an echo server, both in this
// process. "aio" is a stream client and a StartServer handler with
// WithTLS on one loop, reading with ReadInto into buffers of their own;
// "aio-copy" is the same with Read and ReadExactly, which return copies
// (two 16 KiB allocations per round trip); "aio-protocol" is the same
// with protocols, whose callbacks get the plaintext in the loop's
// buffer; "net" is crypto/tls over net (tls.Listen with a
// goroutine per connection, tls.Dial). cpu-ns/op is the process's CPU
// time (user and system, both sides) per round trip: the figure to
// compare, since the machine is shared and wall time is noisy.
func BenchmarkTLSEcho(b *testing.B) {
	pki, err := newPKI("bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{64, 16 << 10} {
		name := map[int]string{64: "64B", 16 << 10: "16KiB"}[size]
		b.Run("aio/"+name, func(b *testing.B) { benchAIOTLSEcho(b, pki, size, false) })
		b.Run("aio-copy/"+name, func(b *testing.B) { benchAIOTLSEcho(b, pki, size, true) })
		b.Run("aio-protocol/"+name, func(b *testing.B) { benchProtocolTLSEcho(b, pki, size) })
		b.Run("net/"+name, func(b *testing.B) { benchNetTLSEcho(b, pki, size) })
	}
}

// cpuTime returns the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs the b.N round trips of roundTrip and reports CPU per op.
func measure(b *testing.B, size int, roundTrip func() error) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		if err := roundTrip(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func benchAIOTLSEcho(b *testing.B, pki *testPKI, size int, copying bool) {
	err := aio.Run(func(tk *aio.Task) error {
		srv, r, w, err := startTLSStreamEcho(tk, pki, copying)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer w.Close()
		msg, buf := make([]byte, size), make([]byte, size)
		measure(b, size, func() error {
			if err := w.Write(msg); err != nil {
				return err
			}
			if copying {
				_, err := r.ReadExactly(tk, size)
				return err
			}
			return readFull(tk, r, buf)
		})
		b.StopTimer()
		return nil
	}, aio.NoSignalHandlers())
	if err != nil {
		b.Fatal(err)
	}
}

func benchNetTLSEcho(b *testing.B, pki *testPKI, size int) {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", pki.ServerConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	c, err := tls.Dial("tcp", ln.Addr().String(), pki.ClientConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg, buf := make([]byte, size), make([]byte, size)
	measure(b, size, func() error {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		_, err := io.ReadFull(c, buf)
		return err
	})
	b.StopTimer()
}

// echoProto writes back what it receives.
type echoProto struct{ tr aio.Transport }

func (p *echoProto) ConnectionMade(tr aio.Transport) { p.tr = tr }
func (p *echoProto) DataReceived(b []byte)           { p.tr.Write(b) }
func (p *echoProto) ConnectionLost(error)            {}

// countProto counts what it receives and sets got when want bytes came.
type countProto struct {
	echoProto
	n, want int
	got     aio.Event
}

func (p *countProto) DataReceived(b []byte) {
	if p.n += len(b); p.n >= p.want {
		p.n -= p.want
		p.got.Set()
	}
}

func benchProtocolTLSEcho(b *testing.B, pki *testPKI, size int) {
	err := aio.Run(func(tk *aio.Task) error {
		srv, err := aio.CreateServer(tk, func() *echoProto { return &echoProto{} }, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		defer srv.Close()
		_, p, err := aio.CreateConnection(tk, func() *countProto { return &countProto{want: size} }, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig()))
		if err != nil {
			return err
		}
		defer p.tr.Close()
		msg := make([]byte, size)
		measure(b, size, func() error {
			p.got.Clear()
			if err := p.tr.Write(msg); err != nil {
				return err
			}
			return p.got.Wait(tk)
		})
		b.StopTimer()
		return nil
	}, aio.NoSignalHandlers())
	if err != nil {
		b.Fatal(err)
	}
}
