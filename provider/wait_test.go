package provider_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// fakeProvider is an in-memory provider whose jobs finish after a number of
// polls. It lets the portable machinery be tested without a cloud; the
// adapters run the same machinery against their emulators in providertest.
type fakeProvider struct {
	mu        sync.Mutex
	limits    provider.Limits
	pollsLeft map[string]int
	fail      map[string]string
	pollErrs  []error // returned by the next polls, in order
	created   []export.Request
	inFlight  int
	maxFlight int
	polls     int
	dryRuns   int

	pollsPerJob  int            // polls until a job ends; 0 = 2
	failCreateAt map[int]bool   // offsets whose create is refused as Unavailable
	failOffset   map[int]string // offsets whose job fails, with the reason
}

func newFake(lim provider.Limits) *fakeProvider {
	return &fakeProvider{limits: lim, pollsLeft: map[string]int{}, fail: map[string]string{}}
}

func (f *fakeProvider) Name() string { return "fake" }
func (f *fakeProvider) Capabilities() provider.Capabilities {
	return provider.Capabilities{Exports: map[export.Kind]provider.Limits{export.KindComponents: f.limits, export.KindAssets: f.limits}}
}
func (f *fakeProvider) CreateExportJob(ctx context.Context, req export.Request) (export.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limits.MaxLimit > 0 && req.Limit > f.limits.MaxLimit {
		return export.Job{}, &provider.Error{Code: provider.InvalidArgument, Message: "Limit too big"}
	}
	if a, ok := req.Target.(export.Assets); ok {
		for i, id := range a.AppIDs {
			if id == "" {
				return export.Job{}, &provider.Error{Code: provider.InvalidArgument, Message: fmt.Sprintf("Target.AppIDs[%d]: empty", i)}
			}
		}
		for i, id := range a.TaskIDs {
			if id == "" {
				return export.Job{}, &provider.Error{Code: provider.InvalidArgument, Message: fmt.Sprintf("Target.TaskIDs[%d]: empty", i)}
			}
		}
	}
	if req.DryRun { // validated locally, like the adapters: nothing is created
		f.dryRuns++
		return export.Job{}, nil
	}
	if f.failCreateAt[req.Offset] {
		return export.Job{}, &provider.Error{Code: provider.Unavailable, Message: "injected"}
	}
	f.created = append(f.created, req)
	id := fmt.Sprint(len(f.created))
	f.pollsLeft[id] = 2
	if f.pollsPerJob > 0 {
		f.pollsLeft[id] = f.pollsPerJob
	}
	if msg, ok := f.failOffset[req.Offset]; ok {
		f.fail[id] = msg
	}
	f.inFlight++
	f.maxFlight = max(f.maxFlight, f.inFlight)
	return export.Job{Provider: "fake", Service: "f", Kind: req.Target.Kind(), ID: id, Scope: map[string]string{"offset": fmt.Sprint(req.Offset)}}, nil
}
func (f *fakeProvider) PollJob(ctx context.Context, job export.Job) (export.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	if len(f.pollErrs) > 0 {
		err := f.pollErrs[0]
		f.pollErrs = f.pollErrs[1:]
		return export.Status{}, err
	}
	f.pollsLeft[job.ID]--
	if f.pollsLeft[job.ID] > 0 {
		return export.Status{Job: job, State: export.StateRunning, Progress: 0.5}, nil
	}
	if f.pollsLeft[job.ID] == 0 {
		f.inFlight--
	}
	if msg, ok := f.fail[job.ID]; ok {
		return export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: msg}, nil
	}
	return export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: job.ID}}}, nil
}
func (f *fakeProvider) GetScanSchedule(ctx context.Context, q scan.Query) (scan.Schedule, error) {
	return scan.Schedule{}, provider.ErrUnsupported
}

var fast = provider.WaitOptions{MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

func TestWaitReportsProgressAndSucceeds(t *testing.T) {
	p := newFake(provider.Limits{})
	job, _ := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "i"}})
	var seen []export.State
	opts := fast
	opts.OnProgress = func(s export.Status) { seen = append(seen, s.State) }
	st, err := provider.Wait(context.Background(), p, job, &opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]export.State{export.StateRunning, export.StateSucceeded}, seen); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	if st.State != export.StateSucceeded || len(st.Files) != 1 {
		t.Errorf("final status %+v", st)
	}
}

func TestWaitFailedJobIsJobFailedWithReason(t *testing.T) {
	p := newFake(provider.Limits{})
	job, _ := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "i"}})
	p.fail[job.ID] = "image has no components"
	st, err := provider.Wait(context.Background(), p, job, &fast)
	if !errors.Is(err, provider.ErrJobFailed) || !strings.Contains(err.Error(), "image has no components") {
		t.Fatalf("err = %v, want ErrJobFailed with the reason", err)
	}
	if st.State != export.StateFailed {
		t.Errorf("status %+v", st)
	}
}

func TestWaitToleratesTransientPollErrors(t *testing.T) {
	p := newFake(provider.Limits{})
	job, _ := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "i"}})
	p.pollErrs = []error{&provider.Error{Code: provider.Unavailable}, &provider.Error{Code: provider.ResourceExhausted}}
	if _, err := provider.Wait(context.Background(), p, job, &fast); err != nil {
		t.Fatalf("transient errors ended the wait: %v", err)
	}
	p.pollErrs = []error{&provider.Error{Code: provider.NotFound}}
	job2, _ := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "i"}})
	if _, err := provider.Wait(context.Background(), p, job2, &fast); !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("err = %v, want the NotFound poll error", err)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	p := newFake(provider.Limits{})
	job, _ := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "i"}})
	p.pollsLeft[job.ID] = 1 << 30
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	opts := provider.WaitOptions{MinDelay: time.Hour, OnProgress: func(export.Status) { cancel() }}
	st, err := provider.Wait(ctx, p, job, &opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if st.State != export.StateRunning {
		t.Errorf("last status %+v, want the running one seen", st)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines: %d before, %d after", before, after)
	}
}

func TestSplit(t *testing.T) {
	comp := export.Components{ImageID: "i"}
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		req  export.Request
		lim  provider.Limits
		want []export.Request
	}{
		{"fits", export.Request{Target: comp, Limit: 10}, provider.Limits{MaxLimit: 10, Offset: true},
			[]export.Request{{Target: comp, Limit: 10}}},
		{"pages", export.Request{Target: comp, Offset: 5, Limit: 25}, provider.Limits{MaxLimit: 10, Offset: true},
			[]export.Request{{Target: comp, Offset: 5, Limit: 10}, {Target: comp, Offset: 15, Limit: 10}, {Target: comp, Offset: 25, Limit: 5}}},
		{"no offset support: left for the provider to reject", export.Request{Target: export.Containers{}, Limit: 25}, provider.Limits{MaxLimit: 10},
			[]export.Request{{Target: export.Containers{}, Limit: 25}}},
		// The page arithmetic must not wrap: with a Limit near the largest
		// int, the running total passed it and went negative, so the loop
		// never ended (and a page's Offset could wrap negative too).
		{"pages near the largest int", export.Request{Target: comp, Limit: math.MaxInt}, provider.Limits{MaxLimit: math.MaxInt/2 + 1, Offset: true},
			[]export.Request{{Target: comp, Limit: math.MaxInt/2 + 1}, {Target: comp, Offset: math.MaxInt/2 + 1, Limit: math.MaxInt / 2}}},
		{"offsets past the largest int: left for the provider to reject", export.Request{Target: comp, Offset: math.MaxInt - 5, Limit: 20}, provider.Limits{MaxLimit: 10, Offset: true},
			[]export.Request{{Target: comp, Offset: math.MaxInt - 5, Limit: 20}}},
		// Split used to build every part, so a Limit from a caller's flag or
		// file panicked (makeslice: cap out of range) or ran out of memory.
		// More than MaxParts parts cannot be split, as Export refuses them.
		{"more than MaxParts pages: left for the provider to reject", export.Request{Target: comp, Limit: math.MaxInt}, provider.Limits{MaxLimit: 1, Offset: true},
			[]export.Request{{Target: comp, Limit: math.MaxInt}}},
		{"more than MaxParts id batches: left for the provider to reject", export.Request{Target: export.Assets{InstanceID: "x", AppIDs: ids("a", provider.MaxParts+1)}}, provider.Limits{MaxIDs: 1},
			[]export.Request{{Target: export.Assets{InstanceID: "x", AppIDs: ids("a", provider.MaxParts+1)}}}},
		{"ids", export.Request{Target: export.Assets{InstanceID: "x", AppIDs: ids("a", 3), TaskIDs: ids("t", 2)}}, provider.Limits{MaxIDs: 2},
			[]export.Request{
				{Target: export.Assets{InstanceID: "x", AppIDs: []string{"a0", "a1"}}},
				{Target: export.Assets{InstanceID: "x", AppIDs: []string{"a2"}, TaskIDs: []string{"t0"}}},
				{Target: export.Assets{InstanceID: "x", TaskIDs: []string{"t1"}}},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, provider.Split(tc.req, tc.lim)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportSplitsWaitsAndKeepsOrder(t *testing.T) {
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true, Concurrency: 2})
	sts, err := provider.Export(context.Background(), p, export.Request{Target: export.Components{ImageID: "i"}, Limit: 35}, &provider.ExportOptions{Wait: fast})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 4 {
		t.Fatalf("%d statuses, want 4", len(sts))
	}
	offsets := map[string]int{}
	for _, r := range p.created {
		offsets[fmt.Sprint(r.Offset)] = r.Limit
	}
	if diff := cmp.Diff(map[string]int{"0": 10, "10": 10, "20": 10, "30": 5}, offsets); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	for i, st := range sts {
		if got, want := st.Job.Scope["offset"], fmt.Sprint(i*10); got != want {
			t.Errorf("status %d is of the job at offset %s, want %s: statuses out of request order", i, got, want)
		}
		if st.State != export.StateSucceeded {
			t.Errorf("status %+v", st)
		}
	}
	if p.maxFlight > 2 {
		t.Errorf("%d jobs in flight at once; the limit is 2", p.maxFlight)
	}
}

func TestExportRejectsWhatNoProviderServes(t *testing.T) {
	p := newFake(provider.Limits{})
	if _, err := provider.Export(context.Background(), p, export.Request{}, nil); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("nil target: %v", err)
	}
	if _, err := provider.Export(context.Background(), p, export.Request{Target: export.MachineImages{}}, nil); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("unserved kind: %v", err)
	}
}
