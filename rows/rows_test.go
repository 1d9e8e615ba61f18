package rows_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/emulator"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
)

// table is what a Reader gave: the header at each change, and the rows.
type table struct {
	Member string
	Header []string
	Rows   [][]string
}

func readTables(t *testing.T, r io.Reader, opts *rows.Options) []table {
	t.Helper()
	rd, err := rows.NewReader(r, opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	defer rd.Close()
	var out []table
	for rd.Next() {
		if rd.HeaderChanged() {
			out = append(out, table{Member: rd.Member(), Header: rd.Header()})
		}
		last := &out[len(out)-1]
		if len(rd.Row()) != len(rd.Header()) {
			t.Fatalf("row %q is not aligned with header %q", rd.Row(), rd.Header())
		}
		last.Rows = append(last.Rows, slices.Clone(rd.Row()))
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	return out
}

func zipOf(t testing.TB, members ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		w, err := zw.Create(members[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, members[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExcelizeWorkbook reads a workbook written the ordinary (shared
// strings, styles) way by excelize: numbers, booleans, built-in and custom
// date formats, a gap in a row, and a second sheet that is not read.
func TestExcelizeWorkbook(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Components"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("Components", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"Component", "Vulnerabilities", "Fixed", "Found", "Seen at", "At", "Note"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	when := time.Date(2024, 3, 9, 14, 5, 30, 0, time.UTC)
	set("A2", "openssl")
	set("B2", 3)
	set("C2", true)
	set("D2", when)
	set("E2", when)
	set("F2", 0.5)
	set("G2", "ünïcode & <xml>")
	set("A3", "zlib")
	set("B3", 0.25)
	set("C3", false)
	// D3..F3 left empty: a gap.
	set("G3", "last")
	dateOnly, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	custom := "yyyy/mm/dd hh:mm:ss"
	dateTime, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	timeOnly, _ := f.NewStyle(&excelize.Style{NumFmt: 21})
	f.SetCellStyle("Components", "D2", "D2", dateOnly)
	f.SetCellStyle("Components", "E2", "E2", dateTime)
	f.SetCellStyle("Components", "F2", "F2", timeOnly)
	if err := f.SetCellValue("Other", "A1", "not read"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	// The caller renamed two columns in its request; the file carries its
	// custom headers, which come back as keys.
	opts := &rows.Options{Columns: []export.Column{{Key: "name", Header: "Component"}, {Key: "vul_count", Header: " VULNERABILITIES "}}}
	got := readTables(t, &buf, opts)
	want := []table{{
		Member: "Components",
		Header: []string{"name", "vul_count", "Fixed", "Found", "Seen at", "At", "Note"},
		Rows: [][]string{
			{"openssl", "3", "true", "2024-03-09", "2024-03-09T14:05:30Z", "12:00:00", "ünïcode & <xml>"},
			{"zlib", "0.25", "false", "", "", "", "last"},
		},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestEmulatorWorkbook reads the inline-string workbooks the emulators serve
// (excelize's stream writer), from a path and from a plain io.Reader.
func TestEmulatorWorkbook(t *testing.T) {
	header := []string{"Container ID", "Name", "Status"}
	data := [][]string{{"c1", "nginx", "Running"}, {"c2", "", "Exited"}}
	b, err := emulator.XLSX("Container List", header, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []table{{Member: "Container List", Header: []string{"container_id", "Name", "status"}, Rows: data}}
	opts := &rows.Options{Columns: []export.Column{{Key: "container_id", Header: "Container ID"}, {Key: "status"}}}
	if d := cmp.Diff(want, readTables(t, onlyReader{bytes.NewReader(b)}, opts)); d != "" {
		t.Errorf("io.Reader (-want +got):\n%s", d)
	}
	path := filepath.Join(t.TempDir(), "c.xlsx")
	os.WriteFile(path, b, 0o600)
	rd, err := rows.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var got [][]string
	for row, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, slices.Clone(row))
	}
	if d := cmp.Diff(data, got); d != "" {
		t.Errorf("Open (-want +got):\n%s", d)
	}
}

// TestWorkbookLayouts reads hand-written workbooks in layouts other
// writers use: a namespace prefix on every element, absolute relationship
// targets, the first sheet in workbook order not being sheet1.xml, the 1904
// date system with a custom date format, rich-text shared strings with
// phonetic runs, and cells without references.
func TestWorkbookLayouts(t *testing.T) {
	data := zipOf(t,
		"xl/workbook.xml", `<x:workbook xmlns:x="main" xmlns:r="rels"><x:workbookPr date1904="1"/><x:sheets>`+
			`<x:sheet name="First" sheetId="2" r:id="rId2"/><x:sheet name="Second" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels", `<Relationships>`+
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>`+
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>`+
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/strings.xml"/>`+
			`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/strings.xml", `<x:sst xmlns:x="main"><x:si><x:r><x:t>Na</x:t></x:r><x:r><x:t xml:space="preserve">me </x:t></x:r><x:rPh><x:t>ナ</x:t></x:rPh></x:si><x:si><x:t>When</x:t></x:si></x:sst>`,
		"xl/styles.xml", `<x:styleSheet xmlns:x="main"><x:numFmts><x:numFmt numFmtId="164" formatCode="dd&quot;/&quot;mm&quot;/&quot;yyyy"/></x:numFmts>`+
			`<x:cellStyleXfs><x:xf numFmtId="22"/></x:cellStyleXfs><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="164"/></x:cellXfs></x:styleSheet>`,
		"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml", `<x:worksheet xmlns:x="main"><x:sheetData>`+
			`<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>`+
			`<x:row r="2"><x:c/><x:c/></x:row>`+
			`<x:row r="3"><x:c t="str"><x:f>A1</x:f><x:v>formula &amp; text</x:v></x:c><x:c s="1"><x:v>0</x:v></x:c></x:row>`+
			`<x:row r="4"><x:c t="e"><x:v>#N/A</x:v></x:c><x:c s="0"><x:v>1.5</x:v></x:c></x:row>`+
			`</x:sheetData><x:mergeCells/></x:worksheet>`,
	)
	got := readTables(t, bytes.NewReader(data), &rows.Options{Columns: []export.Column{{Key: "name", Header: "name"}}})
	want := []table{{Member: "First", Header: []string{"name", "When"}, Rows: [][]string{
		{"formula & text", "1904-01-01"},
		{"#N/A", "1.5"},
	}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// onlyReader hides every method but Read, as a network body does.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestCSV reads a file written by encoding/csv, with a byte-order mark,
// quoted commas, quotes and newlines, a blank line and a short row.
func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.WriteAll([][]string{{"Name", "Path", "Note"}, {"a,b", `say "hi"`, "two\nlines"}})
	buf.WriteString("\r\nshort\r\n")
	got := readTables(t, &buf, nil)
	want := []table{{Header: []string{"Name", "Path", "Note"}, Rows: [][]string{{"a,b", `say "hi"`, "two\nlines"}, {"short", "", ""}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in, format string
		want             []table
	}{
		{"array", `[{"id":"a","n":2,"ok":true,"x":null},{"id":"b","tags":["t",{"k":"<v>"}]}]`, "", []table{
			{Header: []string{"id", "n", "ok", "x"}, Rows: [][]string{{"a", "2", "true", ""}}},
			{Header: []string{"id", "n", "ok", "x", "tags"}, Rows: [][]string{{"b", "", "", "", `["t",{"k":"<v>"}]`}}},
		}},
		{"envelope", `{"total":2,"items":[{"id":"a"},{"id":"b"}],"more":[{"id":"c"}]}`, "", []table{
			{Header: []string{"id"}, Rows: [][]string{{"a"}, {"b"}}},
		}},
		{"one object", `{"id":"a1","name":"orders","tags":["x"],"n":2.50}`, "", []table{
			{Header: []string{"id", "name", "tags", "n"}, Rows: [][]string{{"a1", "orders", `["x"]`, "2.50"}}},
		}},
		{"lines", "{\"id\":1,\"sub\":[{\"a\":1}]}\n{\"id\":2}\n", "", []table{
			{Header: []string{"id", "sub"}, Rows: [][]string{{"1", `[{"a":1}]`}, {"2", ""}}},
		}},
		{"byte-order mark", "\xef\xbb\xbf[{\"id\":1}]", "", []table{{Header: []string{"id"}, Rows: [][]string{{"1"}}}}},
		{"lines forced", `{"id":1}`, "jsonl", []table{{Header: []string{"id"}, Rows: [][]string{{"1"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readTables(t, strings.NewReader(tc.in), &rows.Options{Format: tc.format})
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestArchive reads a ROMA-style asset archive: a csv manifest and JSON
// members, skipping what is not a table.
func TestArchive(t *testing.T) {
	book, err := emulator.XLSX("S", []string{"k"}, [][]string{{"v"}})
	if err != nil {
		t.Fatal(err)
	}
	data := zipOf(t,
		"manifest.csv", "type,id\napp,a1\n",
		"README.txt", "skipped",
		"apps/a1.json", `{"id":"a1","name":"orders"}`,
		"more/b.xlsx", string(book),
	)
	tmp := t.TempDir()
	got := readTables(t, onlyReader{bytes.NewReader(data)}, &rows.Options{TempDir: tmp})
	want := []table{
		{Member: "manifest.csv", Header: []string{"type", "id"}, Rows: [][]string{{"app", "a1"}}},
		{Member: "apps/a1.json", Header: []string{"id", "name"}, Rows: [][]string{{"a1", "orders"}}},
		{Member: "more/b.xlsx/S", Header: []string{"k"}, Rows: [][]string{{"v"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spooled files left after Close: %v", left)
	}
}

// TestCloseRemovesSpool checks that the spooled copy exists while reading
// and is gone after Close.
func TestCloseRemovesSpool(t *testing.T) {
	tmp := t.TempDir()
	rd, err := rows.NewReader(onlyReader{bytes.NewReader(zipOf(t, "a.csv", "h\n1\n"))}, &rows.Options{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if !rd.Next() || rd.Row()[0] != "1" {
		t.Fatalf("first row: %q, %v", rd.Row(), rd.Err())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 1 {
		t.Errorf("%d spooled files while reading, want 1", len(left))
	}
	if err := rd.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spooled files left after Close: %v", left)
	}
}

// TestSharedStringsSpill reads a workbook whose shared-string table is
// larger than what is held in memory, so most of it is spooled, and checks
// every cell, a string repeated from the start of the table, and that the
// spool is removed on Close.
func TestSharedStringsSpill(t *testing.T) {
	const n = 300_000 // about 7 MiB of strings
	value := func(i int) string { return fmt.Sprintf("value-%07d-%s", i, strings.Repeat("x", i%7)) }
	var buf bytes.Buffer
	i := -1
	err := writeSSTWorkbook(&buf, []string{"Value", "Type"}, func() []string {
		i++
		if i >= n {
			return nil
		}
		return []string{value(i), "deb"}
	})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	rd, err := rows.NewReader(bytes.NewReader(buf.Bytes()), &rows.Options{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for rd.Next() {
		if want := []string{value(got), "deb"}; !slices.Equal(rd.Row(), want) {
			t.Fatalf("row %d = %q, want %q", got, rd.Row(), want)
		}
		if got == n/2 {
			if left, _ := os.ReadDir(tmp); len(left) == 0 {
				t.Errorf("no spooled shared strings while reading a %d-string table", n)
			}
		}
		got++
	}
	if err := rd.Err(); err != nil || got != n {
		t.Fatalf("read %d rows, %v; want %d", got, err, n)
	}
	rd.Close()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spooled files left after Close: %v", left)
	}
}

// described is a download that knows its columns, as the adapters' are.
type described struct {
	io.Reader
	cols []export.Column
}

func (d described) Columns() []export.Column { return d.cols }

func TestDescriberMerge(t *testing.T) {
	in := described{
		Reader: strings.NewReader("Component,Version,Mine\nopenssl,1.1\n"),
		cols:   []export.Column{{Key: "name", Header: "Component"}, {Key: "version", Header: "Version"}},
	}
	opts := &rows.Options{Columns: []export.Column{{Key: "custom", Header: "mine"}, {Key: "product", Header: "Component"}}}
	header, data, err := rows.ReadAll(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"product", "version", "custom"}, header); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	if d := cmp.Diff([][]string{{"openssl", "1.1", ""}}, data); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestRecordAndHeaderOnly(t *testing.T) {
	rd, err := rows.NewReader(strings.NewReader("a,b\n1,2\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !rd.Next() {
		t.Fatal(rd.Err())
	}
	if d := cmp.Diff(map[string]string{"a": "1", "b": "2"}, rd.Record()); d != "" {
		t.Errorf("Record (-want +got):\n%s", d)
	}
	header, data, err := rows.ReadAll(strings.NewReader("a,b\n"), nil)
	if err != nil || len(data) != 0 {
		t.Fatalf("header-only file: %q %v", data, err)
	}
	if d := cmp.Diff([]string{"a", "b"}, header); d != "" {
		t.Errorf("header-only file (-want +got):\n%s", d)
	}
}

func TestMalformedIsInvalidArgument(t *testing.T) {
	for name, in := range map[string]string{
		"broken zip":         "PK\x03\x04garbage",
		"unclosed quote":     "a,\"b\n",
		"empty":              "",
		"bad json":           `[{"a":1},`,
		"json scalar":        `[1,2]`,
		"zip without tables": string(zipOf(t, "a.txt", "x")),
		"bad sheet xml":      string(workbook(t, `<worksheet><sheetData><row><c t="s"><v>7</v></c></row></sheetData></worksheet>`, "")),
	} {
		_, _, err := rows.ReadAll(strings.NewReader(in), nil)
		if !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", name, err)
		}
	}
	if _, err := rows.NewReader(strings.NewReader(""), &rows.Options{Format: "xls"}); !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Options.Format") {
		t.Errorf("bad Format: %v", err)
	}
}

// workbook returns a minimal .xlsx whose first sheet is sheetXML and whose
// shared-string part is sst ("" for none).
func workbook(t testing.TB, sheetXML, sst string) []byte {
	t.Helper()
	rels := `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	members := []string{
		"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml", sheetXML,
	}
	if sst != "" {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
		members = append(members, "xl/sharedStrings.xml", sst)
	}
	members = append(members, "xl/_rels/workbook.xml.rels", rels+`</Relationships>`)
	return zipOf(t, members...)
}

// repeat is an endless (or n-byte) stream of a pattern, so bombs cost no
// memory to build.
type repeat struct {
	prefix  string
	pattern string
	n       int64 // bytes after prefix; < 0 = endless
	off     int64
}

func (r *repeat) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		if r.off < int64(len(r.prefix)) {
			i += copy(p[i:], r.prefix[r.off:])
			r.off = int64(i)
			continue
		}
		body := r.off - int64(len(r.prefix))
		if r.n >= 0 && body >= r.n {
			if i == 0 {
				return 0, io.EOF
			}
			break
		}
		p[i] = r.pattern[body%int64(len(r.pattern))]
		i++
		r.off++
	}
	return i, nil
}

// deflated returns a zip holding name with n bytes of pattern, deflated.
func deflated(t testing.TB, name string, prefix, pattern string, n int64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, &repeat{prefix: prefix, pattern: pattern, n: n}); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// TestLimits feeds hostile files and checks each is refused with the limit
// it exceeds, named with the field to raise, before memory grows.
func TestLimits(t *testing.T) {
	manyMembers := func() []byte {
		var m []string
		for i := 0; i < 20; i++ {
			m = append(m, "m"+strings.Repeat("x", i)+".csv", "a\n1\n")
		}
		return zipOf(t, m...)
	}
	deepSheet := `<worksheet><sheetData>` + strings.Repeat("<x>", 10_000) + `</sheetData></worksheet>`
	hugeSST := `<sst>` + strings.Repeat("<si><t>0123456789abcdef</t></si>", 100_000) + `</sst>`
	for _, tc := range []struct {
		name  string
		in    func() io.Reader
		lim   rows.Limits
		limit string
	}{
		{"zip bomb", func() io.Reader {
			// 64 MiB of one csv member in a zip of about 64 KiB.
			return bytes.NewReader(deflated(t, "bomb.csv", "a,b\n", "x,y\n", 64<<20))
		}, rows.Limits{MaxBytes: 8 << 20}, "MaxBytes"},
		{"zip bomb declared", func() io.Reader {
			return bytes.NewReader(deflated(t, "bomb.csv", "a\n", "0\n", 16<<20))
		}, rows.Limits{MaxBytes: 1 << 20}, "MaxBytes"},
		{"csv endless cell", func() io.Reader {
			return &repeat{prefix: "a,b\n", pattern: "x", n: -1}
		}, rows.Limits{}, "MaxCell"},
		{"csv endless quoted cell", func() io.Reader {
			return &repeat{prefix: "a,b\n\"", pattern: "x\n", n: -1}
		}, rows.Limits{}, "MaxCell"},
		{"csv endless row", func() io.Reader {
			return &repeat{prefix: "a,b\n", pattern: "x,", n: -1}
		}, rows.Limits{}, "MaxColumns"},
		{"csv endless rows", func() io.Reader {
			return &repeat{prefix: "a\n", pattern: "1\n", n: -1}
		}, rows.Limits{MaxRows: 1000}, "MaxRows"},
		{"csv endless blank lines", func() io.Reader {
			return &repeat{prefix: "a\n", pattern: "\n", n: -1}
		}, rows.Limits{MaxBytes: 4 << 20}, "MaxBytes"},
		{"json endless string", func() io.Reader {
			return &repeat{prefix: `[{"a":"`, pattern: "x", n: -1}
		}, rows.Limits{}, "MaxCell"},
		{"json endless keys", func() io.Reader {
			return &repeat{prefix: `[{`, pattern: `"k":1,"kk":2,"kkk":3,"kkkk":4,"kkkkk":5,`, n: -1}
		}, rows.Limits{MaxColumns: 3}, "MaxColumns"},
		{"json long key", func() io.Reader {
			// A key is a header title held for the whole file: it is bounded
			// like a cell, not only by what the decoder may buffer.
			return strings.NewReader(`[{"` + strings.Repeat("k", 8<<10) + `":1}]`)
		}, rows.Limits{MaxCell: 1 << 10}, "MaxCell"},
		{"jsonl long key", func() io.Reader {
			return strings.NewReader(`{"a":1}` + "\n" + `{"` + strings.Repeat("k", 8<<10) + `":1}` + "\n")
		}, rows.Limits{MaxCell: 1 << 10}, "MaxCell"},
		{"json long nested key", func() io.Reader {
			return strings.NewReader(`[{"a":{"` + strings.Repeat("k", 8<<10) + `":1}}]`)
		}, rows.Limits{MaxCell: 1 << 10}, "MaxCell"},
		{"json deep nesting", func() io.Reader {
			return &repeat{prefix: `[{"a":`, pattern: "[", n: -1}
		}, rows.Limits{}, "MaxDepth"},
		{"zip directory too large", func() io.Reader {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for i := 0; i < 10; i++ {
				w, _ := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("m%d.csv", i), Comment: strings.Repeat("c", 60<<10)})
				io.WriteString(w, "a\n1\n")
			}
			zw.Close()
			return bytes.NewReader(buf.Bytes())
		}, rows.Limits{MaxMembers: 100}, "MaxMembers"},
		{"too many members", func() io.Reader { return bytes.NewReader(manyMembers()) }, rows.Limits{MaxMembers: 10}, "MaxMembers"},
		{"xlsx too many columns", func() io.Reader {
			return bytes.NewReader(workbook(t, `<worksheet><sheetData><row><c r="ZZZZ1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`, ""))
		}, rows.Limits{}, "MaxColumns"},
		{"xlsx enormous shared strings", func() io.Reader {
			return bytes.NewReader(workbook(t, `<worksheet><sheetData/></worksheet>`, hugeSST))
		}, rows.Limits{MaxSharedStrings: 1 << 20}, "MaxSharedStrings"},
		{"xlsx pathological nesting", func() io.Reader {
			return bytes.NewReader(workbook(t, deepSheet, ""))
		}, rows.Limits{}, "MaxDepth"},
		{"xlsx huge text", func() io.Reader {
			return bytes.NewReader(deflated(t, "xl/workbook.xml", "<workbook>", "x", 8<<20))
		}, rows.Limits{}, "MaxCell"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := rows.ReadAll(tc.in(), &rows.Options{Limits: tc.lim, TempDir: t.TempDir()})
			var le *rows.LimitError
			if !errors.As(err, &le) || le.Limit != tc.limit {
				t.Fatalf("err = %v, want a LimitError for %s", err, tc.limit)
			}
			if !errors.Is(err, provider.ErrResourceExhausted) || provider.CodeOf(err) != provider.ResourceExhausted {
				t.Errorf("err = %v, want ResourceExhausted", err)
			}
			if !strings.Contains(err.Error(), "Options.Limits."+tc.limit) {
				t.Errorf("err = %q does not say how to raise the limit", err)
			}
		})
	}
}

// TestCloseAfterCorruptMember reads a zip whose member's deflate stream is
// cut short: Err reports the corruption as InvalidArgument, once, and Close
// — which reports only failures to release resources — returns nil, also
// when the caller stops after the first row.
func TestCloseAfterCorruptMember(t *testing.T) {
	var body strings.Builder
	body.WriteString("id,name\n")
	for i := range 5000 {
		fmt.Fprintf(&body, "%d,host-%d\n", i, i*7919)
	}
	zipped := zipOf(t, "a.csv", body.String())
	// Spoil 8 bytes early in the compressed data; the central directory
	// stays intact, so the archive opens, the first rows decode, and the
	// decompressor has already met the damage when the first row comes back.
	cut := bytes.Clone(zipped)
	for i := 128; i < 136; i++ {
		cut[i] ^= 0x5a
	}
	for _, stopEarly := range []bool{false, true} {
		rd, err := rows.NewReader(bytes.NewReader(cut), &rows.Options{TempDir: t.TempDir()})
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		n := 0
		for rd.Next() {
			n++
			if stopEarly {
				break
			}
		}
		if n == 0 {
			t.Fatalf("stopEarly=%v: no row before the cut (err %v)", stopEarly, rd.Err())
		}
		if !stopEarly && !errors.Is(rd.Err(), provider.ErrInvalidArgument) {
			t.Errorf("Err = %v, want InvalidArgument for the cut member", rd.Err())
		}
		if err := rd.Close(); err != nil {
			t.Errorf("stopEarly=%v: Close = %v, want nil (the content error is Err's)", stopEarly, err)
		}
	}
}
