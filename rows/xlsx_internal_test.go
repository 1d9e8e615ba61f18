package rows

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormatKind(t *testing.T) {
	got := map[string]byte{}
	want := map[string]byte{
		"General":              plain,
		"0.00E+00":             plain,
		"#,##0.00":             plain,
		`0 "days"`:             plain,
		"[Red]0.00":            plain,
		"yyyy-mm-dd":           dateOnly,
		"mmm-yy":               dateOnly,
		`dd"/"mm"/"yyyy`:       dateOnly,
		"[$-409]d-mmm-yyyy":    dateOnly,
		"h:mm AM/PM":           timeOnly,
		"mm:ss":                timeOnly,
		"[h]:mm":               timeOnly,
		"yyyy/mm/dd hh:mm:ss":  dateTime,
		"yyyy-mm-dd;@":         dateOnly,
		`yyyy"年"m"月"d"日" h:mm`: dateTime,
	}
	for code := range want {
		got[code] = formatKind(code)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("formatKind (-want +got):\n%s", d)
	}
}

func TestRenderDate(t *testing.T) {
	for _, tc := range []struct {
		v        string
		kind     byte
		date1904 bool
		want     string
		ok       bool
	}{
		{"45360", dateOnly, false, "2024-03-09", true},
		{"45360.5868055556", dateTime, false, "2024-03-09T14:05:00Z", true},
		{"0.75", timeOnly, false, "18:00:00", true},
		{"1", dateOnly, false, "1900-01-01", true},
		{"61", dateOnly, false, "1900-03-01", true},
		{"0", dateOnly, true, "1904-01-01", true},
		{"-1", dateOnly, false, "", false},
		{"1e308", dateOnly, false, "", false},
		{"abc", dateOnly, false, "", false},
	} {
		got, ok := renderDate(tc.v, tc.kind, tc.date1904)
		if got != tc.want || ok != tc.ok {
			t.Errorf("renderDate(%q, %d, %v) = %q, %v; want %q, %v", tc.v, tc.kind, tc.date1904, got, ok, tc.want, tc.ok)
		}
	}
}

func TestColumn(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA3": 26, "aB2": 27, "12": -1, "": -1} {
		if got, err := column(ref, 1024); err != nil || got != want {
			t.Errorf("column(%q) = %d, %v; want %d", ref, got, err, want)
		}
	}
	if _, err := column("ZZZZZZZZZZZZZZZ1", 1024); err == nil {
		t.Error("column of a huge reference: no error")
	}
}
