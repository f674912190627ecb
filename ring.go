package aio

// ring is a growable FIFO in a power-of-two circular buffer: the loop's
// ready queue and the wait queues of the sync primitives. It is used from
// the loop's goroutine only.
type ring[T any] struct {
	buf        []T
	head, size int
}

func (r *ring[T]) len() int { return r.size }

// at returns the i-th item from the front.
func (r *ring[T]) at(i int) T { return r.buf[(r.head+i)&(len(r.buf)-1)] }

func (r *ring[T]) push(v T) {
	if r.size == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.size)&(len(r.buf)-1)] = v
	r.size++
}

// peek returns the front item; the ring must not be empty.
func (r *ring[T]) peek() T { return r.buf[r.head] }

// pop removes and returns the front item; the ring must not be empty.
func (r *ring[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.size--
	return v
}

// removeAt removes the i-th item, closing the gap from whichever end is
// nearer: O(1) at the front, the common case of a woken waiter leaving.
func (r *ring[T]) removeAt(i int) {
	var zero T
	mask := len(r.buf) - 1
	if i < r.size/2 {
		for j := i; j > 0; j-- {
			r.buf[(r.head+j)&mask] = r.at(j - 1)
		}
		r.buf[r.head] = zero
		r.head = (r.head + 1) & mask
	} else {
		for j := i; j < r.size-1; j++ {
			r.buf[(r.head+j)&mask] = r.at(j + 1)
		}
		r.buf[(r.head+r.size-1)&mask] = zero
	}
	r.size--
}

func (r *ring[T]) grow() {
	n := 2 * len(r.buf)
	if n == 0 {
		n = 16
	}
	buf := make([]T, n)
	for i := 0; i < r.size; i++ {
		buf[i] = r.at(i)
	}
	r.buf, r.head = buf, 0
}

func (r *ring[T]) clear() { *r = ring[T]{} }
