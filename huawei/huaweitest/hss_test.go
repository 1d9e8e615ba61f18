package huaweitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
	"github.com/xuri/excelize/v2"
)

// readXLSX returns the rows of the only sheet of an .xlsx file.
func readXLSX(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an xlsx file: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets = %v, want one", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestHSSWithSDKModels drives the HSS export routes with bodies built from
// the SDK's request models and answers decoded into its response models, the
// way the adapter does, from export to a readable .xlsx.
func TestHSSWithSDKModels(t *testing.T) {
	s := newTestServer(t)

	cce, running := "cce", "Running"
	body := sdkBody(t, &model.ExportContainerListRequestBody{
		ClusterType:   &cce,
		Status:        &running,
		ExportHeaders: [][]string{{"container_name", "容器名称"}, {"risky", "Risky?"}, {"memory_limit", "Memory"}},
	})
	var created model.ExportContainerListResponse
	decode(t, mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), body: body,
		query: url.Values{"export_size": {"2"}, "enterprise_project_id": {"0"}}}), &created)
	if created.TaskId == nil || *created.TaskId == "" {
		t.Fatal("no task_id")
	}
	rec, ok := s.LastRequest("ExportContainerList")
	if !ok || rec.Query.Get("export_size") != "2" || string(rec.Body) != body {
		t.Errorf("LastRequest = %+v, %v", rec, ok)
	}
	if rec.Header.Get("Authorization") != "" {
		t.Error("recorded request keeps the Authorization header")
	}

	var task model.ListQueryExportTaskResponse
	waitFor(t, "export task end", func() bool {
		decode(t, mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+*created.TaskId)}), &task)
		return *task.TaskStatus != "running"
	})
	if *task.TaskStatus != "success" || task.FileId == nil || !strings.HasSuffix(*task.FileName, ".xlsx") || *task.TaskId != *created.TaskId {
		t.Fatalf("task = %v", task)
	}

	f := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/download/"+*task.FileId)})
	if f.status != 200 {
		t.Fatalf("download: %d %s", f.status, f.body)
	}
	want := [][]string{
		{"容器名称", "Risky?", "Memory"},
		{"nginx-web", "true", "512Mi"},
		{"redis-cache", "false", "1Gi"},
	}
	if diff := cmp.Diff(want, readXLSX(t, f.body)); diff != "" {
		t.Errorf("xlsx rows (-want +got):\n%s", diff)
	}
}

func TestExportContainerListValidation(t *testing.T) {
	s := newTestServer(t)
	const good = `"export_headers":[["container_id","ID"]]`
	tests := []struct {
		name  string
		query url.Values
		body  string
		field string // must appear in error_msg
	}{
		{name: "export_size zero", query: url.Values{"export_size": {"0"}}, body: `{` + good + `}`, field: "export_size"},
		{name: "export_size too big", query: url.Values{"export_size": {"100001"}}, body: `{` + good + `}`, field: "export_size"},
		{name: "export_size not a number", query: url.Values{"export_size": {"ten"}}, body: `{` + good + `}`, field: "export_size"},
		{name: "empty enterprise project", query: url.Values{"enterprise_project_id": {""}}, body: `{` + good + `}`, field: "enterprise_project_id"},
		{name: "no body", body: "", field: "body"},
		{name: "not JSON", body: `{"export_headers":`, field: "body"},
		{name: "unknown field", body: `{"cluster":"x",` + good + `}`, field: "cluster"},
		{name: "export_headers missing", body: `{"status":"Running"}`, field: "export_headers"},
		{name: "export_headers null", body: `{"export_headers":null}`, field: "export_headers"},
		{name: "export_headers empty", body: `{"export_headers":[]}`, field: "export_headers"},
		{name: "export_headers not a pair", body: `{"export_headers":[["container_id"]]}`, field: "export_headers[0]"},
		{name: "export_headers unknown key", body: `{"export_headers":[["container_id","ID"],["cpu","CPU"]]}`, field: "export_headers[1]"},
		{name: "export_headers empty header", body: `{"export_headers":[["container_id",""]]}`, field: "export_headers[0]"},
		{name: "cluster_type unknown", body: `{"cluster_type":"gke",` + good + `}`, field: "cluster_type"},
		{name: "status lower case", body: `{"status":"running",` + good + `}`, field: "status"},
		{name: "cluster_name empty", body: `{"cluster_name":"",` + good + `}`, field: "cluster_name"},
		{name: "pod_name too long", body: `{"pod_name":"` + strings.Repeat("p", 513) + `",` + good + `}`, field: "pod_name"},
		{name: "image_name too long", body: `{"image_name":"` + strings.Repeat("i", 256) + `",` + good + `}`, field: "image_name"},
		{name: "cpu_limit in cores", body: `{"cpu_limit":"1",` + good + `}`, field: "cpu_limit"},
		{name: "memory_limit in MB", body: `{"memory_limit":"300MB",` + good + `}`, field: "memory_limit"},
		{name: "create_time reversed", body: `{"create_time":{"start_time":2000,"end_time":1000},` + good + `}`, field: "create_time"},
		{name: "create_time negative", body: `{"create_time":{"start_time":-1},` + good + `}`, field: "create_time"},
		{name: "create_time unknown field", body: `{"create_time":{"begin":1},` + good + `}`, field: "begin"},
		{name: "risky not bool", body: `{"risky":"yes",` + good + `}`, field: "risky"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), query: tt.query, body: tt.body})
			if a.status != http.StatusBadRequest || a.str("error_code") != "HSS.0001" {
				t.Fatalf("answer = %d %s, want 400 HSS.0001", a.status, a.body)
			}
			if !strings.Contains(a.str("error_msg"), tt.field) {
				t.Errorf("error_msg %q does not name %q", a.str("error_msg"), tt.field)
			}
		})
	}
}

// exportIDs creates an export with body filters and returns the exported
// container ids, read back from the .xlsx.
func exportIDs(t *testing.T, s *Server, query url.Values, filters string) []string {
	t.Helper()
	body := `{` + filters + `"export_headers":[["container_id","ID"]]}`
	a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), query: query, body: body})
	if a.status != 200 {
		t.Fatalf("export: %d %s", a.status, a.body)
	}
	taskID := a.str("task_id")
	var task answer
	waitFor(t, "task end", func() bool {
		task = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+taskID)})
		return task.str("task_status") != "running"
	})
	if task.str("task_status") != "success" {
		t.Fatalf("task = %s", task.body)
	}
	f := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/download/"+task.str("file_id"))})
	if f.status != 200 {
		t.Fatalf("download: %d %s", f.status, f.body)
	}
	var ids []string
	for _, r := range readXLSX(t, f.body)[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

func TestExportContainerListFilters(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0) // tasks end at once; TestExportTaskLifecycle covers running tasks
	tests := []struct {
		name    string
		query   url.Values
		filters string
		want    []string
	}{
		{name: "none: default enterprise project", want: []string{"c0a1", "c0a2", "c0a3", "c0a5", "c0a6", "c0a7", "c0a8"}},
		{name: "all enterprise projects", query: url.Values{"enterprise_project_id": {"all_granted_eps"}},
			want: []string{"c0a1", "c0a2", "c0a3", "c0a4", "c0a5", "c0a6", "c0a7", "c0a8"}},
		{name: "one enterprise project", query: url.Values{"enterprise_project_id": {"ep-edge"}}, want: []string{"c0a4"}},
		{name: "export_size", query: url.Values{"export_size": {"3"}}, want: []string{"c0a1", "c0a2", "c0a3"}},
		{name: "cluster_container false", filters: `"cluster_container":false,`, want: []string{"c0a8"}},
		{name: "cluster_type", filters: `"cluster_type":"aws",`, want: []string{"c0a5", "c0a6"}},
		{name: "cluster_name substring", filters: `"cluster_name":"prod",`, want: []string{"c0a1", "c0a2", "c0a3", "c0a7"}},
		{name: "container_name", filters: `"container_name":"redis",`, want: []string{"c0a2"}},
		{name: "pod_name", filters: `"pod_name":"db-0",`, want: []string{"c0a7"}},
		{name: "image_name", filters: `"image_name":"python:3.12",`, want: []string{"c0a3"}},
		{name: "status", filters: `"status":"Isolated",`, want: []string{"c0a5"}},
		{name: "risky", filters: `"risky":true,`, want: []string{"c0a1", "c0a3", "c0a5", "c0a8"}},
		{name: "create_time", filters: `"create_time":{"start_time":1709452800000,"end_time":1709798400000},`, want: []string{"c0a2", "c0a3"}},
		{name: "cpu_limit", filters: `"cpu_limit":"100m",`, want: []string{"c0a5", "c0a6"}},
		{name: "memory_limit", filters: `"memory_limit":"2Gi",`, want: []string{"c0a3"}},
		{name: "several", filters: `"cluster_type":"cce","risky":true,"status":"Running",`, want: []string{"c0a1"}},
		{name: "nothing matches", filters: `"status":"Paused","risky":true,`, want: nil},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, exportIDs(t, s, tt.query, tt.filters)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportTaskLifecycle(t *testing.T) {
	s := newTestServer(t)
	s.SetContainers([]Container{{ContainerID: "only", ContainerName: "one", Status: "Running", CreateTime: 1}})
	const body = `{"export_headers":[["create_time","Created"],["container_id","ID"],["status","State"]]}`

	t.Run("failure", func(t *testing.T) {
		s.FailJobs("disk full")
		defer s.FailJobs("")
		a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), body: body})
		var task answer
		waitFor(t, "failure", func() bool {
			task = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+a.str("task_id"))})
			return task.str("task_status") != "running"
		})
		if task.str("task_status") != "failure" || task.str("file_id") != "" {
			t.Errorf("task = %s", task.body)
		}
	})
	t.Run("running then success", func(t *testing.T) {
		s.SetJobDuration(time.Hour)
		a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), body: body})
		s.SetJobDuration(0)
		task := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+a.str("task_id"))})
		if task.str("task_status") != "running" || task.str("task_name") == "" || task.str("file_id") != "" {
			t.Errorf("task = %s", task.body)
		}
		b := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), body: body})
		task = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+b.str("task_id"))})
		if task.str("task_status") != "success" {
			t.Fatalf("task = %s", task.body)
		}
		for i := 0; i < 2; i++ { // files may be downloaded again
			f := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/download/"+task.str("file_id"))})
			if f.status != 200 || f.header.Get("Content-Type") != "application/octet-stream" {
				t.Fatalf("download %d: %d %s", i, f.status, f.header)
			}
			want := [][]string{{"Created", "ID", "State"}, {"1", "only", "Running"}}
			if diff := cmp.Diff(want, readXLSX(t, f.body)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		}
	})
}

func TestScanPoliciesWithSDKModels(t *testing.T) {
	s := newTestServer(t)

	var pol model.ListImageScanPolicyResponse
	decode(t, mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/scanner-policies"),
		query: url.Values{"type": {"cycle"}, "global_image_type": {"registry"}}}), &pol)
	if !*pol.Enabled || *pol.IsAll || *pol.ScanCycle != 7 || *pol.ScanScope != 0x000f0f00 || *pol.RateLimit != 100 || *pol.TimeScope != 0 ||
		*pol.TotalRegistryNum != 2 || len(*pol.RegistryList) != 2 || !*(*pol.RegistryList)[0].IsSelected || *(*pol.RegistryList)[1].IsSelected {
		t.Errorf("seeded image policy = %v", pol)
	}

	var tasks model.ListImageScanTaskResponse
	decode(t, mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/tasks"),
		query: url.Values{"type": {"image_scan"}, "task_type": {"cycle"}}}), &tasks)
	if *tasks.TotalNum != 2 || len(*tasks.DataList) != 2 {
		t.Fatalf("cycle tasks = %v", tasks)
	}
	newest := (*tasks.DataList)[0]
	if *newest.TaskStatus != 100 || *newest.EndTime <= *(*tasks.DataList)[1].EndTime {
		t.Errorf("newest cycle task = %v", newest)
	}

	var vul model.ShowVulScanPolicyResponse
	decode(t, mustDo(t, s, raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy")}), &vul)
	if *vul.ScanPeriod != "one_week" || *vul.Time.HourPart != 2 || *vul.Time.MinutePart != 30 || (*vul.Time.DayPart)[0] != 2 ||
		*vul.Time.TimezoneOffset != -480 || *vul.ScanRangeType != "all_host" || *vul.Status != "open" ||
		*vul.Time.NextScanTime <= time.Now().UnixMilli() {
		t.Errorf("seeded vul policy = %v", vul)
	}

	// The setters replace what is answered.
	s.SetImageScanPolicy(ImageScanPolicy{IsAll: true, ScanCycle: 14, ScanScope: 0x0fffff})
	s.SetVulScanPolicy(VulScanPolicy{ScanPeriod: "one_day", ScanRangeType: "specific_host", HostIDs: []string{"h1"}, Status: "close",
		Time: VulScanTime{HourPart: 23, MinutePart: 5}})
	s.SetImageScanTasks(nil)
	a := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/scanner-policies"), query: url.Values{"type": {"manual"}}})
	wantPolicy := `{"is_all":true,"enabled":false,"scan_cycle":14,"scan_scope":1048575,"rate_limit":0,"time_scope":0,"total_registry_num":0,"registry_list":[]}`
	if string(a.body) != wantPolicy {
		t.Errorf("image policy = %s, want %s", a.body, wantPolicy)
	}
	a = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy")})
	var gotVul VulScanPolicy
	if err := json.Unmarshal(a.body, &gotVul); err != nil {
		t.Fatal(err)
	}
	wantVul := VulScanPolicy{ScanPeriod: "one_day", ScanVulTypes: []string{}, ScanRangeType: "specific_host", HostIDs: []string{"h1"}, Status: "close",
		Time: VulScanTime{DayPart: []int32{}, HourPart: 23, MinutePart: 5}}
	if diff := cmp.Diff(wantVul, gotVul); diff != "" {
		t.Errorf("vul policy (-want +got):\n%s", diff)
	}
	a = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/tasks"), query: url.Values{"type": {"image_scan"}}})
	if string(a.body) != `{"data_list":[],"total_num":0}` {
		t.Errorf("tasks = %s", a.body)
	}
}

func strPtr(s string) *string { return &s }

func TestImageScanTaskQuery(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name    string
		query   url.Values
		wantIDs []string // nil with bad = true
		bad     string   // field named in a 400
	}{
		{name: "all scans newest first", query: url.Values{"type": {"image_scan"}}, wantIDs: []string{"img-task-0003", "img-task-0002", "img-task-0001"}},
		{name: "syncs", query: url.Values{"type": {"image_sync"}}, wantIDs: []string{"img-sync-0001"}},
		{name: "manual", query: url.Values{"type": {"image_scan"}, "task_type": {"manual"}}, wantIDs: []string{"img-task-0003"}},
		{name: "registry images", query: url.Values{"type": {"image_scan"}, "global_image_type": {"registry"}}, wantIDs: []string{"img-task-0002", "img-task-0001"}},
		{name: "finished", query: url.Values{"type": {"image_scan"}, "task_status": {"finished"}}, wantIDs: []string{"img-task-0003", "img-task-0002", "img-task-0001"}},
		{name: "scanning", query: url.Values{"type": {"image_scan"}, "task_status": {"scanning"}}, wantIDs: []string{}},
		{name: "by id", query: url.Values{"type": {"image_scan"}, "task_id": {"img-task-0001"}}, wantIDs: []string{"img-task-0001"}},
		{name: "paging", query: url.Values{"type": {"image_scan"}, "offset": {"1"}, "limit": {"10"}}, wantIDs: []string{"img-task-0002", "img-task-0001"}},
		{name: "type missing", query: url.Values{}, bad: "type"},
		{name: "type unknown", query: url.Values{"type": {"cycle"}}, bad: "type"},
		{name: "task_type unknown", query: url.Values{"type": {"image_scan"}, "task_type": {"weekly"}}, bad: "task_type"},
		{name: "limit too small", query: url.Values{"type": {"image_scan"}, "limit": {"5"}}, bad: "limit"},
		{name: "offset negative", query: url.Values{"type": {"image_scan"}, "offset": {"-1"}}, bad: "offset"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/tasks"), query: tt.query})
			if tt.bad != "" {
				if a.status != 400 || a.str("error_code") != "HSS.0001" || !strings.Contains(a.str("error_msg"), tt.bad) {
					t.Errorf("answer = %d %s, want 400 HSS.0001 naming %s", a.status, a.body, tt.bad)
				}
				return
			}
			var resp struct {
				TotalNum int             `json:"total_num"`
				DataList []ImageScanTask `json:"data_list"`
			}
			if err := json.Unmarshal(a.body, &resp); err != nil {
				t.Fatalf("%d %s: %v", a.status, a.body, err)
			}
			ids := []string{}
			for _, d := range resp.DataList {
				ids = append(ids, d.TaskID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImageScanPolicyValidation(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name  string
		query url.Values
		field string
	}{
		{name: "type missing", query: url.Values{}, field: "type"},
		{name: "type unknown", query: url.Values{"type": {"weekly"}}, field: "type"},
		{name: "global_image_type unknown", query: url.Values{"type": {"cycle"}, "global_image_type": {"cloud"}}, field: "global_image_type"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/image/scanner-policies"), query: tt.query})
			if a.status != 400 || a.str("error_code") != "HSS.0001" || !strings.Contains(a.str("error_msg"), tt.field) {
				t.Errorf("answer = %d %s", a.status, a.body)
			}
		})
	}
}
