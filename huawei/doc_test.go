package huawei

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/internal/vocab/vocabtest"
)

// TestDocVocabulary fails when a table or value mapping of the package doc
// drifts from the table it copies: each kind's filters and columns, job
// states and schedule values.
func TestDocVocabulary(t *testing.T) {
	d := vocabtest.MustLoad(t, "doc.go")
	vocabtest.Kinds(t, d, table)
	vocabtest.Says(t, d, "Assets", fmt.Sprintf("1 to %d app and task ids in total", assetSpec.MaxIDs))
	vocabtest.Mapping(t, d, "Containers", "task_status (any case):", vocabtest.VendorFirst(hssTaskStates))
	vocabtest.Mapping(t, d, "Assets", "compared case-insensitively:", vocabtest.VendorFirst(romaJobStates))
	vocabtest.Mapping(t, d, "Schedules", "scan_range_type (any case)", vocabtest.VendorFirst(vulScopes))
	vocabtest.Mapping(t, d, "Schedules", "status (any case)", vocabtest.VendorFirst(vulStatuses))
	var bits [][2]string
	for _, b := range scanScopeBits {
		bits = append(bits, [2]string{fmt.Sprintf("0x%08x", b.mask), string(b.typ)})
	}
	vocabtest.Mapping(t, d, "Schedules", "scan_scope bits -> Types:", bits)
	var periods [][2]string
	for v, p := range vulPeriods {
		unit := string(p.Unit)
		periods = append(periods, [2]string{v, fmt.Sprintf("{%d, %s}", p.Every, strings.ToUpper(unit[:1])+unit[1:])})
	}
	vocabtest.MappingSet(t, d, "Schedules", "scan_period", periods)
}

// TestSummaryValues fails when the README's table of each kind's
// vocabulary, or export.Vulnerabilities' doc, lists other values for an
// enumerated filter than this adapter's table.
func TestSummaryValues(t *testing.T) {
	vocabtest.MarkdownValueLists(t, "../README.md", "containers", 1, containerFilters)
	vocabtest.MarkdownValueLists(t, "../README.md", "vulnerabilities (huawei)", 1, hssVulnFilters)
	vocabtest.TypeValueLists(t, "../export/export.go", "Vulnerabilities", hssVulnFilters)
}
