// Package hist is a log-linear histogram of non-negative integer values
// (latencies in nanoseconds, for aio's load generator): fixed memory, no
// allocation per value, quantiles accurate to within 1% of the true
// value, and histograms that merge exactly.
//
// The layout is HDR-like: values below 2^SubBits are counted exactly;
// above that each power of two [2^k, 2^(k+1)) is split into 2^SubBits
// buckets of equal width, so a bucket is at most 1/2^SubBits of its lower
// bound wide. A quantile is reported as the midpoint of its bucket,
// clamped to the exact minimum and maximum, which puts it within half a
// bucket (1/256 with SubBits 7) of the value a sorted list would give.
package hist

import (
	"math"
	"math/bits"
)

// SubBits is the number of bits of precision kept: 2^SubBits buckets per
// power of two.
const SubBits = 7

const (
	subCount = 1 << SubBits
	groups   = 64 - SubBits // group 0 is exact, groups 1.. cover bit lengths SubBits+1 to 63
	nBuckets = groups * subCount
)

// A Histogram counts values. The zero Histogram is empty and ready; it
// is used by one goroutine at a time (merge per-goroutine histograms
// with [Histogram.Merge]). It holds about 58 KiB of counters, so pass
// it by pointer.
type Histogram struct {
	counts   [nBuckets]uint64
	n        uint64
	min, max int64
	sum      float64 // for the mean
	sumSq    float64 // for the standard deviation
}

// index returns the bucket of v >= 0.
func index(v int64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - SubBits - 1 // >= 0
	return (shift+1)*subCount + int(v>>shift) - subCount
}

// bounds returns the smallest and largest value of bucket i.
func bounds(i int) (lo, hi int64) {
	g, s := i/subCount, i%subCount
	if g == 0 {
		return int64(s), int64(s)
	}
	shift := g - 1
	lo = int64(subCount+s) << shift
	return lo, lo + (int64(1) << shift) - 1
}

// Record counts v; a negative v counts as 0.
func (h *Histogram) Record(v int64) {
	v = max(v, 0)
	h.counts[index(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	f := float64(v)
	h.sum += f
	h.sumSq += f * f
}

// Merge adds the counts of o to h. The result is the histogram of both
// sets of values, exactly.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
	h.sumSq += o.sumSq
}

// Count returns the number of values recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min returns the smallest value recorded, exactly (0 if none).
func (h *Histogram) Min() int64 { return h.min }

// Max returns the largest value recorded, exactly (0 if none).
func (h *Histogram) Max() int64 { return h.max }

// Mean returns the mean of the values (0 if none).
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n)
}

// Stddev returns the population standard deviation of the values.
func (h *Histogram) Stddev() float64 {
	if h.n == 0 {
		return 0
	}
	m := h.Mean()
	return math.Sqrt(max(h.sumSq/float64(h.n)-m*m, 0))
}

// Quantile returns the value at quantile q (0 < q <= 1) by the
// nearest-rank rule: the ceil(q*n)-th smallest value, within half a
// bucket. Quantile(1) is the exact maximum; q <= 0 gives the exact
// minimum. It returns 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	if q <= 0 {
		return h.min
	}
	if q >= 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bounds(i)
			mid := lo + (hi-lo)/2
			return min(max(mid, h.min), h.max)
		}
	}
	return h.max // not reached: the counts add up to n
}

// CountBelow returns how many values are below limit, counting each
// bucket as a whole: a bucket counts if its largest value is below
// limit. With limits at bucket boundaries it is exact.
func (h *Histogram) CountBelow(limit int64) uint64 {
	var n uint64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		if _, hi := bounds(i); hi >= limit {
			break
		}
		n += c
	}
	return n
}
