package tencent

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

const allFields = `"ExportField":["Name","Version","Path","Type","VulCount","ImageID"]`

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad want JSON %s: %v", s, err)
	}
	return v
}

// TestComponentsWire checks that every filter, enum value, column, sort and
// paging value reaches TCSS CreateComponentExportJob as documented.
func TestComponentsWire(t *testing.T) {
	img := export.Components{ImageID: "sha256:abc"}
	tests := []struct {
		name string
		req  export.Request
		want string
	}{
		{"defaults", export.Request{Target: img},
			`{"ImageID":"sha256:abc",` + allFields + `}`},
		{"name eq", export.Request{Target: img, Filters: []export.Filter{export.Eq("name", "openssl", "zlib")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"ComponentName","Values":["openssl","zlib"],"ExactMatch":true}]}`},
		{"name like", export.Request{Target: img, Filters: []export.Filter{export.Like("name", "ssl")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"ComponentName","Values":["ssl"],"ExactMatch":false}]}`},
		{"version like", export.Request{Target: img, Filters: []export.Filter{export.Like("version", "1.1")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"ComponentVersion","Values":["1.1"],"ExactMatch":false}]}`},
		{"type eq", export.Request{Target: img, Filters: []export.Filter{export.Eq("type", "SYSTEM_COMPONENT")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"ComponentType","Values":["SYSTEM_COMPONENT"],"ExactMatch":true}]}`},
		{"vul_level every value, any case", export.Request{Target: img, Filters: []export.Filter{export.Eq("vul_level", "critical", "HIGH", "Medium", "low")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"VulLevel","Values":["CRITICAL","HIGH","MIDDLE","LOW"],"ExactMatch":true}]}`},
		{"has_vul true", export.Request{Target: img, Filters: []export.Filter{export.Eq("has_vul", "TRUE")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"HasVul","Values":["true"],"ExactMatch":true}]}`},
		{"has_vul false", export.Request{Target: img, Filters: []export.Filter{export.Eq("has_vul", "false")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"HasVul","Values":["false"],"ExactMatch":true}]}`},
		{"filters keep order", export.Request{Target: img, Filters: []export.Filter{export.Eq("has_vul", "true"), export.Like("type", "APP")}},
			`{"ImageID":"sha256:abc",` + allFields + `,"Filters":[{"Name":"HasVul","Values":["true"],"ExactMatch":true},{"Name":"ComponentType","Values":["APP"],"ExactMatch":false}]}`},
		{"every column, reordered", export.Request{Target: img, Columns: export.Cols("image_id", "vul_count", "type", "path", "version", "name")},
			`{"ImageID":"sha256:abc","ExportField":["ImageID","VulCount","Type","Path","Version","Name"]}`},
		{"default header accepted", export.Request{Target: img, Columns: []export.Column{{Key: "vul_count", Header: "Vulnerabilities"}}},
			`{"ImageID":"sha256:abc","ExportField":["VulCount"]}`},
		{"sort asc", export.Request{Target: img, Sort: &export.Sort{Field: "name"}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"Name","Order":"asc"}`},
		{"sort desc", export.Request{Target: img, Sort: &export.Sort{Field: "vul_count", Desc: true}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"VulCount","Order":"desc"}`},
		{"sort by each column", export.Request{Target: img, Sort: &export.Sort{Field: "image_id"}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"ImageID","Order":"asc"}`},
		{"sort by path", export.Request{Target: img, Sort: &export.Sort{Field: "path", Desc: true}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"Path","Order":"desc"}`},
		{"sort by version", export.Request{Target: img, Sort: &export.Sort{Field: "version"}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"Version","Order":"asc"}`},
		{"sort by type", export.Request{Target: img, Sort: &export.Sort{Field: "type"}},
			`{"ImageID":"sha256:abc",` + allFields + `,"By":"Type","Order":"asc"}`},
		{"paging", export.Request{Target: img, Offset: 20000, Limit: 10000},
			`{"ImageID":"sha256:abc",` + allFields + `,"Offset":20000,"Limit":10000}`},
		{"limit 1", export.Request{Target: img, Limit: 1},
			`{"ImageID":"sha256:abc",` + allFields + `,"Limit":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on(actionCreateComponentExportJob, answer{response: map[string]any{"JobId": "job-1"}})
			p := f.provider()
			job, err := p.CreateExportJob(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("CreateExportJob: %v", err)
			}
			got, ok := f.last(actionCreateComponentExportJob)
			if !ok {
				t.Fatal("nothing sent")
			}
			if d := cmp.Diff(jsonValue(t, tt.want), got); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
			wantJob := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "job-1", Region: "ap-guangzhou", Scope: map[string]string{"image_id": "sha256:abc"}}
			job.Created = job.Created.UTC().Truncate(0)
			if job.Created.IsZero() {
				t.Error("Job.Created is zero")
			}
			job.Created = wantJob.Created
			if d := cmp.Diff(wantJob, job); d != "" {
				t.Errorf("job (-want +got):\n%s", d)
			}
		})
	}
}

// TestInvalidRequests checks that bad requests are rejected with
// ErrInvalidArgument, naming the field, and that nothing is sent.
func TestInvalidRequests(t *testing.T) {
	img := export.Components{ImageID: "sha256:abc"}
	mi := export.MachineImages{ImageIDs: []string{"img-dz6w75t0"}, Bucket: "bucket-1250000000"}
	withMI := func(fn func(*export.MachineImages)) export.MachineImages {
		m := mi
		m.ImageIDs = append([]string(nil), mi.ImageIDs...)
		fn(&m)
		return m
	}
	tests := []struct {
		name    string
		req     export.Request
		mention string
	}{
		{"no target", export.Request{}, "Target"},
		{"empty image id", export.Request{Target: export.Components{}}, "ImageID"},
		{"image id with space", export.Request{Target: export.Components{ImageID: "sha256 abc"}}, "ImageID"},
		{"image id too long", export.Request{Target: export.Components{ImageID: strings.Repeat("a", 300)}}, "ImageID"},
		{"unknown filter", export.Request{Target: img, Filters: []export.Filter{export.Eq("colour", "red")}}, "colour"},
		{"bad vul_level", export.Request{Target: img, Filters: []export.Filter{export.Eq("vul_level", "severe")}}, "critical, high, medium, low"},
		{"like on enum", export.Request{Target: img, Filters: []export.Filter{export.Like("vul_level", "high")}}, "vul_level"},
		{"like on bool", export.Request{Target: img, Filters: []export.Filter{export.Like("has_vul", "true")}}, "has_vul"},
		{"bad bool", export.Request{Target: img, Filters: []export.Filter{export.Eq("has_vul", "yes")}}, "true or false"},
		{"two bool values", export.Request{Target: img, Filters: []export.Filter{export.Eq("has_vul", "true", "false")}}, "has_vul"},
		{"empty filter value", export.Request{Target: img, Filters: []export.Filter{export.Eq("name", "")}}, "name"},
		{"no filter values", export.Request{Target: img, Filters: []export.Filter{{Field: "name"}}}, "name"},
		{"filter twice", export.Request{Target: img, Filters: []export.Filter{export.Eq("name", "a"), export.Eq("name", "b")}}, "twice"},
		{"range on text", export.Request{Target: img, Filters: []export.Filter{{Field: "name", Values: []string{"a"}, From: epoch}}}, "From"},
		{"unknown column", export.Request{Target: img, Columns: export.Cols("size")}, "size"},
		{"column twice", export.Request{Target: img, Columns: export.Cols("name", "name")}, "twice"},
		{"custom header", export.Request{Target: img, Columns: []export.Column{{Key: "name", Header: "Component"}}}, "Header"},
		{"unknown sort", export.Request{Target: img, Sort: &export.Sort{Field: "size"}}, "Sort"},
		{"negative offset", export.Request{Target: img, Offset: -1}, "Offset"},
		{"negative limit", export.Request{Target: img, Limit: -1}, "Limit"},
		{"limit over max", export.Request{Target: img, Limit: 10001}, "10000"},
		{"images: no ids", export.Request{Target: withMI(func(m *export.MachineImages) { m.ImageIDs = nil })}, "ImageIDs"},
		{"images: bad id", export.Request{Target: withMI(func(m *export.MachineImages) { m.ImageIDs = []string{"img-ABCDEFGH"} })}, "ImageIDs[0]"},
		{"images: short id", export.Request{Target: withMI(func(m *export.MachineImages) { m.ImageIDs = []string{"img-1234"} })}, "ImageIDs[0]"},
		{"images: id twice", export.Request{Target: withMI(func(m *export.MachineImages) { m.ImageIDs = []string{"img-dz6w75t0", "img-dz6w75t0"} })}, "twice"},
		{"images: no bucket", export.Request{Target: withMI(func(m *export.MachineImages) { m.Bucket = "" })}, "Bucket"},
		{"images: bad bucket", export.Request{Target: withMI(func(m *export.MachineImages) { m.Bucket = "My_Bucket" })}, "Bucket"},
		{"images: bad format", export.Request{Target: withMI(func(m *export.MachineImages) { m.Format = "iso" })}, "raw, qcow2, vhd, vmdk"},
		{"images: prefix count", export.Request{Target: withMI(func(m *export.MachineImages) { m.FilePrefixes = []string{"a", "b"} })}, "FilePrefixes"},
		{"images: bad prefix", export.Request{Target: withMI(func(m *export.MachineImages) { m.FilePrefixes = []string{"a,b"} })}, "FilePrefixes[0]"},
		{"images: bad role", export.Request{Target: withMI(func(m *export.MachineImages) { m.Role = "role with space" })}, "Role"},
		{"images: filters", export.Request{Target: mi, Filters: []export.Filter{export.Eq("name", "x")}}, "Filters"},
		{"images: columns", export.Request{Target: mi, Columns: export.Cols("name")}, "Columns"},
		{"images: sort", export.Request{Target: mi, Sort: &export.Sort{Field: "name"}}, "Sort"},
		{"images: offset", export.Request{Target: mi, Offset: 1}, "Offset"},
		{"images: limit", export.Request{Target: mi, Limit: 1}, "Limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			p := f.provider()
			for _, dry := range []bool{false, true} {
				req := tt.req
				req.DryRun = dry
				_, err := p.CreateExportJob(context.Background(), req)
				if !errors.Is(err, provider.ErrInvalidArgument) {
					t.Fatalf("DryRun %v: err = %v, want ErrInvalidArgument", dry, err)
				}
				if !strings.Contains(err.Error(), tt.mention) {
					t.Errorf("error %q does not mention %q", err, tt.mention)
				}
			}
			if n := f.count(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

func TestImagesNeedRegion(t *testing.T) {
	f := newFake(t)
	o := f.options()
	o.Region = ""
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.MachineImages{ImageIDs: []string{"img-dz6w75t0"}, Bucket: "b-1"}})
	if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Options.Region") {
		t.Fatalf("err = %v, want ErrInvalidArgument naming Options.Region", err)
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}

func ptr[T any](v T) *T { return &v }

func TestComponentsStatus(t *testing.T) {
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "job-7"}
	tests := []struct {
		name string
		in   describeExportJobResultResponse
		want export.Status
	}{
		{"running without progress", describeExportJobResultResponse{ExportStatus: ptr("RUNNING")},
			export.Status{Job: job, State: export.StateRunning, Progress: -1}},
		{"running with progress, lower case", describeExportJobResultResponse{ExportStatus: ptr("running"), ExportProgress: ptr(42.5)},
			export.Status{Job: job, State: export.StateRunning, Progress: 0.425}},
		{"progress clamped", describeExportJobResultResponse{ExportStatus: ptr("RUNNING"), ExportProgress: ptr(150.0)},
			export.Status{Job: job, State: export.StateRunning, Progress: 1}},
		{"success with URL file name", describeExportJobResultResponse{ExportStatus: ptr("SUCCESS"), DownloadURL: ptr("https://yunjing.cos.ap-guangzhou.myqcloud.com/export/components-1.xlsx?sign=secret")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: "components-1.xlsx", URL: "https://yunjing.cos.ap-guangzhou.myqcloud.com/export/components-1.xlsx?sign=secret"}}}},
		{"success with opaque URL", describeExportJobResultResponse{ExportStatus: ptr("Success"), DownloadURL: ptr("https://example.com/dl?id=1")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: "job-7.xlsx", URL: "https://example.com/dl?id=1"}}}},
		{"success without URL", describeExportJobResultResponse{ExportStatus: ptr("SUCCESS")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Message: "TCSS reported SUCCESS without a DownloadURL"}},
		{"failure", describeExportJobResultResponse{ExportStatus: ptr("FAILURE"), FailureMsg: ptr("image not found")},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "image not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := componentsStatus(job, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
		})
	}
	if _, err := componentsStatus(job, describeExportJobResultResponse{ExportStatus: ptr("PAUSED")}); provider.CodeOf(err) != provider.Internal ||
		!strings.Contains(err.Error(), `"PAUSED"`) || !strings.Contains(err.Error(), "RUNNING, SUCCESS, FAILURE") {
		t.Errorf("unknown status: err = %v, want Internal naming PAUSED and the known statuses", err)
	}
}

func TestPollComponentsWire(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{response: map[string]any{"ExportStatus": "SUCCESS", "ExportProgress": 100, "DownloadURL": "https://x.example/a.xlsx"}})
	p := f.provider()
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "job-9"}
	st, err := p.PollJob(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != export.StateSucceeded || len(st.Files) != 1 {
		t.Fatalf("status = %+v", st)
	}
	got, _ := f.last(actionDescribeExportJobResult)
	if d := cmp.Diff(jsonValue(t, `{"JobId":"job-9"}`), got); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}

func TestPollRejectsForeignJobs(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	for name, job := range map[string]export.Job{
		"other provider": {Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "1"},
		"no id":          {Provider: "tencent", Service: "tcss", Kind: export.KindComponents},
		"wrong service":  {Provider: "tencent", Service: "cvm", Kind: export.KindComponents, ID: "1"},
		"unserved kind":  {Provider: "tencent", Service: "tcss", Kind: export.KindContainers, ID: "1"},
		"images on tcss": {Provider: "tencent", Service: "tcss", Kind: export.KindMachineImages, ID: "1", Scope: map[string]string{"image_ids": "img-aaaaaaaa"}},
		"images no ids":  {Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "1"},
	} {
		if _, err := p.PollJob(context.Background(), job); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", name, err)
		}
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}

func TestDownload(t *testing.T) {
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.xlsx":
			_, _ = io.WriteString(w, "contents")
		case "/forbidden.xlsx":
			w.WriteHeader(403)
		case "/gone.xlsx":
			w.WriteHeader(404)
		default:
			w.WriteHeader(503)
		}
	}))
	defer files.Close()
	f := newFake(t)
	// The file server is neither a COS host nor a configured endpoint:
	// the caller allows it.
	opts := f.options()
	opts.AllowDownload = func(u *url.URL) bool { return "http://"+u.Host == files.URL }
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "job-1"}

	rc, err := p.Download(context.Background(), job, export.File{URL: files.URL + "/ok.xlsx?sign=s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "contents" {
		t.Errorf("body = %q", b)
	}

	tests := []struct {
		url  string
		want provider.Code
	}{
		{files.URL + "/forbidden.xlsx?sign=s3cr3t", provider.PermissionDenied},
		{files.URL + "/gone.xlsx?sign=s3cr3t", provider.NotFound},
		{files.URL + "/broken.xlsx?sign=s3cr3t", provider.Unavailable},
		{"ftp://example.com/a.xlsx?sign=s3cr3t", provider.InvalidArgument},
		{"file:///etc/passwd", provider.InvalidArgument},
		{"", provider.InvalidArgument},
		{"http://127.0.0.1:1/closed.xlsx?sign=s3cr3t", provider.PermissionDenied}, // loopback, not allowed
	}
	for _, tt := range tests {
		_, err := p.Download(context.Background(), job, export.File{URL: tt.url})
		if got := provider.CodeOf(err); got != tt.want {
			t.Errorf("%s: code %v (%v), want %v", tt.url, got, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: error leaks the URL query: %v", tt.url, err)
		}
	}

	imgJob := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "7", Scope: map[string]string{"bucket": "b-1"}}
	_, err = p.Download(context.Background(), imgJob, export.File{Path: "/img-dz6w75t0_system_snap-1.raw"})
	if !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "/img-dz6w75t0_system_snap-1.raw") {
		t.Errorf("machine image download: err = %v, want ErrUnsupported naming the path", err)
	}
}

// TestDownloadCancelled checks that a cancelled ctx ends Download with
// context.Canceled and nothing is fetched.
func TestDownloadCancelled(t *testing.T) {
	var hits atomic.Int32
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer files.Close()
	p := newFake(t).provider()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Download(ctx, componentsJob, export.File{URL: files.URL + "/a.xlsx?sign=s3cr3t"})
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled itself", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d fetches, want none", n)
	}
}
