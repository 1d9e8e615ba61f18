package vocab

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/errs"
)

var table = Filters{
	{Field: "level", Vendor: "Level", Kind: Enumerated, Values: Enums{{"high", "HIGH"}, {"medium", "MIDDLE"}}},
	{Field: "name", Vendor: "Name", Kind: String, Fuzzy: true, MaxLen: 5},
	{Field: "flag", Vendor: "flag", Kind: Bool, MaxValues: 1},
	{Field: "cpu", Vendor: "cpu", Kind: String, Pattern: regexp.MustCompile(`^[0-9]+m$`), Example: "100m"},
	{Field: "when", Vendor: "when", Kind: TimeRange},
}

func TestFiltersTranslate(t *testing.T) {
	from := time.Unix(1700000000, 0)
	got, err := table.Translate("k", []export.Filter{
		export.Eq("level", "High", "MEDIUM"),
		export.Like("name", "ssl"),
		export.Eq("flag", "TRUE"),
		export.Eq("cpu", "250m"),
		export.Between("when", from, time.Time{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	type flat struct {
		Vendor string
		Values []string
		Exact  bool
		From   time.Time
	}
	var gotFlat []flat
	for _, g := range got {
		gotFlat = append(gotFlat, flat{g.Spec.Vendor, g.Values, g.Exact, g.From})
	}
	want := []flat{
		{"Level", []string{"HIGH", "MIDDLE"}, true, time.Time{}},
		{"Name", []string{"ssl"}, false, time.Time{}},
		{"flag", []string{"true"}, true, time.Time{}},
		{"cpu", []string{"250m"}, true, time.Time{}},
		{"when", nil, true, from},
	}
	if diff := cmp.Diff(want, gotFlat, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFiltersReject(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		f    export.Filter
		want string // part of the message
	}{
		{export.Eq("nope", "x"), "want one of level, name, flag, cpu, when"},
		{export.Eq("level", "urgent"), "want one of high, medium"},
		{export.Like("level", "hi"), "fuzzy matching"},
		{export.Eq("name", "toolong"), "at most 5"},
		{export.Eq("name", ""), "too short"},
		{export.Eq("flag", "yes"), "want true or false"},
		{export.Eq("flag", "true", "false"), "takes one value"},
		{export.Eq("cpu", "1 core"), "such as 100m"},
		{export.Eq("when", "x"), "range field"},
		{export.Between("when", now, now.Add(-time.Hour)), "before it starts"},
		{export.Between("name", now, now), "only range fields take From and To"},
		{export.Eq("level"), "no value"},
		{export.Eq("name", "a\x00b"), "Values[0]: control character U+0000"},
		{export.Eq("level", "high", "\xff"), "Values[1]: not valid UTF-8"},
		{export.Eq("level", strings.Repeat("x", 2000)), "Values[0]: 2000 characters; want at most 1024"},
		{export.Eq("level", make([]string, 101)...), "Values: 101 values; want at most 100"},
		{export.Between("when", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}), "outside"},
		{export.Between("when", time.Time{}, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)), "outside"},
	} {
		_, err := table.Translate("k", []export.Filter{tc.f})
		if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.f.Field) {
			t.Errorf("%+v: err = %v; want InvalidArgument naming %q and saying %q", tc.f, err, tc.f.Field, tc.want)
		}
	}
	if _, err := table.Translate("k", []export.Filter{export.Eq("level", "high"), export.Eq("level", "medium")}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("a field given twice: %v", err)
	}
	if _, err := (Filters{}).Translate("k", []export.Filter{export.Eq("x", "y")}); err == nil || !strings.Contains(err.Error(), "take no filters") {
		t.Errorf("filters on a kind without any: %v", err)
	}
}

// An open bound is filled from the window, so the vendor never sees one.
func TestRangeBoundsAreFilled(t *testing.T) {
	from := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	got, err := table.Translate("k", []export.Filter{export.Between("when", from, time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].From.Equal(from) || got[0].From.Location() != time.UTC || !got[0].To.Equal(check.DefaultWindow.Max) {
		t.Errorf("From %v, To %v; want %v in UTC and the window's end", got[0].From, got[0].To, from)
	}
}

func TestColumns(t *testing.T) {
	cols := Columns{{"name", "Name", "Component"}, {"version", "Version", "Version"}}
	got, err := cols.Translate("k", nil)
	if err != nil || len(got) != 2 || got[0].Header != "Component" {
		t.Fatalf("defaults: %+v, %v", got, err)
	}
	got, err = cols.Translate("k", []export.Column{{Key: "version", Header: "Ver"}, {Key: "name"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Version:Ver", "Name:Component"}, []string{got[0].Spec.Vendor + ":" + got[0].Header, got[1].Spec.Vendor + ":" + got[1].Header}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range [][]export.Column{{{Key: "nope"}}, {{Key: "name"}, {Key: "name"}}, {{Key: "name", Header: "a\nb"}}, {{Key: "name", Header: "a\x1b[31m"}}, {{Key: "name", Header: "\xc3("}}, {{Key: "name", Header: "rtl\u202e"}}} {
		if _, err := cols.Translate("k", bad); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if v, err := cols.Sort("k", &export.Sort{Field: "version"}); err != nil || v != "Version" {
		t.Errorf("Sort = %q, %v", v, err)
	}
	if _, err := cols.Sort("k", &export.Sort{Field: "nope"}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Sort on unknown: %v", err)
	}
}

func TestPaging(t *testing.T) {
	for _, tc := range []struct {
		req      export.Request
		offsetOK bool
		max      int
		ok       bool
	}{
		{export.Request{Limit: 10}, true, 10, true},
		{export.Request{Limit: 11}, true, 10, false},
		{export.Request{Offset: -1}, true, 10, false},
		{export.Request{Limit: -1}, true, 10, false},
		{export.Request{Offset: 3}, false, 10, false},
		{export.Request{Limit: 3}, false, 0, false},
		{export.Request{}, false, 0, true},
	} {
		err := Paging("k", tc.req, tc.offsetOK, tc.max)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%+v offsetOK=%v max=%d: %v", tc.req, tc.offsetOK, tc.max, err)
		}
	}
}

func TestNotHere(t *testing.T) {
	fs := Filters{
		{Field: "level", Vendor: "Level", Kind: Enumerated, Values: Enums{{"high", "3"}}},
		{Field: "cve_id", NotHere: "no CVE filter here (it is another cloud's)"},
	}
	if d := cmp.Diff([]string{"level"}, fs.Names()); d != "" {
		t.Errorf("Names (-want +got):\n%s", d)
	}
	_, err := fs.Translate("k", []export.Filter{export.Eq("level", "high"), export.Eq("cve_id", "CVE-2024-6387")})
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("err = %v; want ErrInvalidArgument", err)
	}
	for _, w := range []string{"Filters[1]", "cve_id", "no CVE filter here (it is another cloud's)", "want one of level"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not mention %q", err, w)
		}
	}
}

type closer struct {
	strings.Reader
	closed bool
}

func (c *closer) Close() error { c.closed = true; return nil }

func TestTitlesAndDescribed(t *testing.T) {
	cols := Columns{{Key: "name", Vendor: "vul_name", Header: "Vulnerability Name"}, {Key: "status", Vendor: "Status", Header: "Status"}}
	want := []export.Column{{Key: "name", Header: "Vulnerability Name"}, {Key: "name", Header: "vul_name"}, {Key: "status", Header: "Status"}}
	if d := cmp.Diff(want, cols.Titles()); d != "" {
		t.Errorf("Titles (-want +got):\n%s", d)
	}
	rc := &closer{Reader: *strings.NewReader("a,b\n")}
	d := Describe(rc, FileTable{Titles: want, Cell: func(key, cell string) string {
		if key == "status" && cell == "待处理" {
			return "unfixed"
		}
		return cell
	}})
	got := d.Columns()
	got[0].Key = "changed"
	if d.Columns()[0].Key != "name" {
		t.Error("Columns hands out its table, not a copy")
	}
	b := make([]byte, 4)
	if n, _ := d.Read(b); string(b[:n]) != "a,b\n" {
		t.Errorf("Read = %q", b[:n])
	}
	if d.NeutralCell("status", "待处理") != "unfixed" || d.NeutralCell("name", "待处理") != "待处理" {
		t.Error("NeutralCell does not follow the table's Cell")
	}
	if (&Described{}).NeutralCell("status", "x") != "x" {
		t.Error("NeutralCell without a Cell changed the cell")
	}
	if d.Close(); !rc.closed {
		t.Error("Close did not close the body")
	}
}

func TestSpecNoColumns(t *testing.T) {
	req := export.Request{Columns: export.Cols("name")}
	_, err := Spec{NoColumns: "the vendor has no column choice"}.Check("k", req)
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "the vendor has no column choice") {
		t.Errorf("with NoColumns: %v", err)
	}
	if _, err := (Spec{}).Check("k", req); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "take no columns") {
		t.Errorf("without NoColumns: %v", err)
	}
}

func TestNeutralCells(t *testing.T) {
	fs := append(Filters{
		{Field: "on", Vendor: "On", Kind: Bool, Values: Enums{{"true", "1"}}}, // false is sent as "false"
		{Field: "gone", Vendor: "Gone", Kind: Enumerated, Values: Enums{{"x", "X"}}, NotHere: "not on this cloud"},
	}, table...)
	secs := func(c string) (time.Time, bool) { // a vendor writing epoch seconds
		if c == "1700000000" {
			return time.Unix(1700000000, 0).In(time.FixedZone("CST", 8*3600)), true
		}
		return time.Time{}, false
	}
	type cell struct{ key, in string }
	cases := []struct {
		name  string
		parse func(string) (time.Time, bool)
		in    []cell
		want  []string
	}{
		{"enumerated, any case and spaces", secs,
			[]cell{{"level", "HIGH"}, {"level", "middle"}, {"level", " HIGH "}},
			[]string{"high", "medium", "high"}},
		{"enumerated, unknown or already neutral kept", secs,
			[]cell{{"level", "SEVERE"}, {"level", ""}, {"level", "high"}},
			[]string{"SEVERE", "", "high"}},
		{"bool as sent", secs,
			[]cell{{"flag", "TRUE"}, {"flag", "False"}, {"flag", "yes"}, {"flag", "1"}},
			[]string{"true", "false", "yes", "1"}},
		{"bool with vendor spellings", secs,
			[]cell{{"on", "1"}, {"on", "FALSE"}, {"on", "TRUE"}, {"on", "0"}},
			[]string{"true", "false", "TRUE", "0"}},
		{"time by the vendor's parser, in UTC", secs,
			[]cell{{"when", "1700000000"}, {"when", " 1700000000 "}, {"when", "yesterday"}, {"when", ""}},
			[]string{"2023-11-14T22:13:20Z", "2023-11-14T22:13:20Z", "yesterday", ""}},
		{"time without a parser kept", nil,
			[]cell{{"when", "1700000000"}},
			[]string{"1700000000"}},
		{"text, unknown and refused fields kept", secs,
			[]cell{{"name", " HIGH "}, {"cpu", "TRUE"}, {"other", "HIGH"}, {"gone", "X"}},
			[]string{" HIGH ", "TRUE", "HIGH", "X"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fs.NeutralCells(c.parse)
			var got []string
			for _, in := range c.in {
				got = append(got, f(in.key, in.in))
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
