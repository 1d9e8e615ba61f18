package vocabtest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// sample is a package doc in the grammar the adapters' docs follow.
const sample = `// Package sample is an adapter.
//
// # Things
//
// export.Things{ID} maps to CreateThings. The filters:
//
//	filter   Vendor.Name  values
//	level    Level        critical -> CRITICAL, high -> HIGH,
//	                      low -> LOW; one value
//	name     Name         text, 1–256 characters; Eq or Like
//	cpu      cpu          text like 100m matching ^[0-9]+m$, 1–64 characters; at most 3 values
//	flag     flag         true, false
//	created  created_at   export.Between; sent as epoch ms
//	cve_id   -            refused: no CVE filter here
//
// The columns:
//
//	column   vendor key  header
//	name     Name        Name
//	count    VulCount    Vulnerabilities
//
// Limit is 1..500. State (any case) RUNNING -> running, DONE -> succeeded (finished), FAIL -> failed; others are errors.
package sample
`

var sampleSpec = vocab.Spec{
	Filters: vocab.Filters{
		{Field: "level", Vendor: "Level", Kind: vocab.Enumerated, MaxValues: 1, Values: vocab.Enums{{Neutral: "critical", Vendor: "CRITICAL"}, {Neutral: "high", Vendor: "HIGH"}, {Neutral: "low", Vendor: "LOW"}}},
		{Field: "name", Vendor: "Name", Kind: vocab.String, Fuzzy: true, MaxLen: 256},
		{Field: "cpu", Vendor: "cpu", Kind: vocab.String, MaxValues: 3, MinLen: 1, MaxLen: 64, Pattern: regexp.MustCompile(`^[0-9]+m$`), Example: "100m"},
		{Field: "flag", Vendor: "flag", Kind: vocab.Bool},
		{Field: "created", Vendor: "created_at", Kind: vocab.TimeRange},
		{Field: "cve_id", NotHere: "no CVE filter"},
	},
	Columns:  vocab.Columns{{Key: "name", Vendor: "Name", Header: "Name"}, {Key: "count", Vendor: "VulCount", Header: "Vulnerabilities"}},
	MaxLimit: 500,
}

var sampleStates = vocab.Enums{{Neutral: "running", Vendor: "RUNNING"}, {Neutral: "succeeded", Vendor: "DONE"}, {Neutral: "failed", Vendor: "FAIL"}}

// check writes doc to a file, loads it and returns what CheckSpec and
// CheckPairs (of the states) find.
func check(t *testing.T, doc string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.go")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Section("Things")
	if err != nil {
		t.Fatal(err)
	}
	return append(s.CheckSpec(sampleSpec), s.CheckPairs("State (any case)", VendorFirst(sampleStates), true)...)
}

func TestKindSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.go")
	doc := sample + "//\n// # Machine images\n//\n// export.MachineImages maps to ExportImages.\npackage sample\n"
	if err := os.WriteFile(path, []byte(strings.Replace(doc, "package sample\n", "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	d := MustLoad(t, path)
	for kind, want := range map[export.Kind]string{"things": "Things", "machine-images": "Machine images"} {
		if s, err := d.KindSection(kind); err != nil || s.Heading != want {
			t.Errorf("KindSection(%s) = %v, %v; want the section %q", kind, s, err, want)
		}
	}
	if _, err := d.KindSection("others"); err == nil || !strings.Contains(err.Error(), `0 sections say "export.Others maps to"`) {
		t.Errorf("KindSection(others) = %v; want an error saying no section documents it", err)
	}
}

func TestSampleIsTrue(t *testing.T) {
	if d := cmp.Diff([]string(nil), check(t, sample)); d != "" {
		t.Errorf("problems in a true doc (-want +got):\n%s", d)
	}
}

// TestDrift edits one thing in the sample and expects a problem saying
// what differs and where.
func TestDrift(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"vendor value", "high -> HIGH", "high -> HI",
			`doc.go:8: # Things, filter table, row level: values are "critical -> CRITICAL, high -> HI, low -> LOW"; the adapter's table maps "critical -> CRITICAL, high -> HIGH, low -> LOW"`},
		{"value in continuation line", "low -> LOW;", "lowest -> LOW;",
			`row level: values are "critical -> CRITICAL, high -> HIGH, lowest -> LOW"`},
		{"vendor field", "name     Name ", "name     VulName ",
			`doc.go:10: # Things, filter table, row name: vendor field is "VulName" here, "Name" in the adapter's table`},
		{"unknown filter", "flag     flag", "flags    flag",
			`row flags: the adapter has no filter "flags" (it accepts level, name, cpu, flag, created)`},
		{"missing filter", "//	flag     flag         true, false\n", "",
			`doc.go:7: # Things, filter table: has no row for flag, which the adapter accepts as flag`},
		{"refused listed as accepted", "cve_id   -  ", "cve_id   CVE",
			`row cve_id: lists vendor field "CVE", but the adapter refuses the filter (no CVE filter)`},
		{"refused missing", "//	cve_id   -            refused: no CVE filter here\n", "",
			`has no row for cve_id, which the adapter refuses (no CVE filter)`},
		{"length", "1–256", "1–255",
			`row name: values are "text, 1–255 characters"; the adapter's table says "text, 1–256 characters"`},
		{"pattern", "^[0-9]+m$", "^[0-9]+$",
			`row cpu: values are "text like 100m matching ^[0-9]+$, 1–64 characters"`},
		{"like", "characters; Eq or Like", "characters",
			`row name: does not say Eq or Like, but the adapter takes Like too`},
		{"count", "; one value", "",
			`row level: says it takes any number of values (no note), but the adapter takes one value`},
		{"at most", "at most 3 values", "at most 4 values",
			`row cpu: says it takes at most 4 values, but the adapter takes at most 3 values`},
		{"bool", "true, false", "yes, no",
			`row flag: values are "yes, no"; the adapter's bool field takes "true, false"`},
		{"range", "export.Between", "a range",
			`row created: values are "a range"; a range field's are "export.Between"`},
		{"order", "name     Name         text, 1–256 characters; Eq or Like\n//	cpu      cpu          text like 100m matching ^[0-9]+m$, 1–64 characters; at most 3 values",
			"cpu      cpu          text like 100m matching ^[0-9]+m$, 1–64 characters; at most 3 values\n//	name     Name         text, 1–256 characters; Eq or Like",
			`filter table: lists level, cpu, name, flag, created; the adapter's table, and so its order, is level, name, cpu, flag, created`},
		{"column header", "Vulnerabilities", "Vulns",
			`doc.go:20: # Things, column table, row count: header is "Vulns" here, "Vulnerabilities" in the adapter's table`},
		{"column vendor", "VulCount", "Count",
			`row count: vendor key is "Count" here, "VulCount" in the adapter's table`},
		{"no column table", "//	column   vendor key  header\n//	name     Name        Name\n//	count    VulCount    Vulnerabilities\n", "",
			`# Things: has no column table, but the adapter takes the columns name, count`},
		{"limit", "1..500", "1..5000",
			`# Things: states the range 1..5000, but Limit's is 1..500 (0 = no paging)`},
		{"state", "DONE -> succeeded", "DONE -> running",
			`after "State (any case)" the doc maps RUNNING -> running, DONE -> running, FAIL -> failed; the adapter's table maps RUNNING -> running, DONE -> succeeded, FAIL -> failed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(sample, tc.old, tc.new, 1)
			if doc == sample {
				t.Fatalf("%q is not in the sample", tc.old)
			}
			got := check(t, doc)
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("problems:\n%s\nwant one containing\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}

func TestCheckValueLists(t *testing.T) {
	fs := sampleSpec.Filters
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"`level` (critical, high, low; one value), `name` (Eq or Like), level as before", nil},
		{"level (critical, low), cve_id (anything)", []string{"here: lists level (critical, low); the adapter's values are critical, high, low"}},
		{"sublevel (x, y)", nil}, // another word
	} {
		if d := cmp.Diff(tc.want, CheckValueLists("here", tc.text, fs)); d != "" {
			t.Errorf("CheckValueLists(%q) (-want +got):\n%s", tc.text, d)
		}
	}
}

func TestMarkdownRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	md := "# T\n\n| kind | filters |\n|---|---|\n| a | `level` (high) |\n| b (x) | none |\n"
	if err := os.WriteFile(path, []byte(md), 0o600); err != nil {
		t.Fatal(err)
	}
	cells, line, err := MarkdownRow(path, "b (x)")
	if err != nil || line != 6 || !slices.Equal(cells, []string{"b (x)", "none"}) {
		t.Errorf("MarkdownRow(b (x)) = %q, %d, %v; want [b (x) none], 6, nil", cells, line, err)
	}
	if _, _, err := MarkdownRow(path, "c"); err == nil {
		t.Error("MarkdownRow(c) found a row that is not there")
	}
}
