package aio_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// TestReadSlice: lines as views into the buffer, ReadLine's rules for
// the last line, the end and overruns, and no allocation per line.
func TestReadSlice(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(8)
		r.FeedData([]byte("one;two;a-long-field;tail"))
		r.FeedEOF()
		for _, want := range []string{"one;", "two;"} {
			got, err := r.ReadSlice(tk, ';')
			if err != nil || string(got) != want {
				t.Errorf("ReadSlice = %q, %v; want %q", got, err, want)
			}
		}
		if _, err := r.ReadSlice(tk, ';'); !errors.Is(err, aio.ErrLimitOverrun) {
			t.Errorf("over-long field: %v, want ErrLimitOverrun", err)
		}
		if got, err := r.ReadSlice(tk, ';'); err != nil || string(got) != "tail" {
			t.Errorf("last field = %q, %v; want %q (dropped the over-long one)", got, err, "tail")
		}
		if _, err := r.ReadSlice(tk, ';'); err != io.EOF {
			t.Errorf("at the end: %v, want io.EOF", err)
		}
		return nil
	})
}

func TestReadSliceAllocs(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(0)
		r.FeedData(bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef012345678901234\n"), 200))
		var err error
		allocs := testing.AllocsPerRun(100, func() {
			if _, e := r.ReadSlice(tk, '\n'); e != nil {
				err = e
			}
		})
		if err != nil {
			return err
		}
		if allocs != 0 {
			t.Errorf("ReadSlice of a buffered line: %v allocations, want 0", allocs)
		}
		if line, err := r.ReadLine(tk); err != nil || len(line) != 64 {
			t.Errorf("ReadLine after = %d bytes, %v", len(line), err)
		}
		return nil
	})
}
