package rows_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/rows"
)

// A JSON file whose later objects bring new keys widens the header; ReadAll
// must return the widened header, or the rows are wider than the header and
// the new columns have no names.
func TestReadAllJSONHeaderWidens(t *testing.T) {
	header, data, err := rows.ReadAll(strings.NewReader(`[{"a":"1"},{"a":"2","b":"3"}]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a", "b"}, header); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	for i, r := range data {
		if len(r) > len(header) {
			t.Errorf("row %d has %d cells, header %d", i, len(r), len(header))
		}
	}
}

// A JSON token too large for the decoder's buffer is refused with a
// LimitError naming the MaxCell in force, not some other number.
func TestJSONGuardNamesTheLimitInForce(t *testing.T) {
	in := `[{"a":"` + strings.Repeat("x", 200<<10) + `"}]`
	_, _, err := rows.ReadAll(strings.NewReader(in), &rows.Options{Limits: rows.Limits{MaxCell: 100}})
	var le *rows.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	if le.Limit != "MaxCell" || le.Value != 100 {
		t.Errorf("LimitError = %s %d, want MaxCell 100", le.Limit, le.Value)
	}
}

// A part name comes from the file: an error that names it quotes it, so a
// name holding a newline cannot forge a log line, and bounds it.
func TestPartNameInErrorIsQuoted(t *testing.T) {
	long := strings.Repeat("n", 5000)
	for _, target := range []string{"x&#10;INJECTED", long} {
		in := zipOf(t,
			"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"xl/worksheets/sheet1.xml", `<worksheet><sheetData/></worksheet>`,
			"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="`+target+`"/></Relationships>`,
		)
		_, _, err := rows.ReadAll(bytes.NewReader(in), nil)
		if err == nil {
			t.Fatal("a missing shared-string part was read")
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 1000 {
			t.Errorf("error message not quoted and bounded (%d bytes): %.200q", len(msg), msg)
		}
	}
}

// A shared-string index that is not a number is named in the error, but
// bounded: the cell may be MaxCell bytes.
func TestBadSSTIndexErrorIsBounded(t *testing.T) {
	in := workbook(t, `<worksheet><sheetData><row><c r="A1" t="s"><v>`+strings.Repeat("x", 5000)+`</v></c></row></sheetData></worksheet>`, `<sst><si><t>a</t></si></sst>`)
	_, _, err := rows.ReadAll(bytes.NewReader(in), nil)
	if err == nil {
		t.Fatal("a bad index was read")
	}
	if msg := err.Error(); len(msg) > 1000 {
		t.Errorf("error message of %d bytes: %.200q", len(msg), msg)
	}
}

// Stray end tags do not buy nesting: elements nested deeper than MaxDepth
// are refused however many unmatched end tags came before them.
func TestXMLStrayEndTagsDoNotLiftMaxDepth(t *testing.T) {
	sheet := `<worksheet>` + strings.Repeat(`</x>`, 100) + `<sheetData>` + strings.Repeat(`<x>`, 40) +
		strings.Repeat(`</x>`, 40) + `<row><c r="A1" t="inlineStr"><is><t>h</t></is></c></row></sheetData></worksheet>`
	in := workbook(t, sheet, "")
	_, _, err := rows.ReadAll(bytes.NewReader(in), &rows.Options{Limits: rows.Limits{MaxDepth: 16}})
	var le *rows.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxDepth" {
		t.Errorf("err = %v, want a MaxDepth LimitError", err)
	}
}

// The error for a zip without a table lists every member kind that is read.
func TestZipWithoutTableListsEveryKind(t *testing.T) {
	_, _, err := rows.ReadAll(bytes.NewReader(zipOf(t, "a.txt", "x")), nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, ext := range []string{".csv", ".json", ".jsonl", ".ndjson", ".xlsx"} {
		if !strings.Contains(err.Error(), ext) {
			t.Errorf("%q does not name %s", err, ext)
		}
	}
}

// A syntax error in a part is reported within bounds, though the decoder
// quotes what it choked on.
func TestXMLSyntaxErrorIsBounded(t *testing.T) {
	in := workbook(t, `<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>&`+strings.Repeat("n", 5000)+`;</t></is></c></row></sheetData></worksheet>`, "")
	_, _, err := rows.ReadAll(bytes.NewReader(in), nil)
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); len(msg) > 1000 {
		t.Errorf("error message of %d bytes: %.200q", len(msg), msg)
	}
}

// A stray </rPh> does not silence the text of every later shared string or
// inline string.
func TestStrayRPhEndKeepsLaterText(t *testing.T) {
	sheet := `<worksheet><sheetData><row><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"></rPh><is><t>b</t></is></c></row><row><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`
	header, _, err := rows.ReadAll(bytes.NewReader(workbook(t, sheet, `<sst></rPh><si><t>a</t></si></sst>`)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a", "b"}, header); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
}
