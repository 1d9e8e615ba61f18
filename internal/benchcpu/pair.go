package benchcpu

import (
	"testing"
	"time"
)

// Pair runs adapter and sdk b.N times each, interleaved (adapter first on
// even iterations, sdk first on odd ones), and reports the wall time of
// each per call, as "adapter-ns/op" and "sdk-ns/op", and their ratio as
// "adapter/sdk". Two sub-benchmarks run one after the other see the
// machine's load change between them, and on a shared machine that drift
// is larger than the difference being measured; interleaved calls share
// it. Each call's time includes one clock read on either side, alike for
// both. A func that fails calls b.Fatal itself.
func Pair(b *testing.B, adapter, sdk func()) {
	var ta, ts time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			ta += timed(adapter)
			ts += timed(sdk)
		} else {
			ts += timed(sdk)
			ta += timed(adapter)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(ta)/n, "adapter-ns/op")
	b.ReportMetric(float64(ts)/n, "sdk-ns/op")
	if ts > 0 {
		b.ReportMetric(float64(ta)/float64(ts), "adapter/sdk")
	}
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
