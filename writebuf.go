package aio

// The write buffer of a stream transport: what the kernel has not taken
// yet, as a list of chunks. A chain of one growing slice would copy
// everything it holds each time it grows, and keep the largest size it
// ever reached; a chunk list copies each byte once, in, and gives every
// chunk back as soon as it is sent.
//
// Contract with Write's callers: p may be reused as soon as Write
// returns, so what the kernel refused is copied. Small writes are
// gathered into pooled chunks of wchunkSize bytes; a write larger than a
// chunk is copied once into a chunk of its own, freed when sent. The
// buffer goes out with one send for one chunk, one writev for several.

const (
	// wchunkSize is the size of the chunks small writes are gathered in.
	wchunkSize = 4 << 10
	// maxFreeChunks bounds the chunks a loop keeps for reuse (4 MiB).
	maxFreeChunks = 1024
	// keepChunkList is the largest chunk list kept once drained.
	keepChunkList = 64
	// maxIov bounds the buffers of one writev (Linux's IOV_MAX).
	maxIov = 1024
)

// writeBuffer is the chunk list. The bytes buffered are
// chunks[first][head:], then chunks[first+1:] in order.
type writeBuffer struct {
	chunks [][]byte
	first  int
	head   int
	size   int
}

// add copies p to the end of the buffer.
func (b *writeBuffer) add(p []byte, io *ioState) {
	if len(p) == 0 {
		return
	}
	b.size += len(p)
	if len(p) > wchunkSize {
		c := make([]byte, len(p))
		copy(c, p)
		b.push(c)
		return
	}
	if n := len(b.chunks); n > b.first {
		if last := b.chunks[n-1]; cap(last) == wchunkSize {
			k := copy(last[len(last):wchunkSize], p)
			b.chunks[n-1] = last[:len(last)+k]
			p = p[k:]
		}
	}
	if len(p) > 0 {
		c := io.chunk()
		b.push(c[:copy(c[:wchunkSize], p)])
	}
}

// push appends a chunk, moving the live chunks to the front of the list
// rather than growing it when the front is free.
func (b *writeBuffer) push(c []byte) {
	if b.first > 0 && len(b.chunks) == cap(b.chunks) {
		n := copy(b.chunks, b.chunks[b.first:])
		clear(b.chunks[n:])
		b.chunks, b.first = b.chunks[:n], 0
	}
	b.chunks = append(b.chunks, c)
}

// send makes one send of the buffered bytes to fd: send(2) (write(2) on
// a pipe) for one chunk, one writev of up to maxIov chunks otherwise. It
// returns the bytes the kernel took and how many were offered. It does
// not consume them.
func (b *writeBuffer) send(fd int, pipe bool, io *ioState) (n, offered int, err error) {
	live := b.chunks[b.first:]
	if len(live) == 1 {
		p := live[0][b.head:]
		err = ignoringEINTR(func() (err error) {
			n, err = streamWrite(fd, pipe, p)
			return err
		})
		return n, len(p), err
	}
	if len(live) > maxIov {
		live = live[:maxIov]
	}
	c := live[0]
	live[0] = c[b.head:]
	for _, p := range live {
		offered += len(p)
	}
	err = ignoringEINTR(func() (err error) {
		n, err = sysWritev(fd, live, &io.iov, pipe)
		return err
	})
	live[0] = c
	return n, offered, err
}

// consume drops the first n bytes, which were sent, and recycles the
// chunks they emptied.
func (b *writeBuffer) consume(n int, io *ioState) {
	b.size -= n
	for n > 0 {
		c := b.chunks[b.first]
		rest := len(c) - b.head
		if n < rest {
			b.head += n
			return
		}
		n -= rest
		b.chunks[b.first] = nil
		b.first++
		b.head = 0
		io.recycle(c)
	}
	if b.size == 0 {
		b.reset()
	}
}

// reset empties the list once every chunk is out of it.
func (b *writeBuffer) reset() {
	if cap(b.chunks) > keepChunkList {
		b.chunks = nil
	} else {
		clear(b.chunks)
		b.chunks = b.chunks[:0]
	}
	b.first, b.head, b.size = 0, 0, 0
}

// drop empties the buffer without sending it.
func (b *writeBuffer) drop(io *ioState) {
	for _, c := range b.chunks[b.first:] {
		io.recycle(c)
	}
	b.reset()
	b.chunks = nil
}

// chunk returns an empty chunk of wchunkSize bytes of capacity.
func (s *ioState) chunk() []byte {
	if n := len(s.free); n > 0 {
		c := s.free[n-1]
		s.free[n-1] = nil
		s.free = s.free[:n-1]
		return c
	}
	return make([]byte, 0, wchunkSize)
}

// recycle keeps a sent chunk for reuse, up to maxFreeChunks; chunks of
// other sizes go to the garbage collector.
func (s *ioState) recycle(c []byte) {
	if cap(c) == wchunkSize && len(s.free) < maxFreeChunks {
		s.free = append(s.free, c[:0])
	}
}
