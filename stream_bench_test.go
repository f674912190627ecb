//go:build linux

package aio_test

import (
	"bufio"
	"bytes"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// benchLine is the 64-byte line the echo benchmarks bounce.
var benchLine = append(bytes.Repeat([]byte("x"), 63), '\n')

// BenchmarkStreamEcho is one ping-pong of a 64-byte line over loopback
// TCP: the client writes a line, drains and reads the echo; the server's
// handler reads it with ReadLine, writes it back and drains. Both ends are
// streams on one loop.
func BenchmarkStreamEcho(b *testing.B) {
	aiotest.Run(b, func(tk *aio.Task) error {
		srv, err := aio.StartServer(tk, echoLines, "tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := aio.OpenConnection(tk, "tcp4", srv.Addr().String())
		if err != nil {
			return err
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			w.Write(benchLine)
			if err := w.Drain(tk); err != nil {
				return err
			}
			if _, err := r.ReadLine(tk); err != nil {
				return err
			}
		}
		b.StopTimer()
		w.Close()
		if _, err := r.ReadAll(tk); err != nil {
			return err
		}
		srv.Close()
		return srv.WaitClosed(tk)
	})
}

// BenchmarkStreamEchoNetBufio is BenchmarkStreamEcho with a goroutine per
// connection, net and bufio: the Go baseline.
func BenchmarkStreamEchoNetBufio(b *testing.B) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br, bw := bufio.NewReader(c), bufio.NewWriter(c)
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return
			}
			bw.Write(line)
			if bw.Flush() != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReader(c)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(benchLine); err != nil {
			b.Fatal(err)
		}
		if _, err := br.ReadSlice('\n'); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	c.Close()
	<-served
}
