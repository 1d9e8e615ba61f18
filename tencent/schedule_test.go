package tencent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// TestScheduleTranslation is the DescribeImageRegistryTimingScanTask to
// scan.Schedule table, through the wire.
func TestScheduleTranslation(t *testing.T) {
	base := scan.Schedule{Provider: "tencent", Kind: scan.RegistryImages}
	with := func(fn func(*scan.Schedule)) scan.Schedule {
		s := base
		fn(&s)
		return s
	}
	tests := []struct {
		name string
		raw  string // the Response object
		want scan.Schedule
	}{
		{"empty", `{}`, base},
		{"doc example", `{"ScanTime":"03:00:00","ScanPeriod":1,"ScanType":["risk","virus"],"All":false,
			"Images":[{"ImageDigest":"sha256:1319","RegistryType":"ccr","ImageRepoAddress":"ccr.ccs.tencentyun.com/yunding/luping:v1","InstanceId":"ins-apqv42","InstanceName":"InstanceName","Namespace":"tcss","ImageName":"yunding/luping","ImageTag":"v1","Force":"Force"}],
			"Id":[1],"Enable":true,"Latest":true}`,
			with(func(s *scan.Schedule) {
				s.Enabled = true
				s.At = "03:00"
				s.Period = scan.Period{Every: 1, Unit: scan.Day}
				s.Types = []scan.Type{scan.Risks, scan.Malware}
				s.Images = []scan.Image{{RegistryType: "ccr", InstanceID: "ins-apqv42", InstanceName: "InstanceName", Namespace: "tcss", Name: "yunding/luping", Tag: "v1", Digest: "sha256:1319", Address: "ccr.ccs.tencentyun.com/yunding/luping:v1"}}
				s.AssetIDs = []uint64{1}
				s.LatestOnly = true
			})},
		{"every scan type, unknown kept verbatim", `{"ScanType":["CVE","VIRUS","RISK","Cve","SECRET"]}`,
			with(func(s *scan.Schedule) {
				s.Types = []scan.Type{scan.Vulnerabilities, scan.Malware, scan.Risks, scan.Vulnerabilities, "SECRET"}
			})},
		{"scope all", `{"ScanScope":0}`, with(func(s *scan.Schedule) { s.Scope = scan.ScopeAll })},
		{"scope selected", `{"ScanScope":1}`, with(func(s *scan.Schedule) { s.Scope = scan.ScopeSelected })},
		{"scope recommended", `{"ScanScope":2}`, with(func(s *scan.Schedule) { s.Scope = scan.ScopeRecommended })},
		{"scope unknown", `{"ScanScope":7}`, with(func(s *scan.Schedule) { s.Scope = "scope-7" })},
		{"deprecated All without ScanScope", `{"All":true}`, with(func(s *scan.Schedule) { s.Scope = scan.ScopeAll })},
		{"ScanScope wins over All", `{"All":true,"ScanScope":1}`, with(func(s *scan.Schedule) { s.Scope = scan.ScopeSelected })},
		{"times normalised", `{"ScanTime":"7:05","ScanEndTime":"20:00:59"}`, with(func(s *scan.Schedule) { s.At = "07:05"; s.Until = "20:00" })},
		{"odd time kept", `{"ScanTime":"noon"}`, with(func(s *scan.Schedule) { s.At = "noon" })},
		{"period of days", `{"ScanPeriod":3}`, with(func(s *scan.Schedule) { s.Period = scan.Period{Every: 3, Unit: scan.Day} })},
		// A count an int cannot hold is no Period (it was negative); RegistryScanTask keeps it.
		{"period past int", `{"ScanPeriod":18446744073709551615}`, base},
		{"everything else", `{"Enable":false,"RegistryType":["tcr","harbor"],"Namespace":["tcr-test","prod"],"ContainerRunning":true,
			"ExcludeImageAssetIds":[888,18446744073709551615],"Id":[128,129],"LastScanTime":"2024-10-29 17:10:00","ScanResult":"InsufficientLicense"}`,
			with(func(s *scan.Schedule) {
				s.Registries = []scan.Registry{{Type: "tcr", Selected: true}, {Type: "harbor", Selected: true}}
				s.Namespaces = []string{"tcr-test", "prod"}
				s.RunningOnly = true
				s.ExcludedIDs = []uint64{888, 18446744073709551615}
				s.AssetIDs = []uint64{128, 129}
				s.LastScan = time.Date(2024, 10, 29, 9, 10, 0, 0, time.UTC)
				s.LastResult = "InsufficientLicense"
			})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on(actionDescribeImageRegistryTimingScanTask, answer{raw: `{"Response":` + tt.raw + `}`})
			p := f.provider()
			got, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: scan.RegistryImages})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
				t.Errorf("schedule (-want +got):\n%s", d)
			}
			body, _ := f.last(actionDescribeImageRegistryTimingScanTask)
			if d := cmp.Diff(any(map[string]any{}), body); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
		})
	}
}

// TestRegistryScanTaskKeepsForce checks the escape hatch for the vendor
// field with no neutral home.
func TestRegistryScanTaskKeepsForce(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeImageRegistryTimingScanTask, answer{raw: `{"Response":{"Images":[{"ImageName":"a","Force":"true"}],"All":true,"RequestId":"r1"}}`})
	p := f.provider()
	task, err := p.RegistryScanTask(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := TimingScanTask{Images: []ImageInfo{{ImageName: "a", Force: "true"}}, All: true, RequestId: "r1"}
	if d := cmp.Diff(want, task); d != "" {
		t.Errorf("task (-want +got):\n%s", d)
	}
}

func TestOtherSchedulesUnsupported(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: "no-such-schedule"}); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("unknown kind: err = %v, want ErrUnsupported", err)
	} else if !strings.Contains(err.Error(), "registry-images, host-vulnerabilities") {
		t.Errorf("unknown kind: %q does not list the schedules served", err)
	}
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{}); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("no kind: err = %v, want ErrInvalidArgument", err)
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}

// TestHostVulScheduleWire pins the CWP call behind the host-vulnerabilities
// schedule: DescribeScanVulSetting with an empty body.
func TestHostVulScheduleWire(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeScanVulSetting, answer{raw: `{"Response":{"TimerInterval":7,"TimerTime":"03:00","EnableScan":1,"Uuids":[],"RequestId":"r1"}}`})
	got, err := f.provider().GetScanSchedule(context.Background(), scan.Query{Kind: scan.HostVulnerabilities})
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities, Enabled: true, Period: scan.Period{Every: 7, Unit: scan.Day},
		At: "03:00", Types: []scan.Type{scan.Vulnerabilities}, Scope: scan.ScopeAll}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("schedule (-want +got):\n%s", d)
	}
	body, _ := f.last(actionDescribeScanVulSetting)
	if d := cmp.Diff(map[string]any{}, body); d != "" {
		t.Errorf("DescribeScanVulSetting body (-want +got):\n%s", d)
	}
	if h := f.lastHeader(actionDescribeScanVulSetting); h.Get("X-TC-Version") != "2018-02-28" {
		t.Errorf("X-TC-Version = %q; want CWP's 2018-02-28", h.Get("X-TC-Version"))
	}
}
