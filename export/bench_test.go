package export_test

import (
	"testing"

	"github.com/cloudexport/cloudexport/export"
)

func BenchmarkTokenRoundTrip(b *testing.B) {
	job := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-123", Region: "cn-north-4",
		Scope: map[string]string{"project_id": "0123456789abcdef", "enterprise_project_id": "0"}}
	for i := 0; i < b.N; i++ {
		tok, err := job.Token()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := export.ParseToken(tok); err != nil {
			b.Fatal(err)
		}
	}
}
