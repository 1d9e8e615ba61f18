package huaweitest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/roma/v2/model"
)

// readZip returns the archive's files by name.
func readZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	return files
}

// TestROMAWithSDKModels drives the ROMA routes with the SDK's request and
// response models, from ExportAsset to a readable .zip.
func TestROMAWithSDKModels(t *testing.T) {
	s := newTestServer(t)

	body := sdkBody(t, &model.AssetExportRequest{
		Apps:  []model.AssetExportRequestApps{{Id: strPtr("app-order-0001")}, {Id: strPtr("app-iot-0003")}},
		Tasks: &[]model.AssetExportRequestTasks{{Id: strPtr("task-fdi-0002")}},
	})
	var created model.ExportAssetResponse
	decode(t, mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: body,
		headers: map[string]string{"Content-Type": "application/json;charset=UTF-8"}}), &created)

	var st model.CheckAssetJobStatusResponse
	waitFor(t, "job end", func() bool {
		st = model.CheckAssetJobStatusResponse{}
		decode(t, mustDo(t, s, raw{method: "GET", path: romaPath(s, "/assets/jobs/"+*created.JobId)}), &st)
		if p := *st.ProgressPercent; p < 0 || p > 1 {
			t.Fatalf("progress_percent = %v, want a fraction", p)
		}
		return st.Status.Value() != "RUNNING"
	})
	if st.Status.Value() != "SUCCEEDED" || st.ArchiveId == nil || st.Type.Value() != "exportAsset" || *st.ProgressPercent != 1 || *st.Id != *created.JobId {
		t.Fatalf("status = %v", st)
	}
	for _, ts := range []*string{st.BeginTime, st.EndTime} {
		if ts == nil {
			t.Fatal("begin_time or end_time missing")
		}
		if _, err := time.Parse(time.RFC3339, *ts); err != nil {
			t.Errorf("time %q: %v", *ts, err)
		}
	}

	d := mustDo(t, s, raw{method: "GET", path: romaPath(s, "/assets/archives/"+*st.ArchiveId)})
	if d.status != 200 || d.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("download: %d %v", d.status, d.header)
	}
	files := readZip(t, d.body)
	manifest, err := csv.NewReader(bytes.NewReader(files["manifest.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"type", "id", "name"},
		{"application", "app-order-0001", "order-service"},
		{"application", "app-iot-0003", "iot-bridge"},
		{"task", "task-fdi-0002", "crm-nightly"},
	}
	if diff := cmp.Diff(want, manifest); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	var app App
	if err := json.Unmarshal(files["apps/app-order-0001.json"], &app); err != nil || app.Name != "order-service" {
		t.Errorf("apps/app-order-0001.json = %s (%v)", files["apps/app-order-0001.json"], err)
	}
	if _, ok := files["tasks/task-fdi-0002.json"]; !ok || len(files) != 4 {
		t.Errorf("archive files = %v", keys(files))
	}

	// Downloaded once: the second download is refused and the job has no archive any more.
	d = mustDo(t, s, raw{method: "GET", path: romaPath(s, "/assets/archives/"+*st.ArchiveId)})
	if d.status != 410 || d.str("error_code") != "ROMA.00112002" {
		t.Errorf("second download = %d %s", d.status, d.body)
	}
	st = model.CheckAssetJobStatusResponse{}
	decode(t, mustDo(t, s, raw{method: "GET", path: romaPath(s, "/assets/jobs/"+*created.JobId)}), &st)
	if st.Status.Value() != "SUCCEEDED" || st.ArchiveId != nil {
		t.Errorf("status after download = %v", st)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestExportAssetValidation(t *testing.T) {
	s := newTestServer(t)
	many := make([]string, 0, 101)
	for i := 0; i < 101; i++ {
		many = append(many, fmt.Sprintf(`{"id":"t%d"}`, i))
	}
	tests := []struct {
		name, body, field string
	}{
		{name: "no body", body: "", field: "body"},
		{name: "not JSON", body: `{"apps":[`, field: "body"},
		{name: "nothing to export", body: `{"apps":[],"tasks":[]}`, field: "apps"},
		{name: "empty object", body: `{}`, field: "apps"},
		{name: "unknown top-level field", body: `{"apps":[{"id":"a"}],"instances":[],"tasks":[]}`, field: "instances"},
		{name: "older docs' app_id", body: `{"apps":[{"app_id":"app-order-0001"}],"tasks":[]}`, field: "app_id"},
		{name: "id missing", body: `{"apps":[{}],"tasks":[]}`, field: "apps[0].id"},
		{name: "id empty", body: `{"apps":[],"tasks":[{"id":""}]}`, field: "tasks[0].id"},
		{name: "app id over 36", body: `{"apps":[{"id":"` + strings.Repeat("a", 37) + `"}],"tasks":[]}`, field: "apps[0].id"},
		{name: "task id over 32", body: `{"apps":[],"tasks":[{"id":"` + strings.Repeat("a", 33) + `"}]}`, field: "tasks[0].id"},
		{name: "tasks absent", body: `{"apps":[{"id":"app-order-0001"}]}`, field: "[tasks]"},
		{name: "tasks null", body: `{"apps":[{"id":"app-order-0001"}],"tasks":null}`, field: "[tasks]"},
		{name: "apps absent", body: `{"tasks":[{"id":"task-fdi-0001"}]}`, field: "[apps]"},
		{name: "101 ids", body: `{"apps":[{"id":"a"}],"tasks":[` + strings.Join(many[:100], ",") + `]}`, field: "100"},
		{name: "apps not a list", body: `{"apps":"app-order-0001"}`, field: "apps"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: tt.body})
			if a.status != 400 || a.str("error_code") != "ROMA.00110001" {
				t.Fatalf("answer = %d %s, want 400 ROMA.00110001", a.status, a.body)
			}
			if !strings.Contains(a.str("error_msg"), tt.field) {
				t.Errorf("error_msg %q does not name %q", a.str("error_msg"), tt.field)
			}
			if a.str("request_id") == "" || a.str("request_id") != a.header.Get("X-Request-Id") || a.str("error_details") == "" {
				t.Errorf("ROMA error body lacks request_id or error_details: %s", a.body)
			}
		})
	}
	// A 36-character app id (the docs' UUID form) is fine.
	s36 := newTestServer(t) // one running job per instance
	if a := mustDo(t, s36, raw{method: "POST", path: romaPath(s36, "/assets/export"), body: `{"apps":[{"id":"b1e6b1e6-4f3f-4a80-bb45-f4b9039f95a3"}],"tasks":[]}`}); a.status != 200 {
		t.Errorf("36-character app id: %d %s", a.status, a.body)
	}
	// 100 ids in total are fine.
	a := mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: `{"apps":[],"tasks":[` + strings.Join(many[:100], ",") + `]}`})
	if a.status != 200 || a.str("job_id") == "" {
		t.Errorf("100 ids: %d %s", a.status, a.body)
	}
}

// exportAsset starts an export job and returns its id.
func exportAsset(t *testing.T, s *Server, body string) string {
	t.Helper()
	a := mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: body})
	if a.status != 200 {
		t.Fatalf("ExportAsset: %d %s", a.status, a.body)
	}
	return a.str("job_id")
}

// jobStatus polls CheckAssetJobStatus once.
func jobStatus(t *testing.T, s *Server, id string) answer {
	t.Helper()
	a := mustDo(t, s, raw{method: "GET", path: romaPath(s, "/assets/jobs/"+id)})
	if a.status != 200 {
		t.Fatalf("CheckAssetJobStatus: %d %s", a.status, a.body)
	}
	return a
}

// waitJob polls until the job is no longer running.
func waitJob(t *testing.T, s *Server, id string) answer {
	t.Helper()
	var a answer
	waitFor(t, "job "+id, func() bool {
		a = jobStatus(t, s, id)
		st := a.str("status")
		return st != "RUNNING" && st != "Running"
	})
	return a
}

func TestOneRunningJobPerInstance(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(time.Hour)
	first := exportAsset(t, s, `{"apps":[{"id":"app-crm-0002"}],"tasks":[]}`)
	a := mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: `{"apps":[{"id":"app-iot-0003"}],"tasks":[]}`})
	if a.status != 409 || a.str("error_code") != "ROMA.00112001" || !strings.Contains(a.str("error_msg"), "already running") ||
		!strings.Contains(a.str("error_msg"), first) {
		t.Fatalf("second export = %d %s", a.status, a.body)
	}
	if st := jobStatus(t, s, first); st.str("status") != "RUNNING" || st.json["progress_percent"].(float64) >= 1 || st.json["end_time"] != nil {
		t.Errorf("running job = %s", st.body)
	}

	// Once the first job has ended, a new one may start.
	s2 := newTestServer(t)
	one := exportAsset(t, s2, `{"apps":[{"id":"app-crm-0002"}],"tasks":[]}`)
	waitJob(t, s2, one)
	exportAsset(t, s2, `{"apps":[{"id":"app-iot-0003"}],"tasks":[]}`)
}

func TestAssetJobFailures(t *testing.T) {
	s := newTestServer(t)
	t.Run("unknown ids", func(t *testing.T) {
		id := exportAsset(t, s, `{"apps":[{"id":"app-order-0001"},{"id":"ghost-app"}],"tasks":[{"id":"ghost-task"}]}`)
		a := waitJob(t, s, id)
		if a.str("status") != "FAILED" || a.json["archive_id"] != nil {
			t.Fatalf("status = %s", a.body)
		}
		var got struct {
			Reasons []assetJobReason `json:"reasons"`
		}
		if err := json.Unmarshal(a.body, &got); err != nil {
			t.Fatal(err)
		}
		want := []assetJobReason{
			{ResourceType: "application", ResourceName: "ghost-app", ErrorCode: "ROMA.00110006", ErrorMsg: "The application does not exist."},
			{ResourceType: "task", ResourceName: "ghost-task", ErrorCode: "ROMA.00110006", ErrorMsg: "The task does not exist."},
		}
		if diff := cmp.Diff(want, got.Reasons); diff != "" {
			t.Errorf("reasons (-want +got):\n%s", diff)
		}
	})
	t.Run("FailJobs", func(t *testing.T) {
		s.FailJobs("quota exceeded")
		defer s.FailJobs("")
		a := waitJob(t, s, exportAsset(t, s, `{"apps":[{"id":"app-order-0001"}],"tasks":[]}`))
		if a.str("status") != "FAILED" || !strings.Contains(string(a.body), `"error_msg":"quota exceeded"`) {
			t.Errorf("status = %s", a.body)
		}
	})
}

func TestDocsStatusStyle(t *testing.T) {
	s := newTestServer(t)
	s.SetROMAStatusStyle(true)
	s.SetJobDuration(time.Hour)
	running := exportAsset(t, s, `{"apps":[],"tasks":[{"id":"task-fdi-0001"}]}`)
	if st := jobStatus(t, s, running).str("status"); st != "Running" {
		t.Errorf("running status = %q", st)
	}

	s2 := newTestServer(t)
	s2.SetROMAStatusStyle(true)
	id := exportAsset(t, s2, `{"apps":[],"tasks":[{"id":"task-fdi-0001"}]}`)
	a := waitJob(t, s2, id)
	if a.str("status") != "Success" || a.str("archive_id") == "" {
		t.Fatalf("status = %s", a.body)
	}
	d := mustDo(t, s2, raw{method: "GET", path: romaPath(s2, "/assets/archives/"+a.str("archive_id"))})
	if d.status != 200 || len(readZip(t, d.body)) != 2 {
		t.Fatalf("download: %d", d.status)
	}
	d = mustDo(t, s2, raw{method: "GET", path: romaPath(s2, "/assets/archives/"+a.str("archive_id"))})
	if d.status != 410 || d.str("error_code") != "ROMA.00112002" || !strings.Contains(d.str("error_msg"), "already been downloaded") {
		t.Errorf("second download = %d %s", d.status, d.body)
	}
	a = jobStatus(t, s2, id)
	if a.str("status") != "Finished" || a.json["archive_id"] != nil {
		t.Errorf("status after download = %s", a.body)
	}

	s2.FailJobs("boom")
	if st := waitJob(t, s2, exportAsset(t, s2, `{"apps":[],"tasks":[{"id":"task-fdi-0001"}]}`)).str("status"); st != "Failed" {
		t.Errorf("failed status = %q", st)
	}
}
