package aio

// heap is a binary min-heap ordered by less: the storage of a priority
// Queue. Items that compare equal come out in no particular order.
//
// The loop's timers keep their own heap (timerHeap, handle.go) rather
// than a heap[*Handle]: their order is a fixed comparison of two fields
// that the compiler inlines into the sift loops, where a heap[T] calls
// less through a func value on every comparison, and they add lazy
// deletion of cancelled entries, which a queue has no use for. Measured
// (push then pop 16k timers with random deadlines, GOMAXPROCS=1): the
// timer heap 11.4 ms, a heap[*Handle] with the same order 12.9 ms, 13 %
// slower. The 1M CallLater+Cancel benchmark would not show it (deadlines
// an hour ahead come in increasing order: one comparison per push), but
// a server's per-connection timeouts are pushed and popped in any order.
type heap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *heap[T]) len() int { return len(h.items) }

func (h *heap[T]) push(v T) {
	h.items = append(h.items, v)
	for i := len(h.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			return
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

// pop removes and returns the least item; the heap must not be empty.
func (h *heap[T]) pop() T {
	var zero T
	n := len(h.items) - 1
	v := h.items[0]
	h.items[0] = h.items[n]
	h.items[n] = zero
	h.items = h.items[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h.less(h.items[r], h.items[l]) {
			m = r
		}
		if !h.less(h.items[m], h.items[i]) {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
	return v
}
