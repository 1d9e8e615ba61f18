package huawei_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// scheduleFake answers the three schedule operations with fixed bodies and
// records the requests by path.
func scheduleFake(t *testing.T, policy, tasks, vul string) (*fake, map[string]url.Values) {
	seen := map[string]url.Values{}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		seen[r.URL.Path] = r.URL.Query()
		switch r.URL.Path {
		case "/v5/" + testProject + "/image/scanner-policies":
			answer(w, 200, policy)
		case "/v5/" + testProject + "/image/tasks":
			answer(w, 200, tasks)
		case "/v5/" + testProject + "/vulnerability/scan-policy":
			answer(w, 200, vul)
		default:
			answer(w, 404, `{"error_code":"APIGW.0101","error_msg":"no such API"}`)
		}
	})
	return f, seen
}

func TestRegistryScheduleTranslation(t *testing.T) {
	day := time.Date(2025, 11, 22, 6, 0, 0, 0, time.UTC) // 1763791200000 ms
	base := scan.Schedule{Provider: "huawei", Kind: scan.RegistryImages}
	with := func(fn func(*scan.Schedule)) scan.Schedule { s := base; fn(&s); return s }
	cases := []struct {
		name   string
		policy string
		tasks  string
		want   scan.Schedule
	}{
		{"empty answers", `{}`, `{}`, base},
		{"enabled, 7 days, selected registries", `{"enabled":true,"is_all":false,"scan_cycle":7,"scan_scope":983040,
			"registry_list":[{"is_selected":true,"registry_name":"swr-prod","registry_id":"reg-1","registry_type":"SwrEnterprise"},
			{"is_selected":false,"registry_name":"harbor","registry_id":"reg-2","registry_type":"Harbor"}]}`, `{"data_list":[]}`,
			with(func(s *scan.Schedule) {
				s.Enabled, s.Period, s.Scope, s.Types = true, scan.Period{Every: 7, Unit: scan.Day}, scan.ScopeSelected, []scan.Type{scan.Vulnerabilities}
				s.Registries = []scan.Registry{{ID: "reg-1", Name: "swr-prod", Type: "SwrEnterprise", Selected: true}, {ID: "reg-2", Name: "harbor", Type: "Harbor"}}
			})},
		{"disabled, all images, 3 and 14 days kept", `{"enabled":false,"is_all":true,"scan_cycle":14}`, `{}`,
			with(func(s *scan.Schedule) { s.Period, s.Scope = scan.Period{Every: 14, Unit: scan.Day}, scan.ScopeAll })},
		// A cycle of no days or fewer is no Period; ImageScanPolicy keeps it.
		{"scan_cycle 0 is no period", `{"scan_cycle":0}`, `{}`, base},
		{"negative scan_cycle is no period", `{"scan_cycle":-7}`, `{}`, base},
		{"scope malware", `{"scan_scope":3840}`, `{}`, with(func(s *scan.Schedule) { s.Types = []scan.Type{scan.Malware} })},
		{"scope baseline is risks", `{"scan_scope":61440}`, `{}`, with(func(s *scan.Schedule) { s.Types = []scan.Type{scan.Risks} })},
		{"scope sensitive info", `{"scan_scope":240}`, `{}`, with(func(s *scan.Schedule) { s.Types = []scan.Type{scan.SensitiveInfo} })},
		{"scope compliance", `{"scan_scope":15}`, `{}`, with(func(s *scan.Schedule) { s.Types = []scan.Type{scan.Compliance} })},
		{"scope vulnerabilities and malware", `{"scan_scope":986880}`, `{}`,
			with(func(s *scan.Schedule) { s.Types = []scan.Type{scan.Vulnerabilities, scan.Malware} })},
		{"scope 0x0fffff is all five", `{"scan_scope":1048575}`, `{}`, with(func(s *scan.Schedule) {
			s.Types = []scan.Type{scan.Vulnerabilities, scan.Malware, scan.Risks, scan.SensitiveInfo, scan.Compliance}
		})},
		{"scope 0x7fffffff is all five", `{"scan_scope":2147483647}`, `{}`, with(func(s *scan.Schedule) {
			s.Types = []scan.Type{scan.Vulnerabilities, scan.Malware, scan.Risks, scan.SensitiveInfo, scan.Compliance}
		})},
		{"unknown bits kept verbatim", `{"scan_scope":269418496}`, `{}`, with(func(s *scan.Schedule) { // 0x10000000 | 0x000f0000
			s.Types = []scan.Type{scan.Vulnerabilities, "scan-scope-0x10000000"}
		})},
		{"scope 0 is no types", `{"scan_scope":0}`, `{}`, base},
		{"newest task finished", `{}`, `{"data_list":[{"task_id":"old","begin_time":1763704800000,"task_status":-3},
			{"task_id":"new","begin_time":1763791200000,"task_status":100}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "finished" })},
		{"task running", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":42}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "running 42%" })},
		{"task stopped", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-1}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "stopped" })},
		{"task stopped with reason", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-1,"failed_reason":"stopped by user"}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "stopped: stopped by user" })},
		{"task timed out", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-2}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "timed out" })},
		{"task error with reason", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-3,"failed_reason":"registry unreachable"}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "error: registry unreachable" })},
		{"task error without reason", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-3}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "error" })},
		{"unknown task status kept", `{}`, `{"data_list":[{"begin_time":1763791200000,"task_status":-9}]}`,
			with(func(s *scan.Schedule) { s.LastScan, s.LastResult = day, "task_status -9" })},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f, seen := scheduleFake(t, c.policy, c.tasks, `{}`)
			got, err := f.provider(t).GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("schedule (-want +got):\n%s", d)
			}
			wantQ := map[string]url.Values{
				"/v5/" + testProject + "/image/scanner-policies": {"type": {"cycle"}, "global_image_type": {"registry"}},
				"/v5/" + testProject + "/image/tasks":            {"type": {"image_scan"}, "task_type": {"cycle"}, "global_image_type": {"registry"}, "limit": {"10"}},
			}
			if d := cmp.Diff(wantQ, seen); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
		})
	}
}

func TestHostVulScheduleTranslation(t *testing.T) {
	base := scan.Schedule{Provider: "huawei", Kind: scan.HostVulnerabilities}
	with := func(fn func(*scan.Schedule)) scan.Schedule { s := base; fn(&s); return s }
	cases := []struct {
		name string
		vul  string
		want scan.Schedule
	}{
		{"empty", `{}`, base},
		{"one_day at 02:30, open, all hosts", `{"scan_period":"one_day","status":"open","scan_range_type":"all_host",
			"time":{"hour_part":2,"minute_part":30,"timezone_offset":-480,"day_part":[1]}}`,
			with(func(s *scan.Schedule) {
				s.Enabled, s.Period, s.At, s.Scope = true, scan.Period{Every: 1, Unit: scan.Day}, "02:30", scan.ScopeAll
			})},
		{"three_day", `{"scan_period":"three_day"}`, with(func(s *scan.Schedule) { s.Period = scan.Period{Every: 3, Unit: scan.Day} })},
		{"one_week", `{"scan_period":"one_week"}`, with(func(s *scan.Schedule) { s.Period = scan.Period{Every: 1, Unit: scan.Week} })},
		{"one_month", `{"scan_period":"one_month"}`, with(func(s *scan.Schedule) { s.Period = scan.Period{Every: 1, Unit: scan.Month} })},
		{"unknown period kept", `{"scan_period":"two_week"}`, with(func(s *scan.Schedule) { s.Period = scan.Period{Unit: "two_week"} })},
		{"close", `{"status":"close"}`, base},
		{"status and range compared case-insensitively", `{"status":"OPEN","scan_range_type":"All_Host"}`,
			with(func(s *scan.Schedule) { s.Enabled, s.Scope = true, scan.ScopeAll })},
		{"unknown status is off", `{"status":"paused"}`, base},
		{"specific hosts", `{"scan_range_type":"specific_host","host_ids":["h1","h2"]}`,
			with(func(s *scan.Schedule) { s.Scope, s.HostIDs = scan.ScopeSelected, []string{"h1", "h2"} })},
		{"unknown range kept", `{"scan_range_type":"some_host"}`, with(func(s *scan.Schedule) { s.Scope = "some_host" })},
		{"vul types verbatim", `{"scan_vul_types":["linux_vul","windows_vul","web_cms","app_vul","urgent_vul","new_vul"]}`,
			with(func(s *scan.Schedule) {
				s.Types = []scan.Type{"linux_vul", "windows_vul", "web_cms", "app_vul", "urgent_vul", "new_vul"}
			})},
		{"hour without minute", `{"time":{"hour_part":23}}`, with(func(s *scan.Schedule) { s.At = "23:00" })},
		// At is "HH:MM"; a time of day HSS cannot mean is left to VulScanPolicy.
		{"hour 24 is no time of day", `{"time":{"hour_part":24,"minute_part":0}}`, base},
		{"minute 60 is no time of day", `{"time":{"hour_part":1,"minute_part":60}}`, base},
		{"negative hour is no time of day", `{"time":{"hour_part":-1,"minute_part":5}}`, base},
		{"negative minute is no time of day", `{"time":{"hour_part":1,"minute_part":-5}}`, base},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f, seen := scheduleFake(t, `{}`, `{}`, c.vul)
			got, err := f.provider(t).GetScanSchedule(context.Background(), scan.Query{Kind: scan.HostVulnerabilities})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("schedule (-want +got):\n%s", d)
			}
			if d := cmp.Diff(map[string]url.Values{"/v5/" + testProject + "/vulnerability/scan-policy": {}}, seen); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
		})
	}
}

func TestScheduleEscapeHatches(t *testing.T) {
	f, seen := scheduleFake(t, `{"enabled":true,"rate_limit":100,"time_scope":3,"total_registry_num":2}`, `{}`,
		`{"scan_period":"one_week","time":{"hour_part":2,"minute_part":30,"timezone_offset":-480,"day_part":[2],"next_scan_time":1764000000000},"total_host_num":12}`)
	opts := f.options()
	opts.EnterpriseProject = "ep-9"
	p := mustNew(t, opts)
	pol, err := p.ImageScanPolicy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i32 := func(v int32) *int32 { return &v }
	i64 := func(v int64) *int64 { return &v }
	yes := true
	if d := cmp.Diff(&huawei.ImageScanPolicy{Enabled: &yes, RateLimit: i32(100), TimeScope: i32(3), TotalRegistryNum: i32(2)}, pol); d != "" {
		t.Errorf("image policy (-want +got):\n%s", d)
	}
	vul, err := p.VulScanPolicy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &huawei.VulScanPolicy{ScanPeriod: "one_week", TotalHostNum: i64(12), Time: &huawei.VulScanTime{
		DayPart: []int32{2}, HourPart: i32(2), MinutePart: i32(30), NextScanTime: i64(1764000000000), TimezoneOffset: i32(-480)}}
	if d := cmp.Diff(want, vul); d != "" {
		t.Errorf("vul policy (-want +got):\n%s", d)
	}
	for path, q := range seen {
		if q.Get("enterprise_project_id") != "ep-9" {
			t.Errorf("%s: enterprise_project_id %q, want ep-9", path, q.Get("enterprise_project_id"))
		}
	}
}

func TestScheduleKinds(t *testing.T) {
	f := newFake(t, nil)
	p := f.provider(t)
	const served = "registry-images, host-vulnerabilities"
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: "images"}); !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), served) {
		t.Errorf("unknown kind: %v, want ErrUnsupported naming %s", err, served)
	}
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{}); !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), served) {
		t.Errorf("empty kind: %v, want ErrInvalidArgument naming %s", err, served)
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}
