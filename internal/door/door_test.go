package door

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// fake is an adapter that records what reached its rows.
type fake struct{ created, polled int }

var table = &Door[*fake]{
	Provider: "fake",
	Kinds: []Kind[*fake]{
		{Kind: export.KindComponents, Service: "svc", Spec: vocab.Spec{
			Filters: vocab.Filters{{Field: "name", Vendor: "Name", Kind: vocab.String}},
			Columns: vocab.Columns{{Key: "name", Vendor: "Name", Header: "Name"}},
			Sort:    true, Offset: true, MaxLimit: 10,
		},
			Create: func(f *fake, _ context.Context, req export.Request, c vocab.Checked) (export.Job, error) {
				t, err := Target[export.Components](req)
				if err != nil {
					return export.Job{}, err
				}
				if t.ImageID == "" {
					return export.Job{}, errs.Invalid("Target.ImageID: empty")
				}
				if req.DryRun {
					return export.Job{Provider: "junk"}, nil // the door must discard it
				}
				f.created++
				return export.Job{Provider: "fake", Service: "svc", Kind: export.KindComponents, ID: "j1"}, nil
			},
			Poll: func(f *fake, _ context.Context, job export.Job) (export.Status, error) {
				f.polled++
				return export.Status{Job: job, State: export.StateRunning}, nil
			},
			CheckJob: func(_ *fake, job export.Job) error {
				if job.Scope["bad"] != "" {
					return errs.Invalid(`Job.Scope["bad"]: set`)
				}
				return nil
			},
		},
		{Kind: export.KindAssets, Service: "other", Spec: vocab.Spec{MaxIDs: 100, Concurrency: 1},
			Create: func(*fake, context.Context, export.Request, vocab.Checked) (export.Job, error) {
				return export.Job{}, nil
			},
			Poll: func(*fake, context.Context, export.Job) (export.Status, error) { return export.Status{}, nil }},
	},
	Schedules: []Schedule[*fake]{{Kind: scan.RegistryImages, Service: "svc",
		Read: func(*fake, context.Context) (scan.Schedule, error) {
			return scan.Schedule{Provider: "fake", Kind: scan.RegistryImages}, nil
		}}},
}

// otherComponents claims the components kind with another type.
type otherComponents struct{}

func (otherComponents) Kind() export.Kind { return export.KindComponents }

func TestCapabilities(t *testing.T) {
	want := provider.Capabilities{
		Exports: map[export.Kind]provider.Limits{
			export.KindComponents: {MaxLimit: 10, Offset: true, Sort: true, Filters: []string{"name"}, Columns: []string{"name"}},
			export.KindAssets:     {MaxIDs: 100, Concurrency: 1},
		},
		Schedules: []scan.Kind{scan.RegistryImages},
	}
	if d := cmp.Diff(want, table.Capabilities()); d != "" {
		t.Errorf("Capabilities (-want +got):\n%s", d)
	}
}

func TestCreate(t *testing.T) {
	valid := export.Request{Target: export.Components{ImageID: "i"}, Filters: []export.Filter{export.Eq("name", "x")}, Limit: 5}
	ctx := context.Background()
	for name, c := range map[string]struct {
		req  export.Request
		code errs.Code
		want string
	}{
		"nil target":         {export.Request{}, errs.InvalidArgument, "Target"},
		"kind not served":    {export.Request{Target: export.Containers{}}, errs.Unsupported, "containers"},
		"other target type":  {export.Request{Target: otherComponents{}}, errs.InvalidArgument, "door.otherComponents"},
		"unknown filter":     {export.Request{Target: export.Components{ImageID: "i"}, Filters: []export.Filter{export.Eq("nope", "x")}}, errs.InvalidArgument, "Filters[0]"},
		"limit above cap":    {export.Request{Target: export.Components{ImageID: "i"}, Limit: 11}, errs.InvalidArgument, "Limit"},
		"sort not supported": {export.Request{Target: export.Assets{AppIDs: []string{"a"}}, Sort: &export.Sort{Field: "x"}}, errs.InvalidArgument, "cannot be sorted"},
		"row's own check":    {export.Request{Target: export.Components{}}, errs.InvalidArgument, "Target.ImageID"},
	} {
		f := &fake{}
		_, err := table.Create(ctx, f, c.req)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Provider != "fake" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %v from provider fake mentioning %q", name, err, c.code, c.want)
		}
		if f.created != 0 {
			t.Errorf("%s: the row created a job", name)
		}
	}
	f := &fake{}
	dry := valid
	dry.DryRun = true
	if job, err := table.Create(ctx, f, dry); err != nil || !cmp.Equal(job, export.Job{}) || f.created != 0 {
		t.Errorf("DryRun: %+v, %v, created %d; want the zero Job, nil, nothing created", job, err, f.created)
	}
	if job, err := table.Create(ctx, f, valid); err != nil || job.ID != "j1" || f.created != 1 {
		t.Errorf("Create: %+v, %v", job, err)
	}
}

func TestCheckJob(t *testing.T) {
	good := export.Job{Provider: "fake", Service: "svc", Kind: export.KindComponents, ID: "j1"}
	for name, job := range map[string]export.Job{
		"zero":              {},
		"other provider":    {Provider: "x", Service: "svc", Kind: export.KindComponents, ID: "j"},
		"kind on wrong svc": {Provider: "fake", Service: "other", Kind: export.KindComponents, ID: "j"},
		"unserved kind":     {Provider: "fake", Service: "svc", Kind: export.KindContainers, ID: "j"},
		"no id":             {Provider: "fake", Service: "svc", Kind: export.KindComponents},
		"id with a slash":   {Provider: "fake", Service: "svc", Kind: export.KindComponents, ID: "a/b"},
		"id too long":       {Provider: "fake", Service: "svc", Kind: export.KindComponents, ID: strings.Repeat("x", 129)},
		"row's scope check": {Provider: "fake", Service: "svc", Kind: export.KindComponents, ID: "j", Scope: map[string]string{"bad": "1"}},
	} {
		f := &fake{}
		_, err := table.Poll(context.Background(), f, job)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidArgument || e.Provider != "fake" || f.polled != 0 {
			t.Errorf("%s: %v (polled %d); want InvalidArgument from fake, nothing polled", name, err, f.polled)
		}
		if _, err := table.Download(context.Background(), f, job, export.File{}); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%s: Download %v; want InvalidArgument", name, err)
		}
	}
	f := &fake{}
	if _, err := table.Poll(context.Background(), f, good); err != nil || f.polled != 1 {
		t.Errorf("Poll(good): %v", err)
	}
	if _, err := table.Download(context.Background(), f, good, export.File{}); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("Download of a kind without a Download row: %v; want Unsupported", err)
	}
}

func TestSchedule(t *testing.T) {
	ctx := context.Background()
	if s, err := table.Schedule(ctx, &fake{}, scan.Query{Kind: scan.RegistryImages}); err != nil || s.Kind != scan.RegistryImages {
		t.Errorf("served: %+v, %v", s, err)
	}
	if _, err := table.Schedule(ctx, &fake{}, scan.Query{}); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "Query.Kind") {
		t.Errorf("empty kind: %v", err)
	}
	if _, err := table.Schedule(ctx, &fake{}, scan.Query{Kind: scan.HostVulnerabilities}); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("unserved kind: %v", err)
	}
}

func TestUnknownState(t *testing.T) {
	err := UnknownState("fake", "svc", "Poll", "Status", "PAUSED", []string{"RUNNING", "DONE"})
	if !errors.Is(err, errs.ErrInternal) || !strings.Contains(err.Error(), `"PAUSED"`) || !strings.Contains(err.Error(), "RUNNING, DONE") {
		t.Errorf("UnknownState: %v", err)
	}
	// The word is the vendor's: a huge one is clipped, not echoed whole.
	err = UnknownState("fake", "svc", "Poll", "Status", strings.Repeat("W", 1<<20), []string{"RUNNING"})
	if n := len(err.Error()); n > 2*errs.MaxVendorText {
		t.Errorf("UnknownState of a 1 MiB word: a %d-byte error; want it clipped", n)
	}
}
