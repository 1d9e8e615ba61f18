package tencent

import (
	"context"
	"testing"

	"github.com/cloudexport/cloudexport/export"
)

// BenchmarkComponentsRequest measures validating and translating a full
// components request (no network).
func BenchmarkComponentsRequest(b *testing.B) {
	req := export.Request{
		Target:  export.Components{ImageID: "sha256:abc"},
		Filters: []export.Filter{export.Eq("vul_level", "critical", "high"), export.Like("name", "ssl"), export.Eq("has_vul", "true")},
		Columns: export.Cols("name", "version", "path", "type", "vul_count", "image_id"),
		Sort:    &export.Sort{Field: "vul_count", Desc: true},
		Limit:   10000,
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, c, err := table.CheckRequest(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := componentsRequest(req.Target.(export.Components), req, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPollComponents measures one signed PollJob round trip against a
// local fake, rate limiting included (set high so it does not dominate).
func BenchmarkPollComponents(b *testing.B) {
	f := newFake(b)
	f.on(actionDescribeExportJobResult, answer{response: map[string]any{"ExportStatus": "RUNNING", "ExportProgress": 50}})
	o := f.options()
	o.RateLimit = 1e9
	p, err := New(o)
	if err != nil {
		b.Fatal(err)
	}
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.PollJob(context.Background(), job); err != nil {
			b.Fatal(err)
		}
	}
}
