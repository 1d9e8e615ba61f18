package bench_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// The scale scenario of issue 10: 1,000,000 components are 100 TCSS jobs of
// 10,000 rows, each running jobRun in an emulator that enforces TCSS's
// documented 20 requests per second per action strictly.
const (
	components = 1_000_000
	vendorRate = 20 // requests per second per action
	jobRun     = 2 * time.Second
)

// newScaleServer starts an emulator enforcing the vendor's rate and a Tencent
// adapter on it with its default options (20 requests per second per action).
func newScaleServer(b *testing.B, run time.Duration) (*tencenttest.Server, *tencent.Provider) {
	s := tencenttest.NewServer()
	b.Cleanup(s.Close)
	s.SetRateLimit(vendorRate)
	s.SetJobDuration(run)
	p, err := tencent.New(s.Options())
	if err != nil {
		b.Fatal(err)
	}
	return s, p
}

var millionComponents = export.Request{Target: export.Components{ImageID: tencenttest.SeedImageID}, Limit: components}

// BenchmarkExportMillion exports 1,000,000 components (100 jobs) and reports
// the wall time as a ratio to the bound (100 creates at 20/s plus one job's
// run), the throttling answers and the requests the emulator received.
//
//   - default: provider.Export with nil options;
//   - concurrency=4: Export with 4 jobs in flight, the old default;
//   - naive: a sequential loop that creates a job and polls it every second.
func BenchmarkExportMillion(b *testing.B) {
	parts := provider.Split(millionComponents, provider.Limits{MaxLimit: 10000, Offset: true})
	bound := time.Duration(len(parts))*time.Second/vendorRate + jobRun
	run := func(b *testing.B, export func(ctx context.Context, p *tencent.Provider) error) {
		s, p := newScaleServer(b, jobRun)
		b.ResetTimer()
		start := time.Now()
		req0, thr0 := s.Requests(), s.Throttled()
		for i := 0; i < b.N; i++ {
			if err := export(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
		per := time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(per)/float64(bound), "x-bound")
		b.ReportMetric(float64(s.Throttled()-thr0)/float64(b.N), "throttles/op")
		b.ReportMetric(float64(s.Requests()-req0)/float64(b.N), "requests/op")
	}
	exportWith := func(opts *provider.ExportOptions) func(ctx context.Context, p *tencent.Provider) error {
		return func(ctx context.Context, p *tencent.Provider) error {
			sts, err := provider.Export(ctx, p, millionComponents, opts)
			if err == nil && len(sts) != len(parts) {
				err = fmt.Errorf("%d statuses, want %d", len(sts), len(parts))
			}
			return err
		}
	}
	b.Run("default", func(b *testing.B) { run(b, exportWith(nil)) })
	b.Run("concurrency=4", func(b *testing.B) { run(b, exportWith(&provider.ExportOptions{Concurrency: 4})) })
	b.Run("naive", func(b *testing.B) {
		run(b, func(ctx context.Context, p *tencent.Provider) error {
			for _, r := range parts {
				job, err := p.CreateExportJob(ctx, r)
				if err != nil {
					return err
				}
				for {
					if err := provider.Sleep(ctx, time.Second); err != nil {
						return err
					}
					st, err := p.PollJob(ctx, job)
					if err != nil {
						return err
					}
					if st.Done() {
						break
					}
				}
			}
			return nil
		})
	})
}

// BenchmarkDetectionDelay runs jobs of a few lengths, each waited for by
// provider.Wait with default options, and reports how late Wait noticed the
// end as a percentage of the job's run time (the median and the worst of
// the jobs) and the polls per job. Each op runs 10 jobs side by side (their
// creates paced at 20/s); -benchtime 2x gives 20 jobs.
func BenchmarkDetectionDelay(b *testing.B) {
	const jobs = 10
	for _, run := range []time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second, 2 * time.Minute} {
		b.Run("job="+run.String(), func(b *testing.B) {
			s, p := newScaleServer(b, run)
			var late []float64
			var mu sync.Mutex
			req0, thr0 := s.Requests(), s.Throttled()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var wg sync.WaitGroup
				for j := 0; j < jobs; j++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ctx := context.Background()
						job, err := p.CreateExportJob(ctx, export.Request{Target: export.Components{ImageID: tencenttest.SeedImageID}})
						if err != nil {
							b.Error(err)
							return
						}
						// The emulator started the job before it answered:
						// its end is no later than run after the answer.
						end := time.Now().Add(run)
						if _, err := provider.Wait(ctx, p, job, nil); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						late = append(late, 100*float64(time.Since(end))/float64(run))
						mu.Unlock()
					}()
				}
				wg.Wait()
			}
			b.StopTimer()
			slices.Sort(late)
			if len(late) == 0 {
				b.Fatal("no job finished")
			}
			b.ReportMetric(late[len(late)/2], "%late-median")
			b.ReportMetric(late[len(late)-1], "%late-max")
			polls := float64(s.Requests()-req0)/float64(b.N*jobs) - 1 // less the create
			b.ReportMetric(polls, "polls/job")
			b.ReportMetric(float64(s.Throttled()-thr0)/float64(b.N), "throttles/op")
		})
	}
}
