//go:build linux

package aio_test

import (
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// readInto100 is ReadInto with a 100-byte buffer as a read method of the
// read-case table (stream_test.go).
func readInto100(tk *aio.Task, r *aio.StreamReader) ([]byte, error) {
	p := make([]byte, 100)
	n, err := r.ReadInto(tk, p)
	return p[:n], err
}

// TestStreamReadInto checks ReadInto on a hand-fed reader: short
// buffers take part of what is buffered, the rest stays; an empty buffer
// returns at once; the end and an error set come after the bytes.
func TestStreamReadInto(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(0)
		r.FeedData([]byte("hello world"))
		p := make([]byte, 5)
		if n, err := r.ReadInto(tk, p); n != 5 || err != nil || string(p) != "hello" {
			t.Errorf("ReadInto = %d, %v, %q; want 5, nil, hello", n, err, p[:n])
		}
		if n, err := r.ReadInto(tk, nil); n != 0 || err != nil || r.Buffered() != 6 {
			t.Errorf("ReadInto(nil) = %d, %v with %d buffered; want 0, nil, 6", n, err, r.Buffered())
		}
		big := make([]byte, 64)
		if n, err := r.ReadInto(tk, big); n != 6 || err != nil || string(big[:n]) != " world" {
			t.Errorf("ReadInto = %d, %v, %q; want 6, nil, \" world\"", n, err, big[:n])
		}
		r.FeedData([]byte("x"))
		r.FeedEOF()
		if n, err := r.ReadInto(tk, big); n != 1 || err != nil {
			t.Errorf("ReadInto before the end = %d, %v; want 1, nil", n, err)
		}
		if n, err := r.ReadInto(tk, big); n != 0 || err != io.EOF {
			t.Errorf("ReadInto at the end = %d, %v; want 0, io.EOF", n, err)
		}
		lost := errors.New("lost")
		r.SetErr(lost)
		if _, err := r.ReadInto(tk, big); err != lost {
			t.Errorf("ReadInto after SetErr = %v, want %v", err, lost)
		}
		return nil
	})
}

// TestStreamTLSEchoAllocates: a 16 KiB echo over TLS streams read with
// ReadInto allocates less than one message per round trip, on both sides (the
// drained reader buffers are reused through the loop's spares; without
// them each side allocated a buffer per message).
func TestStreamTLSEchoAllocates(t *testing.T) {
	pki, err := newPKI("allocs")
	if err != nil {
		t.Fatal(err)
	}
	const size = 16 << 10
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, r, w, err := startTLSStreamEcho(tk, pki, false)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer w.Close()
		msg, buf := make([]byte, size), make([]byte, size)
		roundTrip := func() error {
			if err := w.Write(msg); err != nil {
				return err
			}
			return readFull(tk, r, buf)
		}
		for range 20 {
			if err := roundTrip(); err != nil {
				return err
			}
		}
		const trips = 200
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range trips {
			if err := roundTrip(); err != nil {
				return err
			}
		}
		runtime.ReadMemStats(&after)
		// Without the spares it is 36 KiB, with them about 100 bytes
		// (10 KiB under -race, whose sync.Pool drops what it is given).
		if per := (after.TotalAlloc - before.TotalAlloc) / trips; per > 16<<10 {
			t.Errorf("%d bytes allocated per round trip, want under 16 KiB", per)
		}
		return nil
	})
}

// startTLSStreamEcho starts a TLS stream echo server on loopback, whose handler
// reads with ReadInto into a buffer of its own (with Read if copying),
// and connects to it.
func startTLSStreamEcho(tk *aio.Task, pki *testPKI, copying bool) (*aio.Server, *aio.StreamReader, *aio.StreamWriter, error) {
	srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
		defer w.Close()
		buf := make([]byte, 64<<10)
		for {
			var p []byte
			var err error
			if copying {
				p, err = r.Read(tk, len(buf))
			} else {
				var n int
				n, err = r.ReadInto(tk, buf)
				p = buf[:n]
			}
			if err != nil {
				return nil
			}
			w.Write(p)
		}
	}, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
	if err != nil {
		return nil, nil, nil, err
	}
	r, w, err := aio.OpenConnection(tk, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig()))
	if err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	return srv, r, w, nil
}

// readFull reads len(buf) bytes into buf with ReadInto.
func readFull(tk *aio.Task, r *aio.StreamReader, buf []byte) error {
	for got := 0; got < len(buf); {
		n, err := r.ReadInto(tk, buf[got:])
		if err != nil {
			return err
		}
		got += n
	}
	return nil
}
