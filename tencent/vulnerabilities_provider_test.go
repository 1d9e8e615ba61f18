package tencent_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// vulnKeys is the neutral column set both clouds' vulnerability files come
// back with (huawei's tests and provider/crosscloud_test pin the same list).
var vulnKeys = []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"}

// TestVulnerabilities runs a neutral request through the provider against
// the emulator (which requires the Status filter the adapter adds): a CWP
// task that runs, then finishes, and a file that rows.NewReader reads back
// keyed by the neutral keys, told nothing but what Download returned.
func TestVulnerabilities(t *testing.T) {
	p, _ := newEmulated(t)
	req := export.Request{Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("level", "critical"), export.Eq("category", "linux")}}
	header, data := providertest.Rows(t, p, req)
	if d := cmp.Diff(vulnKeys, header); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	// The cells are as CWP writes them (the console's words, China
	// Standard Time); only the titles are mapped.
	want := [][]string{
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "严重", "Linux软件漏洞", "待处理", tencenttest.SeedHostWeb, "web-01", "10.0.1.11", "openssh-server 8.0p1", "2024-07-02 10:00:00", "2026-11-27 03:00:00"},
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", "严重", "Linux软件漏洞", "待处理", tencenttest.SeedHostDB, "db-01", "10.0.2.21", "openssh-server 8.0p1", "2024-07-02 10:05:00", "2026-11-27 03:00:00"},
	}
	if d := cmp.Diff(want, data); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

// TestHostVulSchedule reads CWP's timed scan through GetScanSchedule and
// through the HostVulScanSetting escape hatch.
func TestHostVulSchedule(t *testing.T) {
	p, _ := newEmulated(t)
	ctx := context.Background()
	got, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.HostVulnerabilities})
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Schedule{Provider: tencent.Name, Kind: scan.HostVulnerabilities, Enabled: true, Period: scan.Period{Every: 3, Unit: scan.Day},
		At: "02:30", Until: "06:00", Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeSelected,
		HostIDs: []string{tencenttest.SeedHostWeb, tencenttest.SeedHostDB}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("schedule (-want +got):\n%s", d)
	}
	set, err := p.HostVulScanSetting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"web_cms", "app", "linux", "windows", "emergency"}, set.Categories()); d != "" {
		t.Errorf("categories (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"low", "medium", "high", "critical"}, set.Levels()); d != "" {
		t.Errorf("levels (-want +got):\n%s", d)
	}
}

// TestVulnerabilitiesRejected sends every bad value of the vocabulary to a
// provider on the emulator: each is InvalidArgument naming the cloud, the
// field and what CWP accepts, and nothing reaches the network.
func TestVulnerabilitiesRejected(t *testing.T) {
	s := tencenttest.NewServer()
	defer s.Close()
	p, err := tencent.New(s.Options())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		req  export.Request
		want []string // every one must appear in the message
	}{
		{"cve_id is Huawei's", vulnReq(export.Eq("cve_id", "CVE-2024-6387")), []string{"tencent", "cwp", "Filters[0]", "cve_id", "Huawei HSS", "category, level, status, name"}},
		{"unknown field", vulnReq(export.Eq("severity", "high")), []string{"tencent", "cwp", "Filters[0]", "severity", "category, level, status, name"}},
		{"bad category", vulnReq(export.Eq("category", "kernel")), []string{"tencent", "category", "kernel", "linux, windows, web_cms, app, emergency"}},
		{"two categories", vulnReq(export.Eq("category", "linux", "windows")), []string{"tencent", "category", "one value"}},
		{"bad level", vulnReq(export.Eq("level", "notice")), []string{"tencent", "level", "notice", "critical, high, medium, low"}},
		{"bad status", vulnReq(export.Eq("status", "fixing")), []string{"tencent", "status", "fixing", "unfixed, ignored, fixed"}},
		{"Like on an enum", vulnReq(export.Like("level", "hi")), []string{"tencent", "level", "Like"}},
		{"empty name", vulnReq(export.Like("name", "")), []string{"tencent", "name", "too short"}},
		{"long name", vulnReq(export.Like("name", strings.Repeat("x", 257))), []string{"tencent", "name", "at most 256"}},
		{"two names", vulnReq(export.Filter{Field: "name", Values: []string{"a", "b"}, Match: export.MatchFuzzy}), []string{"tencent", "name", "one value"}},
		{"no values", vulnReq(export.Filter{Field: "level"}), []string{"tencent", "level", "no value"}},
		{"twice", vulnReq(export.Eq("level", "high"), export.Eq("level", "low")), []string{"tencent", "level", "twice"}},
		{"range", vulnReq(export.Between("level", time.Unix(0, 0), time.Unix(1, 0))), []string{"tencent", "level", "range"}},
		{"columns", export.Request{Target: export.Vulnerabilities{}, Columns: export.Cols("name")}, []string{"tencent", "cwp", "Columns", "no column choice", "leave Columns empty"}},
		{"sort", export.Request{Target: export.Vulnerabilities{}, Sort: &export.Sort{Field: "name"}}, []string{"tencent", "Sort", "CWP ExportVulList has no sort"}},
		{"limit", export.Request{Target: export.Vulnerabilities{}, Limit: 10}, []string{"tencent", "Limit", "no paging"}},
		{"offset", export.Request{Target: export.Vulnerabilities{}, Offset: 10}, []string{"tencent", "Offset"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
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

func vulnReq(fs ...export.Filter) export.Request {
	return export.Request{Target: export.Vulnerabilities{}, Filters: fs}
}
