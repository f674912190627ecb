package aio

import (
	"slices"
	"testing"
)

func TestWaitQueueRemove(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for rm := 0; rm < n; rm++ {
			for rot := 0; rot < 9; rot++ { // start at various heads, so the ring wraps
				var q waitQueue
				var fs []*future
				for range rot {
					q.push(&future{})
					q.popFront()
				}
				for range n {
					f := &future{}
					fs = append(fs, f)
					q.push(f)
				}
				if !q.remove(fs[rm]) || q.remove(fs[rm]) {
					t.Fatal("remove reported wrong")
				}
				want := slices.Delete(slices.Clone(fs), rm, rm+1)
				var got []*future
				for f := q.popFront(); f != nil; f = q.popFront() {
					got = append(got, f)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d rm=%d rot=%d: wrong order", n, rm, rot)
				}
			}
		}
	}
}
