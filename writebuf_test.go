//go:build linux

package aio

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// pattern returns the bytes of a stream from offset off on: byte i of the
// stream is i mod 251, so a gap or a repeat shows as a mismatch.
func pattern(off, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte((off + i) % 251)
	}
	return p
}

// checkPrefix checks that got is the first len(got) bytes of the stream.
func checkPrefix(got []byte) error {
	for i, b := range got {
		if b != byte(i%251) {
			return fmt.Errorf("byte %d of the stream is %d, want %d: a gap or a repeat", i, b, i%251)
		}
	}
	return nil
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// A peer that never reads: writes stop at the hard limit having
// allocated about the limit (a buffer that grows by copying allocates
// several times that on the way, which is what made the process's RSS
// balloon), and after Abort the heap falls back.
func TestWriteBufferMemoryFallsBackAfterAbort(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	p := &recProto{}
	tr, _ := peerPair(t, l, "unix", func() *recProto { return p }) // the peer's end is never read
	const limit = defaultMaxWriteBuffer
	chunk := make([]byte, 1<<20)
	before := heapInuse()
	allocBefore := totalAlloc()
	for range limit / len(chunk) {
		if tr.WriteBufferSize()+len(chunk) > limit {
			break
		}
		if err := tr.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	allocated := totalAlloc() - allocBefore
	full := heapInuse()
	if err := tr.Write(chunk); !errors.Is(err, ErrWriteBufferFull) {
		t.Fatalf("writing past the limit: %v, want ErrWriteBufferFull", err)
	}
	tr.Abort() // already aborted by the write past the limit: nothing more
	runTest(t, l, func(tk *Task) error {
		if err := p.waitLost(tk); !errors.Is(err, ErrWriteBufferFull) {
			return fmt.Errorf("ConnectionLost(%v), want ErrWriteBufferFull", err)
		}
		return nil
	})
	after := heapInuse()
	t.Logf("heap in use: %d MiB before, %d MiB at the limit, %d MiB after Abort; %d MiB allocated to fill the buffer",
		before>>20, full>>20, after>>20, allocated>>20)
	if allocated > limit+limit/4 {
		t.Fatalf("%d MiB allocated to buffer %d MiB", allocated>>20, limit>>20)
	}
	if full < before+limit/2 {
		t.Fatalf("heap grew by %d MiB at the limit: the buffer held less than expected", (full-before)>>20)
	}
	if full > before+limit+limit/4 {
		t.Fatalf("heap grew by %d MiB for a %d MiB buffer", (full-before)>>20, limit>>20)
	}
	if after > before+8<<20 {
		t.Fatalf("heap %d MiB after Abort, %d MiB before: the buffer was not released", after>>20, before>>20)
	}
}

// After a write hits the hard limit, the transport is broken for good:
// that write and every later one fail with ErrWriteBufferFull,
// ConnectionLost reports it, and the peer receives a prefix of the
// stream with no gap.
func TestWriteBufferFullBreaksTheStream(t *testing.T) {
	for _, lines := range []bool{false, true} {
		t.Run(fmt.Sprintf("writelines=%v", lines), func(t *testing.T) {
			checkFDs(t)
			l := newIOLoop(t)
			p := &recProto{}
			tr, peer := peerPair(t, l, "unix", func() *recProto { return p })
			tr.SetWriteBufferMax(1 << 20)
			write := func(b []byte) error {
				if lines {
					return tr.Writelines([][]byte{b[:len(b)/2], b[len(b)/2:]})
				}
				return tr.Write(b)
			}
			off, failed := 0, 0
			for range 1000 {
				n := 100<<10 + off%7
				if failed > 0 {
					n = 10 // small writes after the cap must fail too
				}
				if err := write(pattern(off, n)); err != nil {
					if !errors.Is(err, ErrWriteBufferFull) {
						t.Fatalf("write %d: %v, want ErrWriteBufferFull", failed, err)
					}
					failed++
					if failed == 5 {
						break
					}
				}
				off += n // a write that failed leaves its place in the stream empty
			}
			if failed < 5 {
				t.Fatal("the write buffer never filled")
			}
			runTest(t, l, func(tk *Task) error {
				if err := p.waitLost(tk); !errors.Is(err, ErrWriteBufferFull) {
					return fmt.Errorf("ConnectionLost(%v), want ErrWriteBufferFull", err)
				}
				return nil
			})
			got, err := io.ReadAll(peer)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkPrefix(got); err != nil {
				t.Fatal(err)
			}
			t.Logf("peer got %d bytes of the stream", len(got))
		})
	}
}

// Writes buffered in many chunks (small ones gathered, large ones on
// their own, more than one writev takes) reach the peer whole and in
// order.
func TestWriteBufferManyChunks(t *testing.T) {
	checkFDs(t)
	l := newIOLoop(t)
	p := &recProto{}
	tr, peer := peerPair(t, l, "unix", func() *recProto { return p })
	sizes := []int{100, 40000, 7, wchunkSize, 20000, wchunkSize + 1, 3000}
	off := 0
	for i := 0; off < 40<<20; i++ {
		n := sizes[i%len(sizes)]
		if err := tr.Write(pattern(off, n)); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	if live := len(tr.wb.chunks) - tr.wb.first; live <= maxIov {
		t.Fatalf("%d chunks buffered, want more than one writev takes (%d)", live, maxIov)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(peer)
		got <- b
	}()
	runTest(t, l, func(tk *Task) error {
		tr.Close()
		return p.waitLost(tk)
	})
	b := <-got
	if len(b) != off {
		t.Fatalf("peer got %d bytes, want %d", len(b), off)
	}
	if err := checkPrefix(b); err != nil {
		t.Fatal(err)
	}
	if n := len(l.io.free); n > maxFreeChunks {
		t.Fatalf("%d chunks kept for reuse, bound is %d", n, maxFreeChunks)
	}
}
