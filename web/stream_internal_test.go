package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio"
)

// StreamResponse.Write waits while the connection's write buffer is above
// its high-water mark: 8 MiB to a client reading as it goes never piles
// up in the server.
func TestStreamWriteWaitsForDrain(t *testing.T) {
	var most atomic.Int64 // written on the loop, read by the test
	app := NewApp()
	app.Get("/big", func(t *aio.Task, r *Request) (*Response, error) {
		s := NewStreamResponse(200)
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		block := bytes.Repeat([]byte("x"), 64<<10)
		for range 128 {
			if err := s.Write(t, block); err != nil {
				return nil, err
			}
			if n := int64(r.c.tr.WriteBufferSize()); n > most.Load() {
				most.Store(n)
			}
		}
		return s.Finish(t)
	})
	rn := NewRunner(app, Addr("127.0.0.1:0"), Loops(1))
	if err := rn.Start(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + rn.Addr().String() + "/big")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n != 8<<20 {
		t.Fatalf("%d bytes, %v", n, err)
	}
	if err := rn.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if high := int64(64 << 10); most.Load() > 2*high+64<<10 {
		t.Errorf("the write buffer reached %d bytes: Write does not wait for it to drain", most.Load())
	}
}
