package huawei

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/internal/vocab"
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
	// What NeutralCell reads back is the filter table, so the doc's
	// reading of it is checked against that table.
	vocabtest.Mapping(t, d, "Containers", "the other way, so a row matched by status=running says running: status (any case)",
		vocabtest.VendorFirst(filterValues(t, containerFilters, "status")))
	vocabtest.Says(t, d, "Containers", "cluster_type (any case) as one of "+strings.Join(filterValues(t, containerFilters, "cluster_type").Neutral(), ", ")+";")
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

// filterValues is the value mapping of field in fs, failing t without one.
func filterValues(t *testing.T, fs vocab.Filters, field string) vocab.Enums {
	t.Helper()
	for _, f := range fs {
		if f.Field == field && len(f.Values) > 0 {
			return f.Values
		}
	}
	t.Fatalf("no filter %q with values", field)
	return nil
}

// TestSummaryValues fails when the README's table of each kind's
// vocabulary, or export.Vulnerabilities' doc, lists other values for an
// enumerated filter than this adapter's table.
func TestSummaryValues(t *testing.T) {
	vocabtest.MarkdownValueLists(t, "../README.md", "containers", 1, containerFilters)
	vocabtest.MarkdownValueLists(t, "../README.md", "vulnerabilities (huawei)", 1, hssVulnFilters)
	vocabtest.TypeValueLists(t, "../export/export.go", "Vulnerabilities", hssVulnFilters)
}
