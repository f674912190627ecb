//go:build linux

package aio

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"testing"
)

// udpProto records datagrams; with echo it sends each one back.
type udpProto struct {
	tr    DatagramTransport
	echo  bool
	got   []string
	from  []netip.AddrPort
	errs  []error
	lost  int
	lerr  error
	want  int
	fut   *Future[struct{}]
	onErr *Future[error]
	onEnd *Future[error]
}

func (p *udpProto) ConnectionMade(t DatagramTransport) { p.tr = t }

func (p *udpProto) DatagramReceived(data []byte, addr netip.AddrPort) {
	p.got = append(p.got, string(data))
	p.from = append(p.from, addr)
	if p.echo {
		p.tr.SendTo(data, addr)
	}
	if p.fut != nil && len(p.got) >= p.want && !p.fut.Done() {
		p.fut.SetResult(struct{}{})
	}
}

func (p *udpProto) ErrorReceived(err error) {
	p.errs = append(p.errs, err)
	if p.onErr != nil && !p.onErr.Done() {
		p.onErr.SetResult(err)
	}
}

func (p *udpProto) ConnectionLost(err error) {
	p.lost++
	p.lerr = err
	if p.onEnd != nil {
		p.onEnd.SetResult(err)
	}
}

func (p *udpProto) wait(t *Task, n int) error {
	if len(p.got) >= n {
		return nil
	}
	p.want, p.fut = n, NewFuture[struct{}](t.Loop())
	_, err := Await(t, p.fut)
	return err
}

func (p *udpProto) closeAndWait(t *Task) error {
	p.onEnd = NewFuture[error](t.Loop())
	p.tr.Close()
	v, err := Await(t, p.onEnd)
	if err != nil {
		return err
	}
	return v
}

func TestUDPEcho(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		srv, sp, err := CreateDatagramEndpoint(tk, func() *udpProto { return &udpProto{echo: true} }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		saddr := srv.LocalAddr().String()
		ctr, cp, err := CreateDatagramEndpoint(tk, func() *udpProto { return &udpProto{} }, "udp", "", saddr)
		if err != nil {
			return err
		}
		for _, m := range []string{"one", "two", "", "three"} {
			if err := ctr.SendTo([]byte(m), netip.AddrPort{}); err != nil {
				return err
			}
		}
		if err := cp.wait(tk, 4); err != nil {
			return err
		}
		if fmt.Sprint(cp.got) != "[one two  three]" {
			return fmt.Errorf("client got %q", cp.got)
		}
		if cp.from[0].String() != saddr {
			return fmt.Errorf("from %v, want %s", cp.from[0], saddr)
		}
		if sp.from[0].String() != ctr.LocalAddr().String() {
			return fmt.Errorf("server saw %v, client is %v", sp.from[0], ctr.LocalAddr())
		}
		if ctr.ExtraInfo("peername").(net.Addr).String() != saddr {
			return fmt.Errorf("peername %v", ctr.ExtraInfo("peername"))
		}
		other := netip.MustParseAddrPort("127.0.0.1:9")
		if err := ctr.SendTo([]byte("x"), other); err == nil {
			return fmt.Errorf("SendTo another address on a connected endpoint succeeded")
		}
		if err := srv.SendTo([]byte("x"), netip.AddrPort{}); err == nil {
			return fmt.Errorf("SendTo without address on an unconnected endpoint succeeded")
		}
		if err := cp.closeAndWait(tk); err != nil {
			return err
		}
		if err := ctr.SendTo([]byte("late"), netip.AddrPort{}); !errors.Is(err, ErrTransportClosed) {
			return fmt.Errorf("SendTo after Close: %v", err)
		}
		return sp.closeAndWait(tk)
	})
}

// TestUDPErrorReceived: a connected endpoint whose peer has no socket
// gets ECONNREFUSED through ErrorReceived and stays open.
func TestUDPErrorReceived(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := pc.LocalAddr().String()
	pc.Close()
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		p := &udpProto{}
		p.onErr = NewFuture[error](l)
		tr, _, err := CreateDatagramEndpoint(tk, func() *udpProto { return p }, "udp4", "", dead)
		if err != nil {
			return err
		}
		tr.SendTo([]byte("anyone?"), netip.AddrPort{})
		got, err := Await(tk, p.onErr)
		if err != nil {
			return err
		}
		if !errors.Is(got, syscall.ECONNREFUSED) {
			return fmt.Errorf("ErrorReceived(%v), want ECONNREFUSED", got)
		}
		if tr.IsClosing() {
			return fmt.Errorf("an ICMP error closed the endpoint")
		}
		tr.Abort()
		return nil
	})
}

// TestUDPDualStack: a wildcard "udp" endpoint receives from IPv4 peers
// and reports their addresses as IPv4.
func TestUDPDualStack(t *testing.T) {
	if !hasIPv6() {
		t.Skip("no IPv6")
	}
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		srv, _, err := CreateDatagramEndpoint(tk, func() *udpProto { return &udpProto{echo: true} }, "udp", ":0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		port := srv.LocalAddr().(*net.UDPAddr).Port
		for _, host := range []string{"127.0.0.1", "::1"} {
			addr := net.JoinHostPort(host, fmt.Sprint(port))
			c, cp, err := CreateDatagramEndpoint(tk, func() *udpProto { return &udpProto{} }, "udp", "", addr)
			if err != nil {
				return err
			}
			c.SendTo([]byte(host), netip.AddrPort{})
			if err := cp.wait(tk, 1); err != nil {
				return err
			}
			if cp.got[0] != host || cp.from[0].Addr().String() != host {
				return fmt.Errorf("%s: got %q from %v", host, cp.got, cp.from)
			}
			c.Close()
		}
		return nil
	})
}
