package huawei

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/rows"
)

// defaultVulHeaders is export_headers for the default columns.
var defaultVulHeaders = [][]string{
	{"vul_name", "Vulnerability Name"}, {"cve_id", "CVE ID"}, {"repair_priority", "Level"}, {"type", "Category"},
	{"status", "Status"}, {"host_id", "Host ID"}, {"host_name", "Host Name"}, {"host_ip", "Host IP"},
	{"app_name", "Component"}, {"first_scan_time", "First Seen"}, {"scan_time", "Last Seen"},
}

func vulnReq(fs ...export.Filter) export.Request {
	return export.Request{Target: export.Vulnerabilities{}, Filters: fs}
}

// hssRequest checks req at the front door and builds the ExportVuls call
// from what the door handed over, as CreateExportJob does.
func hssRequest(t export.Vulnerabilities, req export.Request, defaultEP string) (vulnExport, error) {
	req.Target = t
	_, c, err := table.CheckRequest(req)
	if err != nil {
		return vulnExport{}, err
	}
	return vulnerabilitiesRequest(t, req, c, defaultEP)
}

// vq is the ExportVuls query for the defaults plus extra name/value pairs.
func vq(extra ...string) url.Values {
	q := url.Values{"category": {"vul"}, "export_size": {"100000"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func TestVulnerabilitiesTranslation(t *testing.T) {
	cases := []struct {
		name      string
		target    export.Vulnerabilities
		defaultEP string
		req       export.Request
		query     url.Values
		headers   [][]string
	}{
		{"defaults: category vul, export_size 100000, all 11 columns", export.Vulnerabilities{}, "", vulnReq(), vq(), defaultVulHeaders},
		{"category linux", export.Vulnerabilities{}, "", vulnReq(export.Eq("category", "linux")), vq("type", "linux_vul"), defaultVulHeaders},
		{"category windows", export.Vulnerabilities{}, "", vulnReq(export.Eq("category", "windows")), vq("type", "windows_vul"), defaultVulHeaders},
		{"category web_cms", export.Vulnerabilities{}, "", vulnReq(export.Eq("category", "web_cms")), vq("type", "web_cms"), defaultVulHeaders},
		{"category app", export.Vulnerabilities{}, "", vulnReq(export.Eq("category", "app")), vq("type", "app_vul"), defaultVulHeaders},
		{"category EMERGENCY", export.Vulnerabilities{}, "", vulnReq(export.Eq("category", "EMERGENCY")), vq("type", "urgent_vul"), defaultVulHeaders},
		{"level critical", export.Vulnerabilities{}, "", vulnReq(export.Eq("level", "critical")), vq("repair_priority", "Critical"), defaultVulHeaders},
		{"levels as one comma list", export.Vulnerabilities{}, "", vulnReq(export.Eq("level", "critical", "high", "medium", "low")),
			vq("repair_priority", "Critical,High,Medium,Low"), defaultVulHeaders},
		{"status unfixed", export.Vulnerabilities{}, "", vulnReq(export.Eq("status", "unfixed")), vq("status", "vul_status_unfix"), defaultVulHeaders},
		{"status ignored", export.Vulnerabilities{}, "", vulnReq(export.Eq("status", "ignored")), vq("status", "vul_status_ignored"), defaultVulHeaders},
		{"status fixed", export.Vulnerabilities{}, "", vulnReq(export.Eq("status", "fixed")), vq("status", "vul_status_fixed"), defaultVulHeaders},
		{"name Like", export.Vulnerabilities{}, "", vulnReq(export.Like("name", "openssh")), vq("vul_name", "openssh"), defaultVulHeaders},
		{"cve_id", export.Vulnerabilities{}, "", vulnReq(export.Eq("cve_id", "cve-2024-6387")), vq("cve_id", "cve-2024-6387"), defaultVulHeaders},
		{"limit and offset", export.Vulnerabilities{}, "", export.Request{Target: export.Vulnerabilities{}, Limit: 500, Offset: 1000},
			url.Values{"category": {"vul"}, "export_size": {"500"}, "offset": {"1000"}}, defaultVulHeaders},
		{"target enterprise project", export.Vulnerabilities{EnterpriseProject: "ep-1"}, "ep-default", vulnReq(),
			vq("enterprise_project_id", "ep-1"), defaultVulHeaders},
		{"provider default enterprise project", export.Vulnerabilities{}, "all_granted_eps", vulnReq(),
			vq("enterprise_project_id", "all_granted_eps"), defaultVulHeaders},
		{"chosen columns with a custom title", export.Vulnerabilities{}, "",
			export.Request{Target: export.Vulnerabilities{}, Columns: []export.Column{{Key: "host_ip"}, {Key: "name", Header: "漏洞名称"}}},
			vq(), [][]string{{"host_ip", "Host IP"}, {"vul_name", "漏洞名称"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := hssRequest(c.target, c.req, c.defaultEP)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.query, got.query); d != "" {
				t.Errorf("query (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.headers, got.body.ExportHeaders); d != "" {
				t.Errorf("export_headers (-want +got):\n%s", d)
			}
		})
	}
}

// TestVulnerabilitiesWire pins the JSON body HSS receives.
func TestVulnerabilitiesWire(t *testing.T) {
	x, err := hssRequest(export.Vulnerabilities{}, export.Request{Columns: export.Cols("name", "level")}, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(x.body)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"export_headers":[["vul_name","Vulnerability Name"],["repair_priority","Level"]]}`; string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

// TestHSSVulnTitles reads a file header through package rows as Download
// hands it over: default titles and export_headers keys become neutral keys
// (ignoring case and surrounding space), others stay.
func TestHSSVulnTitles(t *testing.T) {
	line := "Vulnerability Name,cve id,Level,Category,Status,Host ID,Host Name, Host IP ,Component,First Seen,Last Seen,scan_time,漏洞名称\n"
	want := []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen", "last_seen", "漏洞名称"}
	header, _, err := rows.ReadAll(vocab.Describe(io.NopCloser(strings.NewReader(line)), hssFileTables[export.KindVulnerabilities]), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, header); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	// Both clouds must yield the same neutral set; Tencent pins its own list
	// in its tests, this pins HSS's.
	if d := cmp.Diff(want[:11], hssVulnColumns.Keys()); d != "" {
		t.Errorf("neutral column set (-want +got):\n%s", d)
	}
}

func TestHSSVulCell(t *testing.T) {
	for _, c := range []struct{ key, cell, want string }{
		{"level", "Critical", "critical"}, {"level", "HIGH", "high"}, {"level", "Unknown", "Unknown"},
		{"category", "linux_vul", "linux"}, {"category", "app_vul", "app"}, {"category", "urgent_vul", "emergency"},
		{"status", "vul_status_unfix", "unfixed"}, {"status", "vul_status_verified", "checking"}, {"status", "vul_status_fixing", "vul_status_fixing"},
		{"first_seen", "1719900000000", "2024-07-02T06:00:00Z"}, {"last_seen", " 0 ", "1970-01-01T00:00:00Z"},
		{"first_seen", "-5", "-5"}, {"last_seen", "99999999999999999", "99999999999999999"}, {"last_seen", "", ""},
		{"name", "Critical", "Critical"},
	} {
		if got := hssVulCell(c.key, c.cell); got != c.want {
			t.Errorf("hssVulCell(%q, %q) = %q; want %q", c.key, c.cell, got, c.want)
		}
	}
}
