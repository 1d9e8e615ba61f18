package tencent

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
)

// allStatus is the Status filter an absent neutral status sends.
var allStatus = cwpFilter{Name: "Status", Values: []string{"0", "1", "3", "5"}, ExactMatch: true}

func vulnReq(fs ...export.Filter) export.Request {
	return export.Request{Target: export.Vulnerabilities{}, Filters: fs}
}

// cwpBody checks req at the front door and builds the ExportVulList body
// from what the door handed over, as CreateExportJob does.
func cwpBody(req export.Request) (exportVulListRequest, error) {
	_, c, err := table.CheckRequest(req)
	if err != nil {
		return exportVulListRequest{}, err
	}
	return vulnListBody(c.Filters), nil
}

func TestVulnerabilitiesTranslation(t *testing.T) {
	one := uint64(1)
	cases := []struct {
		name string
		req  export.Request
		want []cwpFilter
	}{
		{"no filters: every status", vulnReq(), []cwpFilter{allStatus}},
		{"enterprise project is ignored", export.Request{Target: export.Vulnerabilities{EnterpriseProject: "ep-1"}}, []cwpFilter{allStatus}},
		{"category linux", vulnReq(export.Eq("category", "linux")), []cwpFilter{{"VulCategory", []string{"4"}, true}, allStatus}},
		{"category windows", vulnReq(export.Eq("category", "windows")), []cwpFilter{{"VulCategory", []string{"5"}, true}, allStatus}},
		{"category web_cms", vulnReq(export.Eq("category", "web_cms")), []cwpFilter{{"VulCategory", []string{"1"}, true}, allStatus}},
		{"category APP (any case)", vulnReq(export.Eq("category", "APP")), []cwpFilter{{"VulCategory", []string{"2"}, true}, allStatus}},
		{"category emergency is IfEmergency", vulnReq(export.Eq("category", "emergency")), []cwpFilter{{"IfEmergency", []string{"yes"}, true}, allStatus}},
		{"level critical", vulnReq(export.Eq("level", "critical")), []cwpFilter{{"Level", []string{"4"}, true}, allStatus}},
		{"levels high medium low", vulnReq(export.Eq("level", "high", "medium", "low")), []cwpFilter{{"Level", []string{"3", "2", "1"}, true}, allStatus}},
		{"status unfixed", vulnReq(export.Eq("status", "unfixed")), []cwpFilter{{"Status", []string{"0"}, true}}},
		{"status ignored fixed", vulnReq(export.Eq("status", "ignored", "fixed")), []cwpFilter{{"Status", []string{"1", "3"}, true}}},
		{"name Like", vulnReq(export.Like("name", "openssl")), []cwpFilter{{"VulName", []string{"openssl"}, false}, allStatus}},
		{"name Eq", vulnReq(export.Eq("name", "CVE-2024-6387 OpenSSH")), []cwpFilter{{"VulName", []string{"CVE-2024-6387 OpenSSH"}, true}, allStatus}},
		{"all four, in request order", vulnReq(export.Eq("status", "unfixed"), export.Like("name", "ssh"), export.Eq("level", "high"), export.Eq("category", "linux")),
			[]cwpFilter{{"Status", []string{"0"}, true}, {"VulName", []string{"ssh"}, false}, {"Level", []string{"3"}, true}, {"VulCategory", []string{"4"}, true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := cwpBody(c.req)
			if err != nil {
				t.Fatal(err)
			}
			want := exportVulListRequest{Filters: c.want, IfDetail: &one}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("request (-want +got):\n%s", d)
			}
		})
	}
}

// TestVulnerabilitiesWire pins the JSON body CWP receives, with the SDK's field names.
func TestVulnerabilitiesWire(t *testing.T) {
	req := vulnReq(export.Eq("category", "emergency"), export.Like("name", "ssh"))
	body, err := cwpBody(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Filters":[{"Name":"IfEmergency","Values":["yes"],"ExactMatch":true},{"Name":"VulName","Values":["ssh"],"ExactMatch":false},` +
		`{"Name":"Status","Values":["0","1","3","5"],"ExactMatch":true}],"IfDetail":1}`
	if string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

// TestCWPVulTitles reads a file header through package rows as Download
// hands it over: the Chinese and English titles of cwpVulTitles become
// neutral keys (ignoring case and surrounding space), others stay.
func TestCWPVulTitles(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"漏洞名称, CVE编号 ,危害等级,漏洞类型,处理状态,主机UUID,主机名称,主机IP,影响组件,首次发现时间,最近检测时间,修复建议",
			"name cve_id level category status host_id host_name host_ip component first_seen last_seen 修复建议"},
		{"vulnerability name,CVE ID,Threat Level,Vulnerability Type,Status,Host UUID,Host Name,Host IP,Component,First Detected,Last Detected",
			"name cve_id level category status host_id host_name host_ip component first_seen last_seen"},
	} {
		body := vocab.Describe(io.NopCloser(strings.NewReader(c.header+"\n")), fileTables[export.KindVulnerabilities])
		header, _, err := rows.ReadAll(body, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(strings.Fields(c.want), header); d != "" {
			t.Errorf("keys (-want +got):\n%s", d)
		}
	}
}

func TestVulnStatus(t *testing.T) {
	s := func(v string) *string { return &v }
	job := export.Job{Provider: Name, Service: serviceCWP, Kind: export.KindVulnerabilities, ID: "10001"}
	url := "https://cwp-1258344000.cos.ap-guangzhou.myqcloud.com/export/vul-10001.xlsx?sign=secret"
	cases := []struct {
		name string
		in   exportTasksResponse
		want export.Status
	}{
		{"pending", exportTasksResponse{Status: s("PENDING")}, export.Status{Job: job, State: export.StateRunning, Progress: -1}},
		{"finished with FileName", exportTasksResponse{Status: s("FINISHED"), DownloadUrl: s(url), FileName: s("vuls.xlsx")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: "vuls.xlsx", URL: url}}}},
		{"finished, name from the URL", exportTasksResponse{Status: s("finished"), DownloadUrl: s(url), FileName: s("../漏洞.xlsx")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: "vul-10001.xlsx", URL: url}}}},
		{"finished without a URL", exportTasksResponse{Status: s("FINISHED")},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Message: "CWP reported FINISHED without a DownloadUrl"}},
		{"error", exportTasksResponse{Status: s("ERROR")},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "CWP export task ended in ERROR (CWP gives no reason)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := vulnStatus(job, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
		})
	}
	_, err := vulnStatus(job, exportTasksResponse{Status: s("DONE"), RequestId: "r-1"})
	if errs.CodeOf(err) != errs.Internal || !strings.Contains(err.Error(), "PENDING, FINISHED, ERROR") || !strings.Contains(err.Error(), "r-1") {
		t.Errorf("unknown status: %v; want Internal naming the documented states and the request id", err)
	}
}

// TestCWPAnswersDecode checks the answer structs read the vendor's JSON
// (the shapes of the API reference examples).
func TestCWPAnswersDecode(t *testing.T) {
	var created exportVulListResponse
	if err := json.Unmarshal([]byte(`{"DownloadUrl":"https://cwp-1258344000.cos.ap-guangzhou.myqcloud.com/file.txt","RequestId":"be6f6eec","TaskId":"10001"}`), &created); err != nil {
		t.Fatal(err)
	}
	if created.TaskId == nil || *created.TaskId != "10001" || created.RequestId != "be6f6eec" {
		t.Errorf("ExportVulList answer = %+v", created)
	}
	b, _ := json.Marshal(exportTasksRequest{TaskId: "10001"})
	if string(b) != `{"TaskId":"10001"}` {
		t.Errorf("ExportTasks body = %s", b)
	}
	var set HostVulScanSetting
	if err := json.Unmarshal([]byte(`{"VulCategories":"1,2,4","VulLevels":"3,4","TimerInterval":3,"TimerTime":"02:30","VulEmergency":1,
		"StartTime":"00:00","EnableScan":1,"EndTime":"06:00:00","ClickTimeout":1800,"Uuids":["u-1"],"ScanMethod":2,"RequestId":"r"}`), &set); err != nil {
		t.Fatal(err)
	}
	if set.TimerInterval != 3 || set.ScanMethod != 2 || len(set.Uuids) != 1 || set.EndTime != "06:00:00" {
		t.Errorf("DescribeScanVulSetting answer = %+v", set)
	}
}

func TestHostVulScanSettingSchedule(t *testing.T) {
	cases := []struct {
		name string
		in   HostVulScanSetting
		want scan.Schedule
		cats []string
		lvls []string
	}{
		{"every 3 days at 02:30 on two hosts, window until 06:00",
			HostVulScanSetting{VulCategories: "1,2,4", VulLevels: "3,4", TimerInterval: 3, TimerTime: "2:30", VulEmergency: 1,
				StartTime: "00:00", EnableScan: 1, EndTime: "06:00:00", Uuids: []string{"u-1", "u-2"}},
			scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities, Enabled: true, Period: scan.Period{Every: 3, Unit: scan.Day},
				At: "02:30", Until: "06:00", Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeSelected, HostIDs: []string{"u-1", "u-2"}},
			[]string{"web_cms", "app", "linux", "emergency"}, []string{"high", "critical"}},
		{"off, all hosts, unknown numbers kept, EndTime a date is left out",
			HostVulScanSetting{VulCategories: "5, 9", VulLevels: "1,2,7", TimerInterval: 1, TimerTime: "noon", EnableScan: 0, EndTime: "2026-11-28 06:00:00"},
			scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities, Period: scan.Period{Every: 1, Unit: scan.Day},
				At: "noon", Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeAll},
			[]string{"windows", "9"}, []string{"low", "medium", "7"}},
		{"interval past int is no Period", HostVulScanSetting{TimerInterval: 1<<63 + 1},
			scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities, Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeAll}, nil, nil},
		{"empty answer", HostVulScanSetting{},
			scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities, Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeAll}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, c.in.Schedule()); d != "" {
				t.Errorf("Schedule (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.cats, c.in.Categories()); d != "" {
				t.Errorf("Categories (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.lvls, c.in.Levels()); d != "" {
				t.Errorf("Levels (-want +got):\n%s", d)
			}
		})
	}
}

func TestCWPVulCell(t *testing.T) {
	for _, c := range []struct{ key, cell, want string }{
		{"level", "严重", "critical"}, {"level", "高危", "high"}, {"level", "3", "high"}, {"level", "提示", "提示"},
		{"category", "Linux软件漏洞", "linux"}, {"category", "应用漏洞", "app"}, {"category", "Windows系统漏洞", "windows"},
		{"status", "待处理", "unfixed"}, {"status", "已忽略", "ignored"}, {"status", "检测中", "checking"},
		{"first_seen", "2024-07-02 10:00:00", "2024-07-02T02:00:00Z"}, {"last_seen", " 2019-05-15 08:00:00 ", "2019-05-15T00:00:00Z"},
		{"last_seen", "yesterday", "yesterday"}, {"first_seen", "", ""},
		{"name", "严重", "严重"}, {"host_ip", "10.0.1.11", "10.0.1.11"},
	} {
		if got := cwpVulCell(c.key, c.cell); got != c.want {
			t.Errorf("cwpVulCell(%q, %q) = %q; want %q", c.key, c.cell, got, c.want)
		}
	}
}

// TestCreateVulnsWire pins what CreateExportJob sends CWP and the job it
// returns: ExportVulList, version 2018-02-28, the translated filters.
func TestCreateVulnsWire(t *testing.T) {
	f := newFake(t)
	f.on(actionExportVulList, answer{response: map[string]any{"TaskId": "10001", "DownloadUrl": "deprecated"}})
	job, err := f.provider().CreateExportJob(context.Background(), vulnReq(export.Eq("level", "critical", "high"), export.Eq("status", "unfixed")))
	if err != nil {
		t.Fatal(err)
	}
	if job.Provider != Name || job.Service != serviceCWP || job.Kind != export.KindVulnerabilities || job.ID != "10001" {
		t.Errorf("job = %+v", job)
	}
	body, _ := f.last(actionExportVulList)
	want := map[string]any{"Filters": []any{
		map[string]any{"Name": "Level", "Values": []any{"4", "3"}, "ExactMatch": true},
		map[string]any{"Name": "Status", "Values": []any{"0"}, "ExactMatch": true},
	}, "IfDetail": float64(1)}
	if d := cmp.Diff(want, body); d != "" {
		t.Errorf("ExportVulList body (-want +got):\n%s", d)
	}
	if h := f.lastHeader(actionExportVulList); h.Get("X-TC-Version") != "2018-02-28" {
		t.Errorf("X-TC-Version = %q; want 2018-02-28", h.Get("X-TC-Version"))
	}
	if _, err := f.provider().CreateExportJob(context.Background(), export.Request{Target: export.Vulnerabilities{}, DryRun: true}); err != nil || f.count() != 1 {
		t.Errorf("DryRun: err %v, %d requests; want nil and nothing more sent", err, f.count())
	}
}
