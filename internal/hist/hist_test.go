package hist

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// reference is the nearest-rank quantile of sorted values.
func reference(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

var quantiles = []float64{0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999}

// checkAgainst compares every quantile of h with the sorted values.
func checkAgainst(t *testing.T, h *Histogram, values []int64) {
	t.Helper()
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	if h.Count() != uint64(len(values)) || h.Min() != sorted[0] || h.Max() != sorted[len(sorted)-1] {
		t.Fatalf("count %d min %d max %d, want %d %d %d", h.Count(), h.Min(), h.Max(), len(values), sorted[0], sorted[len(sorted)-1])
	}
	for _, q := range quantiles {
		got, want := h.Quantile(q), reference(sorted, q)
		if diff := math.Abs(float64(got - want)); diff > float64(want)/100 {
			t.Errorf("quantile %v: %d, sorted list says %d (off by %.3f%%)", q, got, want, 100*diff/float64(want))
		}
	}
	if h.Quantile(1) != sorted[len(sorted)-1] || h.Quantile(0) != sorted[0] {
		t.Errorf("quantile 0 and 1: %d %d, want the exact min %d and max %d", h.Quantile(0), h.Quantile(1), sorted[0], sorted[len(sorted)-1])
	}
}

// Latency-like data: log-normal around 1 ms, with a tail, over eight
// orders of magnitude.
func randomValues(r *rand.Rand, n int) []int64 {
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(math.Exp(r.NormFloat64()*2.5 + math.Log(1e6)))
	}
	return v
}

func TestQuantilesAgainstSortedReference(t *testing.T) {
	for seed := range uint64(5) {
		r := rand.New(rand.NewPCG(seed, 42))
		values := randomValues(r, 20000)
		var h Histogram
		for _, v := range values {
			h.Record(v)
		}
		checkAgainst(t, &h, values)
	}
}

// Small values are counted exactly.
func TestSmallValuesExact(t *testing.T) {
	var h Histogram
	var values []int64
	for v := range int64(subCount) {
		for range v % 3 {
			h.Record(v)
			values = append(values, v)
		}
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	for _, q := range quantiles {
		if got, want := h.Quantile(q), reference(sorted, q); got != want {
			t.Errorf("quantile %v: %d, want exactly %d", q, got, want)
		}
	}
}

// Per-goroutine histograms merged give the histogram of all the values.
func TestMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	values := randomValues(r, 30000)
	var parts [3]Histogram
	var whole Histogram
	for i, v := range values {
		parts[i%3].Record(v)
		whole.Record(v)
	}
	var merged Histogram
	merged.Merge(&Histogram{}) // an empty one changes nothing
	for i := range parts {
		merged.Merge(&parts[i])
	}
	if merged.counts != whole.counts || merged.n != whole.n || merged.min != whole.min || merged.max != whole.max ||
		math.Abs(merged.Mean()-whole.Mean()) > 1e-6*whole.Mean() {
		t.Fatalf("merged histogram differs from the one of all values: n %d/%d min %d/%d max %d/%d",
			merged.n, whole.n, merged.min, whole.min, merged.max, whole.max)
	}
	checkAgainst(t, &merged, values)
}

// Every bucket's bounds map back to it, and the buckets tile the values
// without gaps, each at most 1/2^SubBits of its lower bound wide.
func TestBuckets(t *testing.T) {
	prevHi := int64(-1)
	for i := range nBuckets {
		lo, hi := bounds(i)
		if lo != prevHi+1 || index(lo) != i || index(hi) != i || hi < lo {
			t.Fatalf("bucket %d: [%d, %d] after %d; index(lo) %d index(hi) %d", i, lo, hi, prevHi, index(lo), index(hi))
		}
		if lo >= subCount && float64(hi-lo+1) > float64(lo)/subCount {
			t.Fatalf("bucket %d: [%d, %d] wider than 1/%d of its bound", i, lo, hi, subCount)
		}
		prevHi = hi
	}
	if prevHi != math.MaxInt64 {
		t.Fatalf("the last bucket ends at %d", prevHi)
	}
}

func TestStatsAndEdges(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Stddev() != 0 || h.CountBelow(10) != 0 {
		t.Fatal("an empty histogram reports values")
	}
	for _, v := range []int64{2, 4, 4, 4, 5, 5, 7, 9} {
		h.Record(v)
	}
	if h.Mean() != 5 || h.Stddev() != 2 {
		t.Errorf("mean %v stddev %v, want 5 and 2", h.Mean(), h.Stddev())
	}
	if got := h.CountBelow(5); got != 4 {
		t.Errorf("CountBelow(5) = %d, want 4", got)
	}
	var one Histogram
	one.Record(1000) // in bucket [1000, 1003]: the midpoint is clamped to the exact value
	if got := one.Quantile(0.5); got != 1000 {
		t.Errorf("the median of {1000} is %d", got)
	}
	h.Record(-3) // counts as 0
	h.Record(math.MaxInt64)
	if h.Min() != 0 || h.Max() != math.MaxInt64 || h.Quantile(1) != math.MaxInt64 {
		t.Errorf("min %d max %d", h.Min(), h.Max())
	}
	if got := h.CountBelow(math.MaxInt64); got != 9 {
		t.Errorf("CountBelow(max) = %d, want 9", got)
	}
}

// Recording allocates nothing.
func TestRecordAllocs(t *testing.T) {
	h := new(Histogram)
	if n := testing.AllocsPerRun(100, func() { h.Record(123456) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}

func BenchmarkRecord(b *testing.B) {
	h := new(Histogram)
	for i := range b.N {
		h.Record(int64(i) * 7919)
	}
}
