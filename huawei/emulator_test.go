package huawei_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
)

// fastWait polls quickly, for emulated jobs of tens of milliseconds.
var fastWait = &provider.WaitOptions{MinDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}

// emulated starts an emulator with short jobs and a provider on it.
func emulated(t *testing.T, jobs time.Duration) (*huawei.Provider, *huaweitest.Server) {
	t.Helper()
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetJobDuration(jobs)
	opts := srv.Options()
	opts.Retry = testRetry
	p, err := huawei.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, srv
}

func TestEmulatedContainers(t *testing.T) {
	p, srv := emulated(t, 30*time.Millisecond)
	ctx := context.Background()
	req := export.Request{
		Target:  export.Containers{},
		Filters: []export.Filter{export.Eq("status", "running"), export.Eq("cluster_type", "cce")},
		Columns: []export.Column{{Key: "container_id"}, {Key: "container_name", Header: "Name"}, {Key: "status"}},
	}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := srv.LastRequest("ExportContainerList")
	if !ok {
		t.Fatal("no ExportContainerList recorded")
	}
	var body any
	if err := json.Unmarshal(rec.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := js(`{"status":"Running","cluster_type":"cce","export_headers":[["container_id","Container ID"],["container_name","Name"],["status","Status"]]}`)
	if d := cmp.Diff(want, body); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	if got := rec.Query.Get("export_size"); got != "100000" {
		t.Errorf("export_size %q", got)
	}

	// The job survives a token round trip.
	tok, err := job.Token()
	if err != nil {
		t.Fatal(err)
	}
	job, err = export.ParseToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	var seen []export.Status
	opts := *fastWait
	opts.OnProgress = func(s export.Status) { seen = append(seen, s) }
	st, err := provider.Wait(ctx, p, job, &opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != export.StateSucceeded || len(st.Files) != 1 || st.Files[0].ID == "" || !strings.HasSuffix(st.Files[0].Name, ".xlsx") {
		t.Fatalf("final status %+v", st)
	}
	for _, s := range seen[:len(seen)-1] {
		if s.State != export.StateRunning || s.Progress != -1 {
			t.Errorf("intermediate status %+v; HSS reports no progress", s)
		}
	}
	rc, err := p.Download(ctx, job, st.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	// The download knows the default titles; the caller's custom one
	// ("Name") comes back as its key when the request's columns are passed.
	header, got, err := rows.ReadAll(rc, &rows.Options{Columns: req.Columns})
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"container_id", "container_name", "status"}, header); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	var wantRows [][]string
	for _, c := range srv.Containers() {
		if c.Status == "Running" && c.ClusterType == "cce" {
			wantRows = append(wantRows, []string{c.ContainerID, c.ContainerName, c.Status})
		}
	}
	if len(wantRows) == 0 {
		t.Fatal("the seed has no running cce containers")
	}
	if d := cmp.Diff(wantRows, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	// HSS files may be downloaded again.
	rc, err = p.Download(ctx, job, st.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
}

// TestEmulatedContainersNeutralCells runs a containers export through the
// emulator as a caller would (export, wait, download, rows) and spells each
// cell with the download's NeutralCell: the rows come back in the words the
// filters take (status running, not HSS's Running; create_time in RFC 3339,
// not epoch milliseconds), and what HSS writes beyond the vocabulary (a
// status the table does not know, an empty cluster type) is kept.
func TestEmulatedContainersNeutralCells(t *testing.T) {
	p, srv := emulated(t, 10*time.Millisecond)
	srv.SetContainers([]huaweitest.Container{
		{ContainerID: "c1", ContainerName: "web", ClusterType: "cce", Status: "Running", Risky: true, CreateTime: 1709251200000, ClusterContainer: true},
		{ContainerID: "c2", ContainerName: "db", ClusterType: "self_built_idc", Status: "Paused", CreateTime: 1709337600123, ClusterContainer: true},
		{ContainerID: "c3", ContainerName: "batch", Status: "CrashLoopBackOff", CreateTime: 0},
	})
	ctx := context.Background()
	cols := export.Cols("container_id", "cluster_type", "status", "risky", "create_time", "container_name")
	for _, tc := range []struct {
		name    string
		filters []export.Filter
		want    []map[string]string
	}{
		{"every container", nil, []map[string]string{
			{"container_id": "c1", "cluster_type": "cce", "status": "running", "risky": "true", "create_time": "2024-03-01T00:00:00Z", "container_name": "web"},
			{"container_id": "c2", "cluster_type": "self_built_idc", "status": "paused", "risky": "false", "create_time": "2024-03-02T00:00:00Z", "container_name": "db"},
			{"container_id": "c3", "cluster_type": "", "status": "CrashLoopBackOff", "risky": "false", "create_time": "1970-01-01T00:00:00Z", "container_name": "batch"},
		}},
		{"filtered on the neutral words", []export.Filter{export.Eq("status", "running"), export.Eq("risky", "true")}, []map[string]string{
			{"container_id": "c1", "cluster_type": "cce", "status": "running", "risky": "true", "create_time": "2024-03-01T00:00:00Z", "container_name": "web"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job, err := p.CreateExportJob(ctx, export.Request{Target: export.Containers{}, Filters: tc.filters, Columns: cols})
			if err != nil {
				t.Fatal(err)
			}
			st, err := provider.Wait(ctx, p, job, fastWait)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := p.Download(ctx, job, st.Files[0])
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			n, ok := rc.(interface{ NeutralCell(key, cell string) string })
			if !ok {
				t.Fatalf("the download (%T) has no NeutralCell", rc)
			}
			header, data, err := rows.ReadAll(rc, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []map[string]string
			for _, r := range data {
				m := map[string]string{}
				for i, k := range header {
					m[k] = n.NeutralCell(k, r[i])
				}
				got = append(got, m)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("rows in neutral words (-want +got):\n%s", d)
			}
		})
	}
}

func TestEmulatedLimitAndEnterpriseProject(t *testing.T) {
	p, srv := emulated(t, 10*time.Millisecond)
	ctx := context.Background()
	job, err := p.CreateExportJob(ctx, export.Request{Target: export.Containers{EnterpriseProject: "ep-edge"}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := provider.Wait(ctx, p, job, fastWait)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := p.Download(ctx, job, st.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := rows.ReadAll(rc, nil)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Errorf("%d rows, want 1", len(got))
	}
	if rec, _ := srv.LastRequest("ListDownloadExportedFile"); rec.Query.Get("enterprise_project_id") != "ep-edge" {
		t.Errorf("download query %v", rec.Query)
	}
}

func TestEmulatedFailedJobs(t *testing.T) {
	p, srv := emulated(t, 10*time.Millisecond)
	srv.FailJobs("disk full")
	ctx := context.Background()
	for _, req := range []export.Request{
		{Target: export.Containers{}},
		{Target: export.Assets{AppIDs: []string{srv.Apps()[0].ID}}},
	} {
		job, err := p.CreateExportJob(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		st, err := provider.Wait(ctx, p, job, fastWait)
		if !errors.Is(err, provider.ErrJobFailed) || st.State != export.StateFailed {
			t.Fatalf("%s: %+v, %v; want a failed job", job.Kind, st, err)
		}
		if job.Kind == export.KindAssets && !strings.Contains(st.Message, "disk full") {
			t.Errorf("ROMA message %q lacks the reason", st.Message)
		}
	}
}

func TestEmulatedAssetsAndOneDownload(t *testing.T) {
	for _, docs := range []bool{false, true} {
		docs := docs
		t.Run(map[bool]string{false: "SDK statuses", true: "documented statuses"}[docs], func(t *testing.T) {
			p, srv := emulated(t, 20*time.Millisecond)
			srv.SetROMAStatusStyle(docs)
			ctx := context.Background()
			apps, tasks := srv.Apps(), srv.Tasks()
			job, err := p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{apps[0].ID}, TaskIDs: []string{tasks[0].ID}}})
			if err != nil {
				t.Fatal(err)
			}
			st, err := provider.Wait(ctx, p, job, fastWait)
			if err != nil {
				t.Fatal(err)
			}
			if st.Progress != 1 || len(st.Files) != 1 || st.Files[0].Name != st.Files[0].ID+".zip" {
				t.Fatalf("status %+v", st)
			}
			rc, err := p.Download(ctx, job, st.Files[0])
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
			}
			sort.Strings(names)
			want := []string{"apps/" + apps[0].ID + ".json", "manifest.csv", "tasks/" + tasks[0].ID + ".json"}
			if d := cmp.Diff(want, names); d != "" {
				t.Errorf("archive entries (-want +got):\n%s", d)
			}

			archive := st.Files[0]
			// A second download is refused before anything is sent.
			before := srv.Requests()
			_, err = p.Download(ctx, job, archive)
			if !errors.Is(err, provider.ErrFailedPrecondition) || !strings.Contains(err.Error(), "once") {
				t.Fatalf("second download: %v, want ErrFailedPrecondition saying archives are served once", err)
			}
			if srv.Requests() != before {
				t.Error("the second download reached the server")
			}
			// ROMA no longer offers the archive.
			st, err = p.PollJob(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != export.StateSucceeded || len(st.Files) != 0 || !strings.Contains(st.Message, "download") {
				t.Errorf("status after download %+v", st)
			}
			// Another provider does not know; ROMA refuses the reuse.
			other, err := huawei.New(srv.Options())
			if err != nil {
				t.Fatal(err)
			}
			_, err = other.Download(ctx, job, export.File{ID: job.Scope["instance_id"] + "x"})
			if !errors.Is(err, provider.ErrNotFound) {
				t.Errorf("unknown archive: %v, want ErrNotFound", err)
			}
			_, err = other.Download(ctx, job, archive)
			if c := provider.CodeOf(err); c != provider.NotFound && c != provider.FailedPrecondition {
				t.Errorf("reused archive: %v, want NotFound or FailedPrecondition", err)
			}
		})
	}
}

func TestROMASerialisesCreatesPerInstance(t *testing.T) {
	p, srv := emulated(t, 50*time.Millisecond)
	ctx := context.Background()
	apps := srv.Apps()
	first, err := p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{apps[0].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	// The emulator refuses a second running job with 409; the provider
	// waits for the first instead.
	second, err := p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{apps[1].ID}}})
	if err != nil {
		t.Fatalf("second create: %v", err)
	}
	st, err := p.PollJob(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Done() {
		t.Errorf("the second job was created while the first was %s", st.State)
	}
	if _, err := provider.Wait(ctx, p, second, fastWait); err != nil {
		t.Fatal(err)
	}

	// Concurrent creates on one instance all succeed, one after another.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		i := i
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{apps[i].ID}}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent create %d: %v", i, err)
		}
	}
}

func TestROMAForeignRunningJobIsFailedPrecondition(t *testing.T) {
	p, srv := emulated(t, time.Minute)
	ctx := context.Background()
	if _, err := p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{srv.Apps()[0].ID}}}); err != nil {
		t.Fatal(err)
	}
	// Another provider (another process) does not know about the job.
	other, err := huawei.New(srv.Options())
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{srv.Apps()[1].ID}}})
	if !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Fatalf("err = %v, want ErrFailedPrecondition", err)
	}
}

func TestROMASerialisationHonoursContext(t *testing.T) {
	p, srv := emulated(t, time.Minute)
	apps := srv.Apps()
	if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{AppIDs: []string{apps[0].ID}}}); err != nil {
		t.Fatal(err)
	}
	first, _ := srv.LastRequest("ExportAsset")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.CreateExportJob(ctx, export.Request{Target: export.Assets{AppIDs: []string{apps[1].ID}}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if last, _ := srv.LastRequest("ExportAsset"); !bytes.Equal(last.Body, first.Body) {
		t.Errorf("a second ExportAsset was sent while the first job ran: %s", last.Body)
	}
	// Another instance is not held up.
	_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{InstanceID: "other-instance", AppIDs: []string{apps[1].ID}}})
	if !errors.Is(err, provider.ErrNotFound) { // the emulator has one instance
		t.Errorf("other instance: %v, want the emulator's ErrNotFound", err)
	}
}

func TestEmulatedThrottleAndSchedules(t *testing.T) {
	p, srv := emulated(t, 10*time.Millisecond)
	srv.Inject(huaweitest.Fault{Action: "ListImageScanPolicy", Kind: huaweitest.Throttle, Times: 2})
	s, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enabled || s.Period != (scan.Period{Every: 7, Unit: scan.Day}) || s.LastResult != "finished" || s.LastScan.IsZero() {
		t.Errorf("registry schedule %+v", s)
	}
	h, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.HostVulnerabilities})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Enabled || h.Period != (scan.Period{Every: 1, Unit: scan.Week}) || h.At != "02:30" || h.Scope != scan.ScopeAll {
		t.Errorf("host schedule %+v", h)
	}
}
