package provider_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// vulnKeys is the neutral column set of vulnerabilities on both clouds.
var vulnKeys = []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"}

// bothClouds is a harness per adapter, each on its own emulator with quick jobs.
func bothClouds() []providertest.Harness {
	return []providertest.Harness{
		{New: func(t *testing.T) (provider.Provider, providertest.Emulator) {
			s := tencenttest.NewServer()
			t.Cleanup(s.Close)
			s.SetJobDuration(50 * time.Millisecond)
			p, err := tencent.New(s.Options())
			if err != nil {
				t.Fatal(err)
			}
			return p, s
		}},
		{New: func(t *testing.T) (provider.Provider, providertest.Emulator) {
			s := huaweitest.NewServer()
			t.Cleanup(s.Close)
			s.SetJobDuration(50 * time.Millisecond)
			p, err := huawei.New(s.Options())
			if err != nil {
				t.Fatal(err)
			}
			return p, s
		}},
	}
}

// TestVulnerabilitiesSameRowsOnBothClouds is issue 8's promise: one
// neutral request, unchanged, runs on Tencent CWP and Huawei HSS, and both
// files read back with the same neutral keys.
func TestVulnerabilitiesSameRowsOnBothClouds(t *testing.T) {
	for name, req := range map[string]export.Request{
		"no filters": {Target: export.Vulnerabilities{}},
		"filtered": {Target: export.Vulnerabilities{}, Filters: []export.Filter{
			export.Eq("category", "linux"), export.Eq("level", "critical", "high"), export.Eq("status", "unfixed")}},
	} {
		t.Run(name, func(t *testing.T) {
			got := providertest.SameKeys(t, req, vulnKeys, bothClouds()...)
			if len(got) != 2 {
				t.Errorf("rows from %d providers; want tencent and huawei", len(got))
			}
			// The cells speak the same vocabulary too (statuses only one
			// cloud has, such as HSS vul_status_fixing, are kept as written,
			// so status is checked by the filtered request).
			words := map[string][]string{
				"level":    {"critical", "high", "medium", "low"},
				"category": {"linux", "windows", "web_cms", "app", "emergency"},
			}
			for cloud, rs := range got {
				for _, r := range rs {
					for key, allowed := range words {
						if !contains(allowed, r[key]) {
							t.Errorf("%s: %s %q is not a neutral word (%s)", cloud, key, r[key], strings.Join(allowed, ", "))
						}
					}
					if name == "filtered" && (r["category"] != "linux" || r["status"] != "unfixed" || !contains([]string{"critical", "high"}, r["level"])) {
						t.Errorf("%s: row %v does not match the filters", cloud, r)
					}
					if _, err := time.Parse(time.RFC3339, r["last_seen"]); err != nil {
						t.Errorf("%s: last_seen %q is not RFC 3339", cloud, r["last_seen"])
					}
				}
			}
		})
	}
}

// TestVulnerabilitiesServedByBoth checks that Capabilities report the kind
// and the host-vulnerabilities schedule on both providers, with the shared
// neutral filters.
func TestVulnerabilitiesServedByBoth(t *testing.T) {
	for _, h := range bothClouds() {
		p, _ := h.New(t)
		caps := p.Capabilities()
		lim, ok := caps.Exports[export.KindVulnerabilities]
		if !ok {
			t.Errorf("%s: vulnerabilities not in Capabilities", p.Name())
		}
		for _, f := range []string{"category", "level", "status", "name"} {
			if !contains(lim.Filters, f) {
				t.Errorf("%s: vulnerabilities filters %q lack %q", p.Name(), lim.Filters, f)
			}
		}
		if !containsKind(caps.Schedules, scan.HostVulnerabilities) {
			t.Errorf("%s: schedules %q lack host-vulnerabilities", p.Name(), caps.Schedules)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsKind(list []scan.Kind, k scan.Kind) bool {
	for _, v := range list {
		if v == k {
			return true
		}
	}
	return false
}
