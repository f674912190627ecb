//go:build linux

package aio_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// fakeDNS is a DNS server on 127.0.0.1 UDP for hermetic resolver tests:
// answer says what to do with each query (its name and type).
type fakeDNS struct {
	pc     net.PacketConn
	answer func(name string, qtype uint16) (rcode int, a []byte, reply bool)
}

// newFakeDNS serves until the test ends.
func newFakeDNS(t *testing.T, answer func(name string, qtype uint16) (rcode int, a []byte, reply bool)) *fakeDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeDNS{pc: pc, answer: answer}
	done := make(chan struct{})
	t.Cleanup(func() { pc.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out := s.reply(buf[:n]); out != nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return s
}

// reply builds the answer to one query: the question copied, and an A
// or AAAA record when answer gives one.
func (s *fakeDNS) reply(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	qend := i + 5 // the root label, type and class
	qtype := binary.BigEndian.Uint16(q[i+1:])
	rcode, a, ok := s.answer(strings.Join(labels, ".")+".", qtype)
	if !ok {
		return nil
	}
	out := append([]byte{}, q[:2]...)         // ID
	out = append(out, 0x81, 0x80|byte(rcode)) // QR, RD, RA, rcode
	out = append(out, 0, 1, 0, 0, 0, 0, 0, 0) // one question
	out = append(out, q[12:qend]...)          // the question
	if a != nil && rcode == 0 {
		out[7] = 1                                            // one answer
		out = append(out, 0xc0, 12)                           // the question's name
		out = append(out, q[qend-4:qend-2]...)                // its type
		out = append(out, 0, 1, 0, 0, 0, 60, 0, byte(len(a))) // IN, TTL 60
		out = append(out, a...)
	}
	return out
}

// resolver returns a resolver that asks s (and nothing else). onDial,
// if set, sees the context of each query's connection.
func (s *fakeDNS) resolver(onDial func(ctx context.Context)) *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			if onDial != nil {
				onDial(ctx)
			}
			var d net.Dialer
			c, err := d.DialContext(ctx, "udp4", s.pc.LocalAddr().String())
			if err == nil {
				// The resolver's read stops only at its deadline: end it
				// with the query's context.
				go func() { <-ctx.Done(); c.Close() }()
			}
			return c, err
		},
	}
}

const (
	typeA    = 1
	typeAAAA = 28
)

// TestOpenConnectionWithResolver resolves a made-up name through the
// fake server to 127.0.0.1 and echoes a line over it.
func TestOpenConnectionWithResolver(t *testing.T) {
	dns := newFakeDNS(t, func(name string, qtype uint16) (int, []byte, bool) {
		if name == "echo.aio.test." && qtype == typeA {
			return 0, []byte{127, 0, 0, 1}, true
		}
		return 3, nil, true // NXDOMAIN
	})
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := aio.StartServer(tk, echoLines, "tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, port, _ := net.SplitHostPort(srv.Addr().String())
		r, w, err := aio.OpenConnection(tk, "tcp4", "echo.aio.test:"+port, aio.WithResolver(dns.resolver(nil)))
		if err != nil {
			return err
		}
		defer w.Close()
		w.Write([]byte("via dns\n"))
		line, err := r.ReadLine(tk)
		if err != nil || string(line) != "via dns\n" {
			t.Errorf("echo = %q, %v", line, err)
		}
		return nil
	})
}

// TestUnresolvableNameNamesHost: a name under .invalid (RFC 6761) that
// the server says does not exist gives a *net.DNSError naming it.
func TestUnresolvableNameNamesHost(t *testing.T) {
	dns := newFakeDNS(t, func(string, uint16) (int, []byte, bool) { return 3, nil, true })
	const host = "no-such-host.invalid"
	aiotest.Run(t, func(tk *aio.Task) error {
		_, _, err := aio.OpenConnection(tk, "tcp", host+":80", aio.WithResolver(dns.resolver(nil)))
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
			t.Fatalf("OpenConnection(%s) = %v, want a not-found *net.DNSError", host, err)
		}
		if !strings.Contains(err.Error(), host) {
			t.Errorf("the error %q does not name %s", err, host)
		}
		return nil
	})
}

// TestCancelWhileResolving cancels OpenConnection while its lookup waits
// for a DNS server that never answers: the task ends cancelled at once,
// and the lookup's own context is cancelled (not left to time out).
func TestCancelWhileResolving(t *testing.T) {
	aiotest.CheckGoroutines(t)
	queried := make(chan struct{}, 16)
	dns := newFakeDNS(t, func(string, uint16) (int, []byte, bool) {
		queried <- struct{}{}
		return 0, nil, false // never answer
	})
	dialCtxEnd := make(chan error, 16)
	res := dns.resolver(func(ctx context.Context) {
		go func() { <-ctx.Done(); dialCtxEnd <- ctx.Err() }()
	})
	aiotest.Run(t, func(tk *aio.Task) error {
		f := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) {
			_, w, err := aio.OpenConnection(tk, "tcp", "silent.invalid:80", aio.WithResolver(res))
			if err == nil {
				w.Close()
			}
			return struct{}{}, err
		})
		l := tk.Loop()
		go func() { // cancel from the DNS server's side, once it has the query
			<-queried
			l.CallSoonThreadsafe(func() { f.Cancel() })
		}()
		_, err := aio.Await(tk, f)
		if !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("OpenConnection while resolving, cancelled: %v", err)
		}
		return nil
	})
	if err := <-dialCtxEnd; !errors.Is(err, context.Canceled) {
		t.Errorf("the lookup's context ended with %v, want context.Canceled", err)
	}
}
