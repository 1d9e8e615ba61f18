package tencent

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/internal/vocab/vocabtest"
)

// TestDocVocabulary fails when a table or value mapping of the package doc
// drifts from the table it copies: each kind's filters and columns, the
// CWP file's titles, job states, image formats and schedule values.
func TestDocVocabulary(t *testing.T) {
	d := vocabtest.MustLoad(t, "doc.go")
	vocabtest.Kinds(t, d, table)
	vocabtest.Columns(t, d, "Vulnerabilities (CWP)", "file column", cwpTitleColumns(t))
	vocabtest.Mapping(t, d, "Components (TCSS)", "ExportStatus (any case)", vocabtest.VendorFirst(exportStates))
	vocabtest.Mapping(t, d, "Vulnerabilities (CWP)", "Status (any case)", vocabtest.VendorFirst(cwpTaskStates))
	vocabtest.Mapping(t, d, "Machine images (CVM)", "ExportFormat, always sent:", vocabtest.NeutralFirst(imageFormats))
	vocabtest.Says(t, d, "Machine images (CVM)", "default "+imageFormats[0].Neutral)
	vocabtest.Says(t, d, "Vulnerabilities (CWP)", "without a status filter sends Status "+vocabtest.List(vulnStatusAll))
	vocabtest.Mapping(t, d, "Scan schedules", "Types:", vocabtest.VendorFirst(scanTypes))
	var scopes [][2]string
	for n, s := range scanScopes {
		scopes = append(scopes, [2]string{fmt.Sprint(n), string(s)})
	}
	vocabtest.MappingSet(t, d, "Scan schedules", "Scope:", scopes)
}

// TestSummaryValues fails when the README's table of each kind's
// vocabulary, or export.Vulnerabilities' doc, lists other values for an
// enumerated filter than this adapter's table.
func TestSummaryValues(t *testing.T) {
	vocabtest.MarkdownValueLists(t, "../README.md", "components", 1, componentFilters)
	vocabtest.MarkdownValueLists(t, "../README.md", "vulnerabilities (tencent)", 1, vulnFilters)
	vocabtest.TypeValueLists(t, "../export/export.go", "Vulnerabilities", vulnFilters)
}

// cwpTitleColumns is cwpVulTitles as a column table: each neutral key with
// its Chinese title (Vendor) and English title (Header). The titles come
// in two runs, Chinese then English, with the keys in the same order.
func cwpTitleColumns(t *testing.T) vocab.Columns {
	n := len(cwpVulTitles) / 2
	zh, en := cwpVulTitles[:n], cwpVulTitles[n:]
	var keys, enKeys []string
	var cs vocab.Columns
	for i := range zh {
		keys, enKeys = append(keys, zh[i].Key), append(enKeys, en[i].Key)
		cs = append(cs, vocab.Column{Key: zh[i].Key, Vendor: zh[i].Header, Header: en[i].Header})
	}
	if len(cwpVulTitles)%2 != 0 || !slices.Equal(keys, enKeys) {
		t.Fatalf("cwpVulTitles is no longer a Chinese and an English run of the same keys; change the doc's file column table and this test with it")
	}
	return cs
}
