package aio

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// A priority queue hands its items out least first, whatever order they
// came in and however puts and gets interleave; it checks both sift
// directions of the heap (a sift-down that picks the wrong child, or stops
// early, hands out a larger item before a smaller one).
func TestPriorityQueueOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{1, 2, 3, 7, 8, 31, 100, 1000} {
		q := NewPriorityQueue[int](0, func(a, b int) bool { return a < b })
		var want []int
		var got []int
		for i := range n {
			v := r.IntN(n/2 + 1) // duplicates too
			if err := q.PutNowait(v); err != nil {
				t.Fatal(err)
			}
			want = append(want, v)
			if i%3 == 2 { // interleave gets with puts
				slices.Sort(want)
				v, err := q.GetNowait()
				if err != nil {
					t.Fatal(err)
				}
				if v != want[0] {
					t.Fatalf("n=%d: got %d while %d was queued (queued: %v)", n, v, want[0], want)
				}
				want = want[1:]
			}
		}
		for !q.Empty() {
			v, _ := q.GetNowait()
			got = append(got, v)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d: drained %v, want %v", n, got, want)
		}
	}
}

// Timers due at the same time run in the order they were scheduled, also
// when the heap has moved them around among timers due earlier (the
// sequence number breaks the tie; CPython's heap promises no such order,
// aio's CallLater does).
func TestTimersSameDeadlineFIFO(t *testing.T) {
	l := newTestLoop(t)
	r := rand.New(rand.NewPCG(3, 5))
	const n = 200
	var order []int
	for i := range n {
		l.CallAt(time.Second+time.Duration(r.IntN(3))*time.Millisecond, func() {}) // earlier or equal, shuffling the heap
		l.CallAt(2*time.Second, func() { order = append(order, i) })
	}
	l.CallAt(3*time.Second, l.Stop)
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if len(order) != n {
		t.Fatalf("%d of %d callbacks ran", len(order), n)
	}
	for i, v := range order {
		if v != i {
			t.Fatalf("callbacks due at the same time ran in order %v, want scheduling order", order)
		}
	}
}
