package huawei_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cloudexport/cloudexport/export"
)

// BenchmarkCreateContainers measures one signed ExportContainerList round
// trip against a local fake: translation, signing, HTTP and decoding.
func BenchmarkCreateContainers(b *testing.B) {
	f := newFake(b, func(w http.ResponseWriter, r *http.Request, body []byte) { answer(w, 200, `{"task_id":"t"}`) })
	opts := f.options()
	opts.RateLimit = 1e9
	p := mustNew(b, opts)
	req := export.Request{Target: export.Containers{}, Filters: []export.Filter{export.Eq("status", "running"), export.Eq("cluster_type", "cce")}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.CreateExportJob(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
