package huawei_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/rows"
)

// vulnKeys is the neutral column set both clouds' vulnerability files come
// back with (tencent's tests pin the same list).
var vulnKeys = []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"}

// hssCall sends one AK/SK-signed request (the SDK's signer) to the emulator.
func hssCall(t *testing.T, s *huaweitest.Server, method, path string, q url.Values, body []byte) []byte {
	t.Helper()
	o := s.Options()
	b := request.NewHttpRequestBuilder().WithEndpoint(s.URL()).WithPath("/v5/"+o.ProjectID+path).WithMethod(method).
		AddHeaderParam("Content-Type", "application/json").AddHeaderParam("X-Project-Id", o.ProjectID)
	for k, vs := range q {
		for _, v := range vs {
			b.AddQueryParam(k, reflect.ValueOf(v))
		}
	}
	if body != nil {
		b.WithBody("body", string(body))
	}
	req := b.Build()
	signed, err := signer.Sign(req, o.AK, o.SK)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range signed {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s %v", method, path, resp.StatusCode, data, err)
	}
	return data
}

// TestVulnerabilitiesThroughEmulator runs the pieces the front door will
// join: a neutral request translated for HSS ExportVuls, accepted by the
// emulator (required export_size and category, known export_headers keys),
// polled with ListQueryExportTask, downloaded with ListDownloadExportedFile
// and read back with the neutral keys and values.
func TestVulnerabilitiesThroughEmulator(t *testing.T) {
	s := huaweitest.NewServer()
	defer s.Close()
	s.SetJobDuration(100 * time.Millisecond)

	req := export.Request{Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("level", "critical"), export.Eq("category", "linux")}}
	q, body, err := huawei.VulnerabilitiesCall(req, "")
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(hssCall(t, s, http.MethodPost, "/vul/export", q, body), &created); err != nil || created.TaskID == "" {
		t.Fatalf("ExportVuls answered %+v, %v", created, err)
	}
	var task struct {
		Status string `json:"task_status"`
		FileID string `json:"file_id"`
	}
	sawRunning := false
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := json.Unmarshal(hssCall(t, s, http.MethodGet, "/export-task/"+created.TaskID, nil, nil), &task); err != nil {
			t.Fatal(err)
		}
		if task.Status != "running" {
			break
		}
		sawRunning = true
		if time.Now().After(deadline) {
			t.Fatal("the task did not end in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !sawRunning || task.Status != "success" || task.FileID == "" {
		t.Fatalf("task = %+v (saw running: %v); want running, then success with a file_id", task, sawRunning)
	}
	header, data, err := rows.ReadAll(bytes.NewReader(hssCall(t, s, http.MethodGet, "/download/"+task.FileID, nil, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, data := huawei.HSSVulTable(header, data)
	if d := cmp.Diff(vulnKeys, keys); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	want := [][]string{
		{"openssh security update", "CVE-2024-6387", "critical", "linux", "unfixed", huaweitest.SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "openssh-server", "2024-07-02T06:00:00Z", "2026-11-28T21:06:40Z"},
		{"openssh security update", "CVE-2024-6387", "critical", "linux", "unfixed", huaweitest.SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "openssh-server", "2024-07-02T06:05:00Z", "2026-11-28T21:06:40Z"},
	}
	if d := cmp.Diff(want, data); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}
