package hist_test

import (
	"fmt"
	"time"

	"github.com/aio-go/aio/internal/hist"
)

// Each goroutine records into its own histogram; the results merge.
func ExampleHistogram() {
	var a, b hist.Histogram
	for i := range 900 {
		a.Record(int64(time.Millisecond + time.Duration(i)*time.Microsecond)) // 1 ms to 1.9 ms
	}
	for range 100 {
		b.Record(int64(50 * time.Millisecond)) // a slow tenth
	}
	var all hist.Histogram
	all.Merge(&a)
	all.Merge(&b)
	// Quantiles are within 1% (here 49.94 ms for 50 ms); Max is exact.
	fmt.Println(all.Count(), time.Duration(all.Quantile(0.5)).Round(100*time.Microsecond),
		time.Duration(all.Quantile(0.99)).Round(100*time.Microsecond), time.Duration(all.Max()))
	// Output: 1000 1.5ms 49.9ms 50ms
}
