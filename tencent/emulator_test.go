package tencent_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/emulator"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

var fast = &provider.WaitOptions{MinDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// exportRows runs a components export on p to the end, downloads its one
// .xlsx file and returns the file's header and rows.
func exportRows(t *testing.T, p *tencent.Provider, req export.Request) (header []string, data [][]string) {
	t.Helper()
	ctx := context.Background()
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	st, err := provider.Wait(ctx, p, job, fast)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 1 || !strings.HasSuffix(st.Files[0].Name, ".xlsx") {
		t.Fatalf("files = %+v, want one .xlsx", st.Files)
	}
	rc, err := p.Download(ctx, job, st.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	header, data, err = rows.ReadAll(rc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return header, data
}

// TestComponentsEndToEnd exports the seeded image's components with a
// filter, columns and a sort, and reads the file back.
func TestComponentsEndToEnd(t *testing.T) {
	p, _ := newEmulated(t)
	header, rows := exportRows(t, p, export.Request{
		Target:  export.Components{ImageID: tencenttest.SeedImageID},
		Filters: []export.Filter{export.Eq("vul_level", "critical")},
		Columns: export.Cols("name", "vul_count"),
		Sort:    &export.Sort{Field: "name"},
	})
	wantHeader := []string{tencenttest.ColumnTitle("Name"), tencenttest.ColumnTitle("VulCount")}
	if d := cmp.Diff(wantHeader, header); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	want := [][]string{{"log4j-core", "2"}, {"openssl", "5"}}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestComponentsFuzzyAndPaging(t *testing.T) {
	p, _ := newEmulated(t)
	_, rows := exportRows(t, p, export.Request{
		Target:  export.Components{ImageID: tencenttest.SeedImageID},
		Filters: []export.Filter{export.Like("name", "openssl"), export.Eq("has_vul", "true")},
		Columns: export.Cols("name"),
		Sort:    &export.Sort{Field: "name", Desc: true},
		Offset:  1,
		Limit:   1,
	})
	if d := cmp.Diff([][]string{{"openssl"}}, rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestUnknownImageIsNotFound(t *testing.T) {
	p, _ := newEmulated(t)
	_, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "sha256:nosuchimage"}})
	if !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var e *provider.Error
	if errors.As(err, &e) && (e.RequestID == "" || e.VendorCode != "ResourceNotFound" || e.Action != "CreateComponentExportJob") {
		t.Errorf("error fields: %+v", e)
	}
}

func TestUnknownJobIsNotFound(t *testing.T) {
	p, _ := newEmulated(t)
	_, err := p.PollJob(context.Background(), export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "no-such-job"})
	if !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestMachineImagesEndToEnd(t *testing.T) {
	p, s := newEmulated(t)
	ctx := context.Background()
	job, err := p.CreateExportJob(ctx, export.Request{Target: export.MachineImages{
		ImageIDs: []string{tencenttest.SeedLinuxImage, tencenttest.SeedLinuxDataImage}, Bucket: tencenttest.Bucket,
		Format: "VMDK", FilePrefixes: []string{"web", "db"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if state, _ := s.ImageState(tencenttest.SeedLinuxImage); state == "NORMAL" {
		t.Errorf("image state %s right after the export started", state)
	}
	st, err := provider.Wait(ctx, p, job, fast)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range st.Files {
		paths = append(paths, f.Path)
	}
	if d := cmp.Diff(s.BucketObjects(tencenttest.Bucket), paths); d != "" {
		t.Errorf("file paths differ from the bucket's objects (-bucket +files):\n%s", d)
	}
	if len(paths) != 3 {
		t.Errorf("paths = %q, want system disks of both images and one data disk", paths)
	}
	if _, err := p.Download(ctx, job, st.Files[0]); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("Download: %v, want ErrUnsupported", err)
	}
}

func TestMachineImagesDryRun(t *testing.T) {
	p, s := newEmulated(t)
	ctx := context.Background()
	if err := p.CheckMachineImages(ctx, export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.Bucket}); err != nil {
		t.Fatalf("dry run: err %v", err)
	}
	if rec, ok := s.LastRequest("ExportImages"); !ok || !strings.Contains(string(rec.Body), `"DryRun":true`) {
		t.Errorf("dry run did not reach CVM with DryRun true: %s", rec.Body)
	}
	if state, _ := s.ImageState(tencenttest.SeedLinuxImage); state != "NORMAL" {
		t.Errorf("a dry run started an export: state %s", state)
	}
	err := p.CheckMachineImages(ctx, export.MachineImages{ImageIDs: []string{tencenttest.SeedWindowsImage}, Bucket: tencenttest.Bucket})
	if !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Errorf("dry run of a Windows image: %v, want ErrFailedPrecondition", err)
	}
}

// TestMachineImagesVendorErrors checks the CVM-specific error mappings
// against the emulator's vendor codes.
func TestMachineImagesVendorErrors(t *testing.T) {
	tests := []struct {
		name string
		in   export.MachineImages
		want provider.Code
		code string
	}{
		{"windows image", export.MachineImages{ImageIDs: []string{tencenttest.SeedWindowsImage}, Bucket: tencenttest.Bucket}, provider.FailedPrecondition, "UnsupportedOperation.WindowsImageExportUnsupported"},
		{"missing bucket", export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.MissingBucket}, provider.NotFound, "InvalidParameterValue.BucketNotFound"},
		{"role cannot write", export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.Bucket, Role: "missing-role"}, provider.PermissionDenied, "AuthFailure.CamRoleNameAuthenticateFailed"},
		{"unknown image", export.MachineImages{ImageIDs: []string{"img-00000000"}, Bucket: tencenttest.Bucket}, provider.NotFound, "InvalidImageId.NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newEmulated(t)
			_, err := p.CreateExportJob(context.Background(), export.Request{Target: tt.in})
			var e *provider.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			if e.Code != tt.want || e.VendorCode != tt.code || e.Service != "cvm" || e.Action != "ExportImages" || e.Provider != "tencent" {
				t.Errorf("error %+v; want code %v vendor code %s", e, tt.want, tt.code)
			}
		})
	}
}

func TestImageBusyIsFailedPrecondition(t *testing.T) {
	p, _ := newEmulated(t)
	req := export.Request{Target: export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.Bucket}}
	if _, err := p.CreateExportJob(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateExportJob(context.Background(), req); !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Fatalf("second export of a busy image: %v, want ErrFailedPrecondition", err)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault tencenttest.Fault
		want  provider.Code // Unknown: the call succeeds
	}{
		{"throttled twice, then served", tencenttest.Fault{Kind: tencenttest.Throttle, Times: 2}, provider.Unknown},
		{"throttled throughout", tencenttest.Fault{Kind: tencenttest.Throttle, Times: 10}, provider.ResourceExhausted},
		{"malformed answer", tencenttest.Fault{Kind: tencenttest.Malformed}, provider.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := newEmulated(t)
			s.Inject(tt.fault)
			_, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
			if got := provider.CodeOf(err); got != tt.want {
				t.Errorf("code %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}

// TestDownloadFaults checks the codes of failed downloads: the emulator
// answers a throttled download 503 SlowDown and a server error 502.
func TestDownloadFaults(t *testing.T) {
	for _, kind := range []emulator.FaultKind{tencenttest.Throttle, tencenttest.ServerError} {
		p, s := newEmulated(t)
		ctx := context.Background()
		job, err := p.CreateExportJob(ctx, export.Request{Target: export.Components{ImageID: tencenttest.SeedSmallImageID}})
		if err != nil {
			t.Fatal(err)
		}
		st, err := provider.Wait(ctx, p, job, fast)
		if err != nil {
			t.Fatal(err)
		}
		s.Inject(tencenttest.Fault{Action: "Download", Kind: kind})
		_, err = p.Download(ctx, job, st.Files[0])
		if !errors.Is(err, provider.ErrUnavailable) {
			t.Errorf("fault %v: err = %v, want ErrUnavailable", kind, err)
		}
	}
}

// TestServerErrorIsNotRetried checks that a server error is reported at once
// as Internal (a JSON InternalError) or Unavailable (a gateway's plain 5xx).
func TestServerErrorIsNotRetried(t *testing.T) {
	p, s := newEmulated(t)
	s.Inject(tencenttest.Fault{Kind: tencenttest.ServerError})
	before := s.Requests()
	_, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
	if c := provider.CodeOf(err); c != provider.Internal && c != provider.Unavailable {
		t.Errorf("code %v (%v), want Internal or Unavailable", c, err)
	}
	if n := s.Requests() - before; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestScheduleFromEmulator(t *testing.T) {
	p, s := newEmulated(t)
	s.SetTimingScanTask(tencenttest.TimingScanTask{
		Enable: true, ScanTime: "3:00:00", ScanEndTime: "05:30", ScanPeriod: 3,
		ScanType: []string{"cve", "VIRUS", "RISK", "WEBSHELL"}, ScanScope: 2,
		Images: []tencenttest.ImageInfo{{InstanceName: "tcr-a", Namespace: "ns", ImageName: "ns/app", ImageTag: "v1", Force: "true", ImageDigest: "sha256:1", RegistryType: "tcr", ImageRepoAddress: "a.tencentcloudcr.com/ns/app:v1", InstanceId: "tcr-1"}},
		Id:     []uint64{7}, ExcludeImageAssetIds: []uint64{8, 9}, RegistryType: []string{"tcr", "ccr"}, Namespace: []string{"ns"},
		Latest: true, ContainerRunning: true, LastScanTime: "2024-10-29 17:10:00", ScanResult: "ImageNeedIsEmpty",
	})
	got, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Schedule{
		Provider: "tencent", Kind: scan.RegistryImages, Enabled: true,
		Period: scan.Period{Every: 3, Unit: scan.Day}, At: "03:00", Until: "05:30",
		Types:    []scan.Type{scan.Vulnerabilities, scan.Malware, scan.Risks, "WEBSHELL"},
		Scope:    scan.ScopeRecommended,
		Images:   []scan.Image{{RegistryType: "tcr", InstanceID: "tcr-1", InstanceName: "tcr-a", Namespace: "ns", Name: "ns/app", Tag: "v1", Digest: "sha256:1", Address: "a.tencentcloudcr.com/ns/app:v1"}},
		AssetIDs: []uint64{7}, ExcludedIDs: []uint64{8, 9},
		Registries: []scan.Registry{{Type: "tcr", Selected: true}, {Type: "ccr", Selected: true}},
		Namespaces: []string{"ns"}, LatestOnly: true, RunningOnly: true,
		LastScan:   time.Date(2024, 10, 29, 17, 10, 0, 0, time.FixedZone("CST", 8*3600)),
		LastResult: "ImageNeedIsEmpty",
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("schedule (-want +got):\n%s", d)
	}
	task, err := p.RegistryScanTask(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Images) != 1 || task.Images[0].Force != "true" {
		t.Errorf("Force not reachable through RegistryScanTask: %+v", task.Images)
	}
}

func TestTemporaryCredentials(t *testing.T) {
	s := tencenttest.NewServer()
	defer s.Close()
	o := s.Options()
	o.SecretID, o.SecretKey, o.Token = s.TemporaryCredentials()
	p, err := tencent.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages}); err != nil {
		t.Fatalf("with a session token: %v", err)
	}
	o.Token = ""
	p, _ = tencent.New(o)
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages}); !errors.Is(err, provider.ErrPermissionDenied) {
		t.Fatalf("without the token: %v, want ErrPermissionDenied", err)
	}
}

func TestWrongKeyIsPermissionDenied(t *testing.T) {
	s := tencenttest.NewServer()
	defer s.Close()
	o := s.Options()
	o.SecretKey = "not-the-key"
	p, err := tencent.New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
	if !errors.Is(err, provider.ErrPermissionDenied) {
		t.Fatalf("err = %v, want ErrPermissionDenied", err)
	}
	if strings.Contains(err.Error(), "not-the-key") {
		t.Error("the error holds the secret key")
	}
}

// TestExportSplitsOverTheCap checks that provider.Export splits a components
// request above TCSS's 10000-row cap into pages the emulator accepts.
func TestExportSplitsOverTheCap(t *testing.T) {
	p, s := newEmulated(t)
	sts, err := provider.Export(context.Background(), p, export.Request{
		Target: export.Components{ImageID: tencenttest.SeedImageID},
		Offset: 5,
		Limit:  25000,
	}, &provider.ExportOptions{Wait: *fast})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 3 {
		t.Fatalf("%d jobs, want 3", len(sts))
	}
	for i, st := range sts {
		if st.State != export.StateSucceeded {
			t.Errorf("job %d: %+v", i, st)
		}
	}
	rec, ok := s.LastRequest("CreateComponentExportJob")
	if !ok {
		t.Fatal("no CreateComponentExportJob recorded")
	}
	if !strings.Contains(string(rec.Body), `"Limit":`) || !strings.Contains(string(rec.Body), `"Offset":`) {
		t.Errorf("paging not sent: %s", rec.Body)
	}
}
