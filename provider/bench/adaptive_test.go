package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// BenchmarkAdaptiveRate polls a TCSS job 200 times through a RateLimiter
// set to twice the emulator's strict 20/s, and reports the share of polls
// throttled (all, and in the second 100, once the rate has come down) and
// the rate the limiter ended at: fixed (Observe never called)
// against adaptive (Observe after every answer, as the adapters' attempt
// loop does). The adapter's own limiter is set out of the way and its
// retries off, so that every throttled answer reaches the loop.
func BenchmarkAdaptiveRate(b *testing.B) {
	const calls = 200
	for _, adaptive := range []bool{false, true} {
		name := "fixed"
		if adaptive {
			name = "adaptive"
		}
		b.Run(name, func(b *testing.B) {
			s := tencenttest.NewServer()
			b.Cleanup(s.Close)
			s.SetRateLimit(vendorRate)
			s.SetJobDuration(time.Hour)
			o := s.Options()
			o.RateLimit = 1e6
			o.Retry = provider.RetryPolicy{MaxAttempts: 1}
			p, err := tencent.New(o)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			job, err := p.CreateExportJob(ctx, export.Request{Target: export.Components{ImageID: tencenttest.SeedImageID}})
			if err != nil {
				b.Fatal(err)
			}
			lim := provider.NewAdaptiveRateLimiter(2*vendorRate, provider.RateLimiterOptions{})
			call := provider.Call{Provider: "tencent", Region: o.Region, Service: "tcss", Action: "DescribeExportJobResult"}
			thr0 := s.Throttled()
			var thrHalf int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := 0; j < calls; j++ {
					if j == calls/2 {
						thrHalf -= s.Throttled()
					}
					if err := lim.Wait(ctx, call); err != nil {
						b.Fatal(err)
					}
					_, err := p.PollJob(ctx, job)
					throttled := provider.Throttled(err)
					if err != nil && !throttled {
						b.Fatal(err)
					}
					if adaptive {
						lim.Observe(call, throttled)
					}
				}
				thrHalf += s.Throttled()
			}
			b.StopTimer()
			b.ReportMetric(100*float64(s.Throttled()-thr0)/float64(calls*b.N), "%throttled")
			b.ReportMetric(100*float64(thrHalf)/float64(calls/2*b.N), "%throttled-2nd-half")
			b.ReportMetric(lim.Rate(call), "final-rate")
		})
	}
}
