package huaweitest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/cloudexport/cloudexport/rows"
)

// vulQuery is the required ExportVuls query plus extra name/value pairs.
func vulQuery(extra ...string) url.Values {
	q := url.Values{"export_size": {"100"}, "category": {"vul"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

const vulNameHeaders = `{"export_headers":[["vul_name","Name"],["host_name","Host"]]}`

func TestExportVulsValidation(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name  string
		query url.Values
		body  string
		want  string // a part of error_msg; "" = accepted
	}{
		{"no export_size", url.Values{"category": {"vul"}}, vulNameHeaders, "export_size is required"},
		{"export_size 0", vulQuery("export_size", "0"), vulNameHeaders, "export_size must be"},
		{"export_size too big", vulQuery("export_size", "100001"), vulNameHeaders, "export_size must be"},
		{"no category", url.Values{"export_size": {"10"}}, vulNameHeaders, "category is required"},
		{"bad category", vulQuery("category", "cve"), vulNameHeaders, "category must be one of vul, host"},
		{"bad type", vulQuery("type", "linux"), vulNameHeaders, "type must be one of"},
		{"bad repair_priority", vulQuery("repair_priority", "Critical,Urgent"), vulNameHeaders, "repair_priority must be"},
		{"bad status", vulQuery("status", "fixed"), vulNameHeaders, "status must be one of"},
		{"bad handle_status", vulQuery("handle_status", "done"), vulNameHeaders, "handle_status must be"},
		{"long vul_name", vulQuery("vul_name", strings.Repeat("n", 257)), vulNameHeaders, "vul_name must be"},
		{"negative offset", vulQuery("offset", "-1"), vulNameHeaders, "offset must be"},
		{"unknown query parameter", vulQuery("severity", "high"), vulNameHeaders, "unknown query parameter severity"},
		{"bad enterprise project", vulQuery("enterprise_project_id", ""), vulNameHeaders, "enterprise_project_id"},
		{"no body", vulQuery(), "", "the request body is required"},
		{"no headers", vulQuery(), `{"export_headers":[]}`, "export_headers must list"},
		{"unknown body field", vulQuery(), `{"export_headers":[["vul_name","N"]],"limit":1}`, "malformed request body"},
		{"a header is not a pair", vulQuery(), `{"export_headers":[["vul_name"]]}`, "export_headers[0] must be a [key, header] pair"},
		{"unknown key", vulQuery(), `{"export_headers":[["vul_name","N"],["cvss","CVSS"]]}`, "export_headers[1] key \"cvss\" is not one of app_name, cve_id, first_scan_time"},
		{"empty title", vulQuery(), `{"export_headers":[["vul_name",""]]}`, "header must be 1-256"},
		{"every filter", vulQuery("type", "urgent_vul", "repair_priority", "Critical,High", "status", "vul_status_unfix", "handle_status", "unhandled",
			"vul_name", "ssh", "cve_id", "CVE-2024-6387", "enterprise_project_id", "all_granted_eps", "offset", "0", "limit", "10"), vulNameHeaders, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: tt.query, body: tt.body})
			if tt.want == "" {
				if a.status != http.StatusOK || a.str("task_id") == "" {
					t.Errorf("answer = %d %s; want 200 with a task_id", a.status, a.body)
				}
				return
			}
			if a.status != http.StatusBadRequest || a.str("error_code") != codeHSSInvalid || !strings.Contains(a.str("error_msg"), tt.want) {
				t.Errorf("answer = %d %s; want 400 %s mentioning %q", a.status, a.body, codeHSSInvalid, tt.want)
			}
		})
	}
}

// exportVulRows runs one ExportVuls task to its end and returns the file's
// rows, header first.
func exportVulRows(t *testing.T, s *Server, q url.Values, headers [][]string) [][]string {
	t.Helper()
	body := sdkBody(t, &model.ExportVulRequestBody{ExportHeaders: headers})
	var created model.ExportVulsResponse
	decode(t, mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: q, body: body}), &created)
	if created.TaskId == nil || *created.TaskId == "" {
		t.Fatal("no task_id")
	}
	var task model.ListQueryExportTaskResponse
	waitFor(t, "export task end", func() bool {
		decode(t, mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+*created.TaskId)}), &task)
		return *task.TaskStatus != "running"
	})
	if *task.TaskStatus != "success" || task.FileId == nil {
		t.Fatalf("task = %v", task)
	}
	f := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/download/"+*task.FileId)})
	if f.status != 200 {
		t.Fatalf("download: %d %s", f.status, f.body)
	}
	rd, err := rows.NewReader(strings.NewReader(string(f.body)), nil)
	if err != nil {
		t.Fatalf("file: %v", err)
	}
	defer rd.Close()
	out := [][]string{}
	for rd.Next() {
		if rd.Member() != "Vulnerabilities" {
			t.Fatalf("row from sheet %q; want the one sheet Vulnerabilities", rd.Member())
		}
		if len(out) == 0 {
			out = append(out, append([]string(nil), rd.Header()...))
		}
		out = append(out, append([]string(nil), rd.Row()...))
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("file: %v", err)
	}
	if len(out) == 0 { // a header and no rows
		out = append(out, append([]string(nil), rd.Header()...))
	}
	return out
}

func TestExportVulsFile(t *testing.T) {
	s := newTestServer(t)
	all := [][]string{
		{"vul_name", "Vulnerability Name"}, {"cve_id", "CVE ID"}, {"repair_priority", "Level"}, {"type", "Category"},
		{"status", "Status"}, {"host_id", "Host ID"}, {"host_name", "Host Name"}, {"host_ip", "Host IP"},
		{"app_name", "Component"}, {"first_scan_time", "First Seen"}, {"scan_time", "Last Seen"},
	}
	got := exportVulRows(t, s, vulQuery("repair_priority", "Critical", "status", "vul_status_unfix"), all)
	want := [][]string{
		{"Vulnerability Name", "CVE ID", "Level", "Category", "Status", "Host ID", "Host Name", "Host IP", "Component", "First Seen", "Last Seen"},
		{"openssh security update", "CVE-2024-6387", "Critical", "linux_vul", "vul_status_unfix", SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "openssh-server", "1719900000000", "1795900000000"},
		{"openssh security update", "CVE-2024-6387", "Critical", "linux_vul", "vul_status_unfix", SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "openssh-server", "1719900300000", "1795900000000"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
}

func TestExportVulsFilters(t *testing.T) {
	s := newTestServer(t)
	headers := [][]string{{"vul_name", "漏洞名称"}, {"host_name", "Host"}}
	tests := []struct {
		name  string
		query url.Values
		want  [][]string
	}{
		{"default project: six findings", vulQuery(), [][]string{{"漏洞名称", "Host"},
			{"openssh security update", "ecs-web-01"}, {"openssh security update", "ecs-db-01"}, {"glibc security update", "ecs-web-01"},
			{"Apache Log4j2 remote code execution", "ecs-db-01"}, {"WordPress stored XSS", "ecs-web-01"}, {"bash information disclosure", "ecs-db-01"}}},
		{"urgent_vul spans types", vulQuery("type", "urgent_vul", "enterprise_project_id", "all_granted_eps"), [][]string{{"漏洞名称", "Host"},
			{"openssh security update", "ecs-web-01"}, {"openssh security update", "ecs-db-01"}, {"Apache Log4j2 remote code execution", "ecs-db-01"}}},
		{"windows in ep-edge", vulQuery("type", "windows_vul", "enterprise_project_id", "ep-edge"), [][]string{{"漏洞名称", "Host"},
			{"Remote Desktop Services remote code execution", "ecs-win-01"}}},
		{"priorities as a list", vulQuery("repair_priority", "Medium,Low"), [][]string{{"漏洞名称", "Host"},
			{"WordPress stored XSS", "ecs-web-01"}, {"bash information disclosure", "ecs-db-01"}}},
		{"handled", vulQuery("handle_status", "handled"), [][]string{{"漏洞名称", "Host"},
			{"glibc security update", "ecs-web-01"}, {"Apache Log4j2 remote code execution", "ecs-db-01"}}},
		{"name part and cve", vulQuery("vul_name", "ssh", "cve_id", "CVE-2024-6387"), [][]string{{"漏洞名称", "Host"},
			{"openssh security update", "ecs-web-01"}, {"openssh security update", "ecs-db-01"}}},
		{"by host, offset and size", vulQuery("category", "host", "offset", "1", "export_size", "2"), [][]string{{"漏洞名称", "Host"},
			{"glibc security update", "ecs-web-01"}, {"WordPress stored XSS", "ecs-web-01"}}},
		{"nothing", vulQuery("status", "vul_status_failed"), [][]string{{"漏洞名称", "Host"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, exportVulRows(t, s, tt.query, headers)); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
}

func TestExportVulsProgressAndFailure(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(time.Hour)
	a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders})
	task := mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+a.str("task_id"))})
	if task.str("task_status") != "running" || task.str("file_id") != "" {
		t.Errorf("a new task = %s; want running without file_id", task.body)
	}
	s.SetJobDuration(0)
	s.FailJobs("disk full")
	b := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders})
	task = mustDo(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+b.str("task_id"))})
	if task.str("task_status") != "failure" || task.str("file_id") != "" {
		t.Errorf("a failed task = %s; want failure without file_id", task.body)
	}
}

func TestExportVulsSignatureRequired(t *testing.T) {
	s := newTestServer(t)
	for _, r := range []raw{
		{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders, sk: "not-the-secret"},
		{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders, ak: "NOSUCHAK"},
	} {
		a := mustDo(t, s, r)
		if a.status != http.StatusUnauthorized || a.str("error_code") != codeAuth {
			t.Errorf("answer = %d %s; want 401 %s", a.status, a.body, codeAuth)
		}
	}
	s.mu.Lock()
	n := len(s.exports)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d tasks after unsigned requests; want none", n)
	}
	if rec, ok := s.LastRequest("ExportVuls"); !ok || rec.Query.Get("category") != "vul" || rec.Header.Get("Authorization") != "" {
		t.Errorf("LastRequest = %+v, %v; want the request without its Authorization", rec, ok)
	}
}

func TestExportVulsFault(t *testing.T) {
	s := newTestServer(t)
	s.Inject(Fault{Action: "ExportVuls", Kind: Throttle})
	a := mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders})
	if a.status != http.StatusTooManyRequests || a.str("error_code") != codeThrottle {
		t.Errorf("answer = %d %s; want 429 %s", a.status, a.body, codeThrottle)
	}
	a = mustDo(t, s, raw{method: "POST", path: hssPath(s, "/vul/export"), query: vulQuery(), body: vulNameHeaders})
	if a.status != http.StatusOK {
		t.Errorf("after the fault: %d %s", a.status, a.body)
	}
}
