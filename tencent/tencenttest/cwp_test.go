package tencenttest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// allStatus is the Status filter that keeps every finding.
var allStatus = filter("Status", true, "0", "1", "3", "5")

func TestExportVulListValidation(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"no filters: Status is required", map[string]any{}, "InvalidParameter.MissingParameter"},
		{"no Status filter", map[string]any{"Filters": []any{filter("Level", true, "4")}}, "InvalidParameter.MissingParameter"},
		{"Status alone", map[string]any{"Filters": []any{allStatus}}, ""},
		{"bad Status", map[string]any{"Filters": []any{filter("Status", true, "6")}}, "InvalidParameterValue"},
		{"bad Level", map[string]any{"Filters": []any{allStatus, filter("Level", true, "HIGH")}}, "InvalidParameterValue"},
		{"bad VulCategory", map[string]any{"Filters": []any{allStatus, filter("VulCategory", true, "3")}}, "InvalidParameterValue"},
		{"bad IfEmergency", map[string]any{"Filters": []any{allStatus, filter("IfEmergency", true, "no")}}, "InvalidParameterValue"},
		{"unknown filter", map[string]any{"Filters": []any{allStatus, filter("CveId", true, "CVE-2024-6387")}}, "InvalidParameterValue"},
		{"filter without values", map[string]any{"Filters": []any{allStatus, filter("Level", true)}}, "InvalidParameterValue"},
		{"filter without name", map[string]any{"Filters": []any{allStatus, map[string]any{"Values": []string{"1"}}}}, "InvalidParameter.MissingParameter"},
		{"IfDetail 2", map[string]any{"Filters": []any{allStatus}, "IfDetail": 2}, "InvalidParameterValue"},
		{"IfDetail a string", map[string]any{"Filters": []any{allStatus}, "IfDetail": "1"}, "InvalidParameter"},
		{"unknown key", map[string]any{"Filters": []any{allStatus}, "Limit": 10}, "UnknownParameter"},
		{"every filter", map[string]any{"IfDetail": 1, "Filters": []any{allStatus, filter("Level", true, "1", "4"),
			filter("VulCategory", true, "4"), filter("IfEmergency", true, "yes"), filter("VulName", false, "SSH")}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := send(context.Background(), c, "cwp", "ExportVulList", tt.params)
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

// vulTask is ExportTasks' answer.
type vulTask struct {
	Status      string
	DownloadUrl *string
	FileName    *string
}

// exportVuls starts a CWP export and returns its TaskId.
func exportVuls(t *testing.T, s *Server, params map[string]any) string {
	t.Helper()
	var out struct {
		TaskId      string
		DownloadUrl *string
	}
	mustSend(t, newClient(t, s), "cwp", "ExportVulList", params, &out)
	if out.TaskId == "" {
		t.Fatal("ExportVulList answered no TaskId")
	}
	if out.DownloadUrl != nil {
		t.Errorf("ExportVulList answered the deprecated DownloadUrl %q; want null", *out.DownloadUrl)
	}
	return out.TaskId
}

func waitVulTask(t *testing.T, s *Server, id string) vulTask {
	t.Helper()
	c := newClient(t, s)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var r vulTask
		mustSend(t, c, "cwp", "ExportTasks", map[string]any{"TaskId": id}, &r)
		if r.Status != "PENDING" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still PENDING after 10s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestExportVulListProgressAndFile(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(150 * time.Millisecond)
	id := exportVuls(t, s, map[string]any{"IfDetail": 1, "Filters": []any{filter("Level", true, "4"), filter("Status", true, "0")}})

	var first vulTask
	mustSend(t, newClient(t, s), "cwp", "ExportTasks", map[string]any{"TaskId": id}, &first)
	if first.Status != "PENDING" || first.DownloadUrl != nil {
		t.Errorf("right after creation: %+v; want PENDING without DownloadUrl", first)
	}
	done := waitVulTask(t, s, id)
	if done.Status != "FINISHED" || done.DownloadUrl == nil || done.FileName == nil || *done.FileName != "漏洞列表-"+id+".xlsx" {
		t.Fatalf("finished task = %+v; want FINISHED with DownloadUrl and FileName", done)
	}
	got := download(t, s, *done.DownloadUrl)
	want := [][]string{
		CWPColumnTitles(true),
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "严重", "Linux软件漏洞", "待处理", SeedHostWeb, "web-01", "10.0.1.11", "openssh-server 8.0p1", "2024-07-02 10:00:00", "2026-11-27 03:00:00"},
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "严重", "Linux软件漏洞", "待处理", SeedHostDB, "db-01", "10.0.2.21", "openssh-server 8.0p1", "2024-07-02 10:05:00", "2026-11-27 03:00:00"},
		{"Windows远程桌面服务远程代码执行漏洞(CVE-2019-0708)", "CVE-2019-0708", "严重", "Windows系统漏洞", "待处理", SeedHostWin, "win-01", "10.0.3.31", "Remote Desktop Services", "2019-05-15 08:00:00", "2026-11-27 03:00:00"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
}

func TestExportVulListFilters(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0)
	names := func(params map[string]any) [][]string {
		r := waitVulTask(t, s, exportVuls(t, s, params))
		rows := download(t, s, *r.DownloadUrl)
		out := make([][]string, len(rows))
		for i, row := range rows {
			out[i] = []string{row[0], row[4]}
		}
		return out
	}
	head := []string{"漏洞名称", "处理状态"}
	tests := []struct {
		name   string
		params map[string]any
		want   [][]string
	}{
		{"emergency, unfixed or ignored", map[string]any{"IfDetail": 1, "Filters": []any{filter("IfEmergency", true, "yes"), filter("Status", true, "0", "1")}}, [][]string{
			head,
			{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "待处理"},
			{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "待处理"},
			{"Apache Log4j2远程代码执行漏洞(CVE-2021-44228)", "已忽略"},
		}},
		{"web-cms and a name part", map[string]any{"IfDetail": 1, "Filters": []any{allStatus, filter("VulCategory", true, "1"), filter("VulName", false, "WordPress")}}, [][]string{
			head, {"WordPress跨站脚本漏洞", "待处理"},
		}},
		{"low, being checked", map[string]any{"IfDetail": 1, "Filters": []any{filter("Level", true, "1"), filter("Status", true, "5")}}, [][]string{
			head, {"bash信息泄露漏洞", "检测中"},
		}},
		{"nothing matches", map[string]any{"IfDetail": 1, "Filters": []any{filter("VulCategory", true, "2"), filter("Status", true, "3")}}, [][]string{head}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, names(tt.params)); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
	t.Run("without detail: one row per vulnerability, no host columns", func(t *testing.T) {
		r := waitVulTask(t, s, exportVuls(t, s, map[string]any{"Filters": []any{allStatus}}))
		rows := download(t, s, *r.DownloadUrl)
		if d := cmp.Diff(CWPColumnTitles(false), rows[0]); d != "" {
			t.Errorf("header (-want +got):\n%s", d)
		}
		if len(rows) != 1+6 { // seven findings of six vulnerabilities
			t.Errorf("%d rows, want 6 (one per vulnerability): %v", len(rows)-1, rows[1:])
		}
	})
}

func TestExportTasksErrors(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.SetJobDuration(0)
	jobID := createJob(t, c, map[string]any{"ImageID": SeedImageID}) // a TCSS job is not a CWP task
	for _, tt := range []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"no TaskId", map[string]any{}, "InvalidParameter.MissingParameter"},
		{"unknown TaskId", map[string]any{"TaskId": "99999"}, "ResourceNotFound"},
		{"a TCSS JobId", map[string]any{"TaskId": jobID}, "ResourceNotFound"},
		{"TaskId a number", map[string]any{"TaskId": 10001}, "InvalidParameter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := send(context.Background(), c, "cwp", "ExportTasks", tt.params)
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

func TestExportVulListFailedJob(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0)
	s.FailJobs("disk full")
	r := waitVulTask(t, s, exportVuls(t, s, map[string]any{"Filters": []any{allStatus}}))
	if r.Status != "ERROR" || r.DownloadUrl != nil {
		t.Errorf("failed task = %+v; want ERROR without DownloadUrl", r)
	}
}

func TestCWPSignatureRequired(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		name  string
		tweak func(*clientConfig)
		want  string
	}{
		{"wrong secret key", func(c *clientConfig) { c.secretKey = "not-the-key" }, "AuthFailure.SignatureFailure"},
		{"unknown secret id", func(c *clientConfig) { c.secretID = "AKIDunknown" }, "AuthFailure.SecretIdNotFound"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Requests()
			_, err := send(context.Background(), newClient(t, s, tt.tweak), "cwp", "ExportVulList", map[string]any{"Filters": []any{allStatus}})
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
			if s.Requests() != before+1 {
				t.Errorf("requests went from %d to %d; want one more", before, s.Requests())
			}
		})
	}
	s.mu.Lock()
	n := len(s.jobs)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d jobs exist after unsigned requests; want none", n)
	}
}

func TestCWPWrongVersionAndAction(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	if _, err := send(context.Background(), c, "cwp", "DescribeVulList", nil); codeOf(err) != "InvalidAction" {
		t.Errorf("unknown action: %v; want InvalidAction", err)
	}
	versions["cwp"] = TCSSVersion
	defer func() { versions["cwp"] = CWPVersion }()
	if _, err := send(context.Background(), c, "cwp", "ExportTasks", map[string]any{"TaskId": "1"}); codeOf(err) != "NoSuchVersion" {
		t.Errorf("TCSS's version on cwp: %v; want NoSuchVersion", err)
	}
}

func TestDescribeScanVulSetting(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	var got ScanVulSetting
	mustSend(t, c, "cwp", "DescribeScanVulSetting", nil, &got)
	if d := cmp.Diff(seedScanVulSetting(), got); d != "" {
		t.Errorf("seeded setting (-want +got):\n%s", d)
	}
	set := ScanVulSetting{VulCategories: "4", VulLevels: "3,4", TimerInterval: 7, TimerTime: "23:15", EnableScan: 0}
	s.SetScanVulSetting(set)
	got = ScanVulSetting{}
	mustSend(t, c, "cwp", "DescribeScanVulSetting", nil, &got)
	set.Uuids = []string{} // sent as [] rather than null
	if d := cmp.Diff(set, got); d != "" {
		t.Errorf("set setting (-want +got):\n%s", d)
	}
	if _, err := send(context.Background(), c, "cwp", "DescribeScanVulSetting", map[string]any{"Uuids": []string{}}); codeOf(err) != "UnknownParameter" {
		t.Errorf("a parameter: %v; want UnknownParameter", err)
	}
}

func TestCWPFaults(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.Inject(Fault{Action: "ExportVulList", Kind: Throttle})
	if _, err := send(context.Background(), c, "cwp", "ExportVulList", map[string]any{"Filters": []any{allStatus}}); codeOf(err) != "RequestLimitExceeded" {
		t.Errorf("throttled: %v; want RequestLimitExceeded", err)
	}
	if _, err := send(context.Background(), c, "cwp", "ExportVulList", map[string]any{"Filters": []any{allStatus}}); err != nil {
		t.Errorf("after the fault: %v", err)
	}
	if rec, ok := s.LastRequest("ExportVulList"); !ok || rec.Header.Get("X-TC-Version") != CWPVersion {
		t.Errorf("recorded request = %+v, %v; want one with X-TC-Version %s", rec, ok, CWPVersion)
	}
}
