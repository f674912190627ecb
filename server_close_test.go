package aio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// Server.Close, WaitClosed, CloseClients and AbortClients behave as
// asyncio's (CPython 3.13, checked by running the same steps there):
// WaitClosed waits for Close and for the connections to be gone; Close
// leaves the connections open; AbortClients alone leaves the server
// serving.
func TestServerCloseSemanticsMatchAsyncio(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		var protos []*recProto
		factory := func() *recProto { p := &recProto{}; protos = append(protos, p); return p }
		lostCount := func() (n int) {
			for _, p := range protos {
				n += p.lost
			}
			return n
		}
		srv, err := CreateServer(tk, factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(ioWatchdog))
		for srv.Connections() == 0 {
			if err := Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		wc := Spawn(tk, func(t *Task) (struct{}, error) { return struct{}{}, srv.WaitClosed(t) })
		Sleep(tk, time.Millisecond)
		if wc.Done() {
			return fmt.Errorf("WaitClosed returned before Close")
		}
		srv.Close()
		Sleep(tk, time.Millisecond)
		if srv.IsServing() || len(srv.Sockets()) != 0 || wc.Done() || lostCount() != 0 {
			return fmt.Errorf("after Close: serving %v, sockets %v, WaitClosed done %v, lost %d",
				srv.IsServing(), srv.Sockets(), wc.Done(), lostCount())
		}
		srv.CloseClients()
		if _, err := Await(tk, wc); err != nil {
			return err
		}
		if n := lostCount(); n != 1 {
			return fmt.Errorf("after CloseClients: lost %d", n)
		}
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			return fmt.Errorf("client after CloseClients: %d, %v", n, err)
		}
		if err := srv.WaitClosed(tk); err != nil {
			return err
		}

		srv2, err := CreateServer(tk, factory, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		c2, err := net.Dial("tcp", srv2.Addr().String())
		if err != nil {
			return err
		}
		defer c2.Close()
		for srv2.Connections() == 0 {
			if err := Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		srv2.AbortClients()
		Sleep(tk, time.Millisecond)
		if !srv2.IsServing() || lostCount() != 2 {
			return fmt.Errorf("after AbortClients alone: serving %v, lost %d", srv2.IsServing(), lostCount())
		}
		srv2.Close()
		return srv2.WaitClosed(tk)
	})
}

// Server.Shutdown closes the connections of plain protocols, asks an
// IdleCloser to close, and waits; bounded by Timeout, AbortClients ends
// what is left.
func TestServerShutdown(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	runTest(t, l, func(tk *Task) error {
		var plain *recProto
		deaf := false
		srv, err := CreateServer(tk, func() Protocol {
			if !deaf {
				deaf = true
				return &deafProto{}
			}
			plain = &recProto{}
			return plain
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		for range 2 {
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				return err
			}
			defer c.Close()
		}
		for srv.Connections() < 2 {
			if err := Sleep(tk, time.Millisecond); err != nil {
				return err
			}
		}
		err = Timeout(tk, 10*time.Millisecond, srv.Shutdown)
		if !errors.Is(err, ErrTimeout) {
			return fmt.Errorf("Shutdown of a connection that never closes: %v", err)
		}
		if plain.lost != 1 || srv.Connections() != 1 || srv.IsServing() {
			return fmt.Errorf("after Shutdown: plain lost %d, %d connections, serving %v",
				plain.lost, srv.Connections(), srv.IsServing())
		}
		srv.AbortClients()
		return srv.Shutdown(tk) // again: only waits
	})
}
