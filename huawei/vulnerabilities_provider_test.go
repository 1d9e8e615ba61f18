package huawei_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
)

// vulnKeys is the neutral column set both clouds' vulnerability files come
// back with (tencent's tests and provider/crosscloud_test pin the same list).
var vulnKeys = []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"}

func vulnReq(fs ...export.Filter) export.Request {
	return export.Request{Target: export.Vulnerabilities{}, Filters: fs}
}

// TestVulnerabilities runs a neutral request through the provider against
// the emulator (which requires export_size and category and knows the
// export_headers keys): ExportVuls, polled with ListQueryExportTask,
// downloaded with ListDownloadExportedFile, and read back by rows.NewReader
// keyed by the neutral keys, told nothing but what Download returned.
func TestVulnerabilities(t *testing.T) {
	p, _ := emulated(t, 100*time.Millisecond)
	req := export.Request{Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("level", "critical"), export.Eq("category", "linux")}}
	header, data := providertest.Rows(t, p, req)
	if d := cmp.Diff(vulnKeys, header); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	// The cells are as HSS writes them (API spellings, epoch
	// milliseconds); only the titles are mapped.
	want := [][]string{
		{"openssh security update", "CVE-2024-6387", "Critical", "linux_vul", "vul_status_unfix", huaweitest.SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "openssh-server", "1719900000000", "1795900000000"},
		{"openssh security update", "CVE-2024-6387", "Critical", "linux_vul", "vul_status_unfix", huaweitest.SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "openssh-server", "1719900300000", "1795900000000"},
	}
	if d := cmp.Diff(want, data); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

// TestVulnerabilitiesRejected sends every bad value of the vocabulary to a
// provider on the emulator: each is InvalidArgument naming the cloud, the
// field and what HSS accepts, and nothing reaches the network.
func TestVulnerabilitiesRejected(t *testing.T) {
	p, s := emulated(t, 30*time.Millisecond)
	cases := []struct {
		name string
		req  export.Request
		want []string // every one must appear in the message
	}{
		{"unknown field", vulnReq(export.Eq("severity", "high")), []string{"huawei", "hss", "Filters[0]", "severity", "category, level, status, name, cve_id"}},
		{"bad category", vulnReq(export.Eq("category", "kernel")), []string{"huawei", "category", "kernel", "linux, windows, web_cms, app, emergency"}},
		{"two categories", vulnReq(export.Eq("category", "linux", "app")), []string{"huawei", "category", "one value"}},
		{"bad level", vulnReq(export.Eq("level", "notice")), []string{"huawei", "level", "notice", "critical, high, medium, low"}},
		{"bad status", vulnReq(export.Eq("status", "fixing")), []string{"huawei", "status", "fixing", "unfixed, ignored, fixed"}},
		{"two statuses", vulnReq(export.Eq("status", "unfixed", "ignored")), []string{"huawei", "status", "one value"}},
		{"Like on an enum", vulnReq(export.Like("category", "lin")), []string{"huawei", "category", "Like"}},
		{"empty name", vulnReq(export.Like("name", "")), []string{"huawei", "name", "too short"}},
		{"long name", vulnReq(export.Like("name", strings.Repeat("x", 257))), []string{"huawei", "name", "at most 256"}},
		{"malformed cve_id", vulnReq(export.Eq("cve_id", "2024-6387")), []string{"huawei", "cve_id", "CVE-2024-6387"}},
		{"Like on cve_id", vulnReq(export.Like("cve_id", "CVE-2024")), []string{"huawei", "cve_id", "Like"}},
		{"unknown column", export.Request{Columns: export.Cols("cvss")}, []string{"huawei", "Columns[0]", "cvss", "name, cve_id, level, category"}},
		{"two-line header", export.Request{Columns: []export.Column{{Key: "name", Header: "a\nb"}}}, []string{"huawei", "Columns[0]", "one line"}},
		{"sort", export.Request{Sort: &export.Sort{Field: "name"}}, []string{"huawei", "Sort", "no sort"}},
		{"limit too big", export.Request{Limit: 100001}, []string{"huawei", "Limit", "100000"}},
		{"negative offset", export.Request{Offset: -1}, []string{"huawei", "Offset", "negative"}},
		{"enterprise project with a slash", export.Request{Target: export.Vulnerabilities{EnterpriseProject: "a/b"}}, []string{"huawei", "hss", "Target.EnterpriseProject"}},
		{"range", vulnReq(export.Between("level", time.Unix(0, 0), time.Unix(1, 0))), []string{"huawei", "level", "range"}},
		{"negative limit", export.Request{Limit: -1}, []string{"huawei", "Limit", "negative"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.req.Target == nil {
				c.req.Target = export.Vulnerabilities{}
			}
			before := s.Requests()
			_, err := p.CreateExportJob(context.Background(), c.req)
			if !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("err = %v; want ErrInvalidArgument", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if n := s.Requests() - before; n != 0 {
				t.Errorf("%d requests reached the emulator", n)
			}
		})
	}
}

// TestVulnerabilitiesWireThroughProvider pins what CreateExportJob sends HSS
// for a request with every filter, the target's enterprise project, paging
// and chosen columns, and the job it returns.
func TestVulnerabilitiesWireThroughProvider(t *testing.T) {
	p, s := emulated(t, 30*time.Millisecond)
	req := export.Request{
		Target: export.Vulnerabilities{EnterpriseProject: "0"},
		Filters: []export.Filter{export.Eq("category", "linux"), export.Eq("level", "critical", "high"), export.Eq("status", "unfixed"),
			export.Like("name", "openssh"), export.Eq("cve_id", "CVE-2024-6387")},
		Columns: export.Cols("name", "host_ip"),
		Limit:   50, Offset: 10,
	}
	job, err := p.CreateExportJob(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if job.Service != "hss" || job.Kind != export.KindVulnerabilities || job.Scope["enterprise_project_id"] != "0" {
		t.Errorf("job = %+v", job)
	}
	rec, ok := s.LastRequest("ExportVuls")
	if !ok {
		t.Fatal("no ExportVuls recorded")
	}
	want := map[string][]string{"category": {"vul"}, "export_size": {"50"}, "offset": {"10"}, "enterprise_project_id": {"0"},
		"type": {"linux_vul"}, "repair_priority": {"Critical,High"}, "status": {"vul_status_unfix"}, "vul_name": {"openssh"}, "cve_id": {"CVE-2024-6387"}}
	if d := cmp.Diff(want, map[string][]string(rec.Query)); d != "" {
		t.Errorf("query (-want +got):\n%s", d)
	}
	if want := `{"export_headers":[["vul_name","Vulnerability Name"],["host_ip","Host IP"]]}`; strings.TrimSpace(string(rec.Body)) != want {
		t.Errorf("body\n got %s\nwant %s", rec.Body, want)
	}
	if rec.Method != "POST" || !strings.HasSuffix(rec.Path, "/vul/export") {
		t.Errorf("%s %s; want POST /v5/{project_id}/vul/export", rec.Method, rec.Path)
	}
}
