package huawei_test

import (
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{
		New: func(t *testing.T) (provider.Provider, providertest.Emulator) {
			p, srv := emulated(t, 30*time.Millisecond)
			return p, srv
		},
		NoCredentials: func(t *testing.T) (provider.Provider, providertest.Emulator, error) {
			srv := huaweitest.NewServer()
			t.Cleanup(srv.Close)
			clearEnv(t)
			o := srv.Options()
			o.AK, o.SK = "", ""
			p, err := huawei.New(o)
			return p, srv, err
		},
		Requests: map[export.Kind]export.Request{
			export.KindContainers: {
				Target:  export.Containers{},
				Filters: []export.Filter{export.Eq("status", "running")},
				Columns: export.Cols("container_id", "container_name", "status"),
			},
			export.KindAssets: {
				Target: export.Assets{AppIDs: []string{"app-order-0001"}, TaskIDs: []string{"task-fdi-0001"}},
			},
			export.KindVulnerabilities: {
				Target:  export.Vulnerabilities{},
				Filters: []export.Filter{export.Eq("level", "critical", "high"), export.Eq("category", "linux")},
			},
		},
		Invalid: map[string]export.Request{
			"containers Like":          {Target: export.Containers{}, Filters: []export.Filter{export.Like("container_name", "ngi")}},
			"containers offset":        {Target: export.Containers{}, Offset: 1},
			"containers sort":          {Target: export.Containers{}, Sort: &export.Sort{Field: "status"}},
			"containers limit":         {Target: export.Containers{}, Limit: 100001},
			"containers cpu_limit":     {Target: export.Containers{}, Filters: []export.Filter{export.Eq("cpu_limit", "1 core")}},
			"assets no ids":            {Target: export.Assets{}},
			"assets duplicate id":      {Target: export.Assets{AppIDs: []string{"a", "a"}}},
			"assets id of 33 chars":    {Target: export.Assets{TaskIDs: []string{"123456789012345678901234567890123"}}},
			"assets filters":           {Target: export.Assets{AppIDs: []string{"a"}}, Filters: []export.Filter{export.Eq("status", "running")}},
			"assets instance with a /": {Target: export.Assets{InstanceID: "a/b", AppIDs: []string{"a"}}},
			"vulnerabilities cve_id":   {Target: export.Vulnerabilities{}, Filters: []export.Filter{export.Eq("cve_id", "6387")}},
			"vulnerabilities sort":     {Target: export.Vulnerabilities{}, Sort: &export.Sort{Field: "name"}},
			"vulnerabilities ep":       {Target: export.Vulnerabilities{EnterpriseProject: "a/b"}},
		},
		SilentFailures: []export.Kind{export.KindContainers, export.KindVulnerabilities},
		Secrets: func(e providertest.Emulator) []string {
			o := e.(*huaweitest.Server).Options()
			return []string{o.SK}
		},
	})
}
