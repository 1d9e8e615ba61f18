package export_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/emulator"
)

// BenchmarkReadRowsXLSX reads a 10,000-row, 6-column workbook, the size of
// one full TCSS component export job.
func BenchmarkReadRowsXLSX(b *testing.B) {
	header := []string{"Component", "Version", "Path", "Type", "Vulnerabilities", "Image ID"}
	rows := make([][]string, 10000)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("pkg-%d", i), "1.2.3", "/usr/lib/x", "SYSTEM_COMPONENT", "2", "sha256:abc"}
	}
	data, err := emulator.XLSX("components", header, rows)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, got, err := export.ReadRows(bytes.NewReader(data)); err != nil || len(got) != len(rows) {
			b.Fatalf("%d rows, %v", len(got), err)
		}
	}
}

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
