package tencent_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// vulnKeys is the neutral column set both clouds' vulnerability files come
// back with (huawei's tests pin the same list).
var vulnKeys = []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"}

// cwpCall sends one signed CWP action to the emulator with the SDK's common
// client and returns the content of "Response".
func cwpCall(t *testing.T, s *tencenttest.Server, action string, body []byte) []byte {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	id, key := s.Credentials()
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = u.Host
	c := common.NewCommonClient(common.NewCredential(id, key), tencenttest.Region, cpf)
	req := tchttp.NewCommonRequest("cwp", tencenttest.CWPVersion, action)
	if err := req.SetActionParameters(string(body)); err != nil {
		t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		t.Fatal(err)
	}
	return env.Response
}

// TestVulnerabilitiesThroughEmulator runs the pieces the front door will
// join: a neutral request translated for CWP, accepted by the emulator
// (which requires the Status filter the translation adds), polled to an end,
// downloaded and read back with the neutral keys and values.
func TestVulnerabilitiesThroughEmulator(t *testing.T) {
	s := tencenttest.NewServer()
	defer s.Close()
	s.SetJobDuration(100 * time.Millisecond)

	req := export.Request{Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("level", "critical"), export.Eq("category", "linux")}}
	body, err := tencent.VulnerabilitiesBody(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ TaskId string }
	if err := json.Unmarshal(cwpCall(t, s, "ExportVulList", body), &created); err != nil || created.TaskId == "" {
		t.Fatalf("ExportVulList answered %+v, %v", created, err)
	}
	job := export.Job{Provider: tencent.Name, Service: "cwp", Kind: export.KindVulnerabilities, ID: created.TaskId}
	taskBody, _ := json.Marshal(map[string]string{"TaskId": created.TaskId})
	var st export.Status
	sawRunning := false
	for deadline := time.Now().Add(10 * time.Second); ; {
		st, err = tencent.VulnStatus(job, cwpCall(t, s, "ExportTasks", taskBody))
		if err != nil {
			t.Fatal(err)
		}
		if st.Done() {
			break
		}
		sawRunning = true
		if time.Now().After(deadline) {
			t.Fatal("the task did not end in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !sawRunning || st.State != export.StateSucceeded || len(st.Files) != 1 {
		t.Fatalf("status = %+v (saw running: %v); want running, then succeeded with one file", st, sawRunning)
	}

	resp, err := s.Options().HTTPClient.Get(st.Files[0].URL) // closed with the server
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	header, data, err := rows.ReadAll(resp.Body, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, data := tencent.CWPVulTable(header, data)
	if d := cmp.Diff(vulnKeys, keys); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	want := [][]string{
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "critical", "linux", "unfixed", tencenttest.SeedHostWeb, "web-01", "10.0.1.11", "openssh-server 8.0p1", "2024-07-02T02:00:00Z", "2026-11-26T19:00:00Z"},
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "critical", "linux", "unfixed", tencenttest.SeedHostDB, "db-01", "10.0.2.21", "openssh-server 8.0p1", "2024-07-02T02:05:00Z", "2026-11-26T19:00:00Z"},
	}
	if d := cmp.Diff(want, data); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestHostVulScheduleThroughEmulator(t *testing.T) {
	s := tencenttest.NewServer()
	defer s.Close()
	set, err := tencent.ScanSetting(cwpCall(t, s, "DescribeScanVulSetting", []byte("{}")))
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Schedule{Provider: tencent.Name, Kind: scan.HostVulnerabilities, Enabled: true, Period: scan.Period{Every: 3, Unit: scan.Day},
		At: "02:30", Until: "06:00", Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeSelected,
		HostIDs: []string{tencenttest.SeedHostWeb, tencenttest.SeedHostDB}}
	if d := cmp.Diff(want, set.Schedule()); d != "" {
		t.Errorf("schedule (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"web_cms", "app", "linux", "windows", "emergency"}, set.Categories()); d != "" {
		t.Errorf("categories (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"low", "medium", "high", "critical"}, set.Levels()); d != "" {
		t.Errorf("levels (-want +got):\n%s", d)
	}
}
