package tencent_test

import (
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// newEmulated returns a provider connected to a fresh emulator whose jobs
// take 200ms, with the emulator's options (millisecond retry backoffs).
func newEmulated(t *testing.T) (*tencent.Provider, *tencenttest.Server) {
	t.Helper()
	s := tencenttest.NewServer()
	t.Cleanup(s.Close)
	s.SetJobDuration(200 * time.Millisecond)
	p, err := tencent.New(s.Options())
	if err != nil {
		t.Fatalf("tencent.New: %v", err)
	}
	return p, s
}

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{
		// CVM jobs are polled through their images: the TaskId is never asked about.
		CannotTellUnknown: []export.Kind{export.KindMachineImages},
		New: func(t *testing.T) (provider.Provider, providertest.Emulator) {
			p, s := newEmulated(t)
			return p, s
		},
		NoCredentials: func(t *testing.T) (provider.Provider, providertest.Emulator, error) {
			s := tencenttest.NewServer()
			t.Cleanup(s.Close)
			// Set but empty: the SDK's env provider fails and stops the
			// chain, without reaching the CVM metadata service.
			t.Setenv("TENCENTCLOUD_SECRET_ID", "")
			t.Setenv("TENCENTCLOUD_SECRET_KEY", "")
			o := s.Options()
			o.SecretID, o.SecretKey = "", ""
			p, err := tencent.New(o)
			return p, s, err
		},
		Requests: map[export.Kind]export.Request{
			export.KindComponents: {
				Target:  export.Components{ImageID: tencenttest.SeedImageID},
				Filters: []export.Filter{export.Eq("vul_level", "high", "critical")},
				Columns: export.Cols("name", "version", "vul_count"),
				Sort:    &export.Sort{Field: "vul_count", Desc: true},
			},
			export.KindMachineImages: {
				Target: export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxDataImage}, Bucket: tencenttest.Bucket, Format: "qcow2"},
			},
			export.KindVulnerabilities: {
				Target:  export.Vulnerabilities{},
				Filters: []export.Filter{export.Eq("level", "critical", "high"), export.Eq("category", "linux")},
			},
		},
		Invalid: map[string]export.Request{
			"components: bad vul_level":     {Target: export.Components{ImageID: tencenttest.SeedImageID}, Filters: []export.Filter{export.Eq("vul_level", "severe")}},
			"components: custom header":     {Target: export.Components{ImageID: tencenttest.SeedImageID}, Columns: []export.Column{{Key: "name", Header: "Component name"}}},
			"components: no image id":       {Target: export.Components{}},
			"images: malformed id":          {Target: export.MachineImages{ImageIDs: []string{"img-BAD"}, Bucket: tencenttest.Bucket}},
			"images: no bucket":             {Target: export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}}},
			"images: bad format":            {Target: export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.Bucket, Format: "iso"}},
			"images: prefixes do not match": {Target: export.MachineImages{ImageIDs: []string{tencenttest.SeedLinuxImage}, Bucket: tencenttest.Bucket, FilePrefixes: []string{"a", "b"}}},
			"vulnerabilities: cve_id":       {Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("cve_id", "CVE-2024-6387")}},
			"vulnerabilities: columns":      {Target: export.Vulnerabilities{}, Columns: export.Cols("name")},
			"vulnerabilities: bad level":    {Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("level", "notice")}},
		},
		// CVM reports no failure reason: a failed export is seen only as an
		// image state (DescribeImages), so the emulator's reason cannot travel.
		// CWP ExportTasks says only ERROR.
		SilentFailures: []export.Kind{export.KindMachineImages, export.KindVulnerabilities},
		Secrets: func(em providertest.Emulator) []string {
			_, key := em.(*tencenttest.Server).Credentials() // the secret id is not a secret; the key is
			return []string{key}
		},
	})
}
