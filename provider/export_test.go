package provider_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

func TestExportPartialFailure(t *testing.T) {
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true})
	p.failCreateAt = map[int]bool{20: true} // the part at offset 20 is refused
	p.failOffset = map[int]string{0: "disk full"}
	sts, err := provider.Export(context.Background(), p, export.Request{Target: export.Components{ImageID: "i"}, Limit: 40}, &provider.ExportOptions{Wait: fast})
	var ee *provider.ExportError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v (%T), want an *ExportError", err, err)
	}
	if !errors.Is(err, provider.ErrJobFailed) || !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("errors.Is does not see both parts' errors: %v", err)
	}
	if ee.Total != 4 || len(ee.Parts) != 2 || ee.Parts[0].Index != 0 || ee.Parts[1].Index != 2 {
		t.Fatalf("ExportError %+v; want parts 0 and 2 of 4", ee)
	}
	if ee.Parts[0].Job.ID == "" || ee.Parts[1].Job.ID != "" {
		t.Errorf("jobs of the failed parts: %q and %q; want the failed job's id and none for the refused create", ee.Parts[0].Job.ID, ee.Parts[1].Job.ID)
	}
	want := []export.Request{
		{Target: export.Components{ImageID: "i"}, Offset: 0, Limit: 10},
		{Target: export.Components{ImageID: "i"}, Offset: 20, Limit: 10},
	}
	if diff := cmp.Diff(want, ee.Requests()); diff != "" {
		t.Errorf("requests to re-run (-want +got):\n%s", diff)
	}
	for _, s := range []string{"2 of 4 parts failed", "part 0 (offset 0, limit 10)", "disk full", "part 2 (offset 20, limit 10)"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	states := make([]export.State, len(sts))
	for i, st := range sts {
		states[i] = st.State
	}
	if diff := cmp.Diff([]export.State{export.StateFailed, export.StateSucceeded, "", export.StateSucceeded}, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	// Re-running just the failed parts: 2 creates, no other.
	p.failCreateAt, p.failOffset = nil, nil
	before := len(p.created)
	for _, r := range ee.Requests() {
		if _, err := provider.Export(context.Background(), p, r, &provider.ExportOptions{Wait: fast}); err != nil {
			t.Fatalf("re-run of %+v: %v", r, err)
		}
	}
	if n := len(p.created) - before; n != 2 {
		t.Errorf("re-run created %d jobs, want 2", n)
	}
}

func TestExportValidatesEveryPartFirstAndNamesTheCallersIndex(t *testing.T) {
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	apps250 := ids("a", 250)
	apps250[230] = ""
	apps150, tasks100 := ids("a", 150), ids("t", 100)
	tasks100[80] = ""
	for _, tc := range []struct {
		name   string
		target export.Assets
		want   string
	}{
		{"app 230 of 250", export.Assets{AppIDs: apps250}, "Target.AppIDs[230]"},
		{"task 80 after 150 apps", export.Assets{AppIDs: apps150, TaskIDs: tasks100}, "Target.TaskIDs[80]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake(provider.Limits{MaxIDs: 100, Concurrency: 1})
			_, err := provider.Export(context.Background(), p, export.Request{Target: tc.target}, &provider.ExportOptions{Wait: fast})
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want InvalidArgument naming %s", err, tc.want)
			}
			if len(p.created) != 0 || p.polls != 0 {
				t.Errorf("%d jobs created and %d polls before the invalid part was found; want none", len(p.created), p.polls)
			}
			if p.dryRuns != 2 {
				t.Errorf("%d parts passed validation, want 2 (parts 0 and 1; part 2 holds the bad id)", p.dryRuns)
			}
		})
	}
}

func TestExportDefaultConcurrency(t *testing.T) {
	for _, tc := range []struct {
		name string
		lim  provider.Limits
		opt  int
		want int
	}{
		{"no per-instance cap: every part at once", provider.Limits{MaxLimit: 10, Offset: true}, 0, 7},
		{"one job per instance (ROMA)", provider.Limits{MaxLimit: 10, Offset: true, Concurrency: 1}, 0, 1},
		{"the caller's choice wins", provider.Limits{MaxLimit: 10, Offset: true}, 3, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake(tc.lim)
			p.pollsPerJob = 3
			if _, err := provider.Export(context.Background(), p, export.Request{Target: export.Components{ImageID: "i"}, Limit: 70}, &provider.ExportOptions{Wait: fast, Concurrency: tc.opt}); err != nil {
				t.Fatal(err)
			}
			if p.maxFlight != tc.want {
				t.Errorf("%d jobs in flight at most, want %d", p.maxFlight, tc.want)
			}
		})
	}
}

func TestExportStopsWhenContextEnds(t *testing.T) {
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true})
	p.pollsPerJob = 1 << 30
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := provider.Export(ctx, p, export.Request{Target: export.Components{ImageID: "i"}, Limit: 50}, &provider.ExportOptions{Wait: fast})
		done <- err
	}()
	for {
		p.mu.Lock()
		n := p.polls
		p.mu.Unlock()
		if n >= 5 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("err = %v, want context.Canceled itself", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Export did not return after its context was cancelled")
	}
}

func TestExportOfOneJobSaysItsErrorPlainly(t *testing.T) {
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true})
	p.failOffset = map[int]string{0: "disk full"}
	_, err := provider.Export(context.Background(), p, export.Request{Target: export.Components{ImageID: "i"}, Limit: 10}, &provider.ExportOptions{Wait: fast})
	var ee *provider.ExportError
	if !errors.As(err, &ee) || len(ee.Requests()) != 1 || !errors.Is(err, provider.ErrJobFailed) {
		t.Fatalf("err = %v; want an *ExportError of the one failed job", err)
	}
	if strings.Contains(err.Error(), "parts") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %q; want the job's error without talk of parts", err)
	}
}

// A nil pointer to one of the module's targets (whose Kind is a value
// method) is bad input: InvalidArgument naming Target, not a panic.
func TestExportNilPointerTarget(t *testing.T) {
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true})
	_, err := provider.Export(context.Background(), p, export.Request{Target: (*export.Components)(nil)}, nil)
	if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Target") {
		t.Errorf("err = %v; want InvalidArgument naming Target", err)
	}
	if len(p.created) != 0 {
		t.Errorf("%d jobs created for a nil target", len(p.created))
	}
}

// TestExportRefusesTooManyParts: a request that would split into more than
// MaxParts jobs is refused before any part is built, validated or created,
// naming the count and the bound; MaxParts parts exactly are fine.
func TestExportRefusesTooManyParts(t *testing.T) {
	for _, tc := range []struct {
		name string
		lim  provider.Limits
		req  export.Request
		need int
		// what the error must name: the field, and the allowed values
		field, allowed string
	}{
		{"pages", provider.Limits{MaxLimit: 10, Offset: true}, export.Request{Target: export.Components{ImageID: "i"}, Limit: 10*provider.MaxParts + 1}, provider.MaxParts + 1, "Limit", "at most 100000"},
		{"huge limit", provider.Limits{MaxLimit: 10000, Offset: true}, export.Request{Target: export.Components{ImageID: "i"}, Limit: 1e12}, 100000000, "Limit", "at most 100000000"},
		{"ids", provider.Limits{MaxIDs: 1}, export.Request{Target: export.Assets{InstanceID: "x", AppIDs: make([]string, provider.MaxParts+1)}}, provider.MaxParts + 1, "Target.AppIDs", "at most 10000"},
	} {
		p := newFake(tc.lim)
		_, err := provider.Export(context.Background(), p, tc.req, nil)
		if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), fmt.Sprintf("%d jobs", tc.need)) || !strings.Contains(err.Error(), "MaxParts") {
			t.Errorf("%s: err = %v; want InvalidArgument naming %d jobs and MaxParts", tc.name, err, tc.need)
		}
		// The error names the field to change and how far it may go.
		if err == nil || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), tc.allowed) {
			t.Errorf("%s: err = %v; want it to name %s and say %q", tc.name, err, tc.field, tc.allowed)
		}
		if p.dryRuns != 0 || len(p.created) != 0 {
			t.Errorf("%s: %d parts validated and %d created before the refusal", tc.name, p.dryRuns, len(p.created))
		}
	}
	p := newFake(provider.Limits{MaxLimit: 10, Offset: true})
	req := export.Request{Target: export.Components{ImageID: "i"}, Limit: 10 * provider.MaxParts, DryRun: true}
	if _, err := provider.Export(context.Background(), p, req, nil); err != nil || p.dryRuns != provider.MaxParts {
		t.Errorf("MaxParts parts: err %v after %d dry runs; want every part validated and no error", err, p.dryRuns)
	}
}

// TestExportNoTargetNamesTheServedKinds: an empty Target is refused naming
// the kinds this provider serves.
func TestExportNoTargetNamesTheServedKinds(t *testing.T) {
	_, err := provider.Export(context.Background(), newFake(provider.Limits{}), export.Request{}, nil)
	if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "components, assets") {
		t.Errorf("err = %v; want InvalidArgument naming components, assets", err)
	}
}

// TestExportRenumberLeavesTheAdaptersErrorAlone: renumbering an id index
// to the caller's builds a new error; the adapter's value is not edited.
func TestExportRenumberLeavesTheAdaptersErrorAlone(t *testing.T) {
	req := export.Request{Target: export.Assets{InstanceID: "x", AppIDs: []string{"a", "b", "c", "d", "e"}}}
	first := true
	p := partFailer{newFake(provider.Limits{MaxIDs: 2}), &first}
	_, err := provider.Export(context.Background(), p, req, nil)
	if !strings.Contains(fmt.Sprint(err), "Target.AppIDs[3]") {
		t.Errorf("err = %v; want the second part's index 1 renumbered to the caller's 3", err)
	}
	if partErr.Message != "Target.AppIDs[1]: bad" {
		t.Errorf("the adapter's shared error now says %q; want it untouched", partErr.Message)
	}
}

// partFailer accepts the first part and refuses the next with a shared
// error naming its own index 1.
type partFailer struct {
	*fakeProvider
	first *bool
}

var partErr = &provider.Error{Code: provider.InvalidArgument, Message: "Target.AppIDs[1]: bad"}

func (f partFailer) CreateExportJob(ctx context.Context, req export.Request) (export.Job, error) {
	if *f.first {
		*f.first = false
		return export.Job{}, nil
	}
	return export.Job{}, partErr
}

// TestExportAndWaitNilProvider: a nil Provider (an adapter's New failed and
// its error was dropped) is bad input, refused naming the argument, not a
// nil-interface panic.
func TestExportAndWaitNilProvider(t *testing.T) {
	req := export.Request{Target: export.Components{ImageID: "i"}}
	if _, err := provider.Export(context.Background(), nil, req, nil); !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "provider is nil") {
		t.Errorf("Export(nil provider) = %v; want ErrInvalidArgument saying the provider is nil", err)
	}
	job := export.Job{Provider: "fake", Service: "s", Kind: export.KindComponents, ID: "1"}
	if _, err := provider.Wait(context.Background(), nil, job, nil); !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "provider is nil") {
		t.Errorf("Wait(nil provider) = %v; want ErrInvalidArgument saying the provider is nil", err)
	}
}
