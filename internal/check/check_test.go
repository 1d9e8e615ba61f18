package check_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// verdict is what a check said: "" for accepted, else the error message.
func verdict(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.InvalidArgument {
		t.Fatalf("error %v is not an InvalidArgument *errs.Error", err)
	}
	return e.Message
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, v string
		max     int
		want    string // substring of the message; "" = accepted
	}{
		{"plain", "nginx", 0, ""},
		{"empty", "", 0, ""},
		{"unicode", "容器-名称 ü", 0, ""},
		{"at the limit in characters", strings.Repeat("容", 255), 255, ""},
		{"over the limit", strings.Repeat("a", 256), 255, "256 characters; want at most 255"},
		{"default limit", strings.Repeat("a", check.MaxTextLen+1), 0, "want at most 1024"},
		{"invalid utf-8", "ab\xffc", 0, "not valid UTF-8"},
		{"nul", "a\x00b", 0, "control character U+0000 at byte 1"},
		{"newline", "a\nb", 0, "control character U+000A"},
		{"tab", "a\tb", 0, "control character U+0009"},
		{"del", "a\x7f", 0, "control character U+007F"},
		{"c1", "a\u0085", 0, "control character U+0085"},
		{"line separator", "a\u2028b", 0, "control character U+2028"},
		{"bidi override", "abc\u202egpj.exe", 0, "control character U+202E"},
		{"bom", "\ufeffname", 0, "control character U+FEFF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdict(t, check.Text("Filters[0].Values[1]", tc.v, tc.max))
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("Text(%q) = %q; want %q", tc.v, got, tc.want)
			}
			if got != "" && !strings.HasPrefix(got, "Filters[0].Values[1]: ") {
				t.Errorf("message %q does not start with the field", got)
			}
		})
	}
}

func TestID(t *testing.T) {
	uuid := "3f2b6c1e-8d4a-4b7e-9c0f-1a2b3c4d5e6f"
	for _, tc := range []struct {
		name, v string
		max     int
		want    string
	}{
		{"uuid", uuid, check.ROMAAppIDLen, ""},
		{"hex job id", "ff8080814dbd65d7014dbe0d84db0013", check.ROMAJobIDLen, ""},
		{"image id", "sha256:" + strings.Repeat("ab", 32), 0, ""},
		{"cvm ids", "img-dz6w75t0", 0, ""},
		{"dots inside", "a.b..c", 0, ""},
		{"empty", "", 32, "empty; want 1 to 32 of ASCII letters"},
		{"dot", ".", 0, `"." is a path step`},
		{"dot dot", "..", 0, `".." is a path step`},
		{"slash", "../etc", 0, `'/' at byte 2 is not allowed`},
		{"space", "a b", 0, "a space at byte 1"},
		{"percent", "a%2e%2e", 0, `'%' at byte 1`},
		{"query", "a?x=1", 0, `'?' at byte 1`},
		{"hash", "a#x", 0, `'#' at byte 1`},
		{"backslash", `a\b`, 0, `'\\' at byte 1`},
		{"invalid utf-8", "a\xff", 0, "an invalid UTF-8 byte at byte 1"},
		{"non-ascii", "é", 0, `'é' at byte 0`},
		{"control", "a\r\nb", 0, "control character U+000D at byte 1"},
		{"37-char uuid-ish", uuid + "0", check.ROMAAppIDLen, "37 bytes; want at most 36"},
		{"1 MiB job id", strings.Repeat("a", 1<<20), 0, "1048576 bytes; want at most 128"},
		{"128 is fine", strings.Repeat("a", 128), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdict(t, check.ID("Job.ID", tc.v, tc.max))
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("ID(%.40q) = %q; want %q", tc.v, got, tc.want)
			}
			if got != "" && (!strings.HasPrefix(got, "Job.ID: ") || len(got) > 300) {
				t.Errorf("message %.100q does not start with the field, or echoes the whole value", got)
			}
		})
	}
}

func TestListsNameTheElement(t *testing.T) {
	many := make([]string, 10000)
	for i := range many {
		many[i] = "v"
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"10000 filter values", check.Texts("Filters[0].Values", many, 0, 0), "Filters[0].Values: 10000 values; want at most 100"},
		{"bad third value", check.Texts("Filters[0].Values", []string{"a", "b", "c\x00"}, 0, 0), "Filters[0].Values[2]: control character"},
		{"vendor count", check.Texts("Filters[1].Values", []string{"a", "b"}, 1, 0), "Filters[1].Values: 2 values; want at most 1"},
		{"ids fine", check.IDs("Target.AppIDs", []string{"a", "b"}, check.ROMAMaxAssetIDs, check.ROMAAppIDLen), ""},
		{"id twice", check.IDs("Target.AppIDs", []string{"a", "b", "a"}, 0, 0), `Target.AppIDs[2]: "a" is given twice (also at index 0)`},
		{"bad id", check.IDs("Target.TaskIDs", []string{"ok", "../x"}, 0, 0), "Target.TaskIDs[1]: '/' at byte 2"},
		{"too many ids", check.IDs("Target.AppIDs", many[:101], check.ROMAMaxAssetIDs, 0), "Target.AppIDs: 101 values; want at most 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdict(t, tc.err)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("got %q; want %q", got, tc.want)
			}
		})
	}
}

func TestRange(t *testing.T) {
	w := check.DefaultWindow
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	type out struct {
		From, To time.Time
		Err      string
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     out
	}{
		{"closed", d(2025, 1, 1), d(2025, 2, 1), out{From: d(2025, 1, 1), To: d(2025, 2, 1)}},
		{"open to", d(2025, 1, 1), time.Time{}, out{From: d(2025, 1, 1), To: w.Max}},
		{"open from", time.Time{}, d(2025, 1, 1), out{From: w.Min, To: d(2025, 1, 1)}},
		{"both open", time.Time{}, time.Time{}, out{From: w.Min, To: w.Max}},
		{"equal", d(2025, 1, 1), d(2025, 1, 1), out{From: d(2025, 1, 1), To: d(2025, 1, 1)}},
		{"other zone", time.Date(2025, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)), time.Time{}, out{From: d(2025, 1, 1), To: w.Max}},
		// Issue 11: From in 9999 with To open reached HSS inverted.
		{"year 9999, open to", d(9999, 1, 1), time.Time{}, out{Err: "Filters[0]: From 9999-01-01T00:00:00Z is outside 1970-01-01T00:00:00Z to 2099-01-03T03:59:59Z"}},
		{"inverted", d(2025, 2, 1), d(2025, 1, 1), out{Err: "Filters[0]: the range starts (From 2025-02-01T00:00:00Z) after it ends (To 2025-01-01T00:00:00Z"}},
		{"before 1970", d(1969, 12, 31), d(2025, 1, 1), out{Err: "From 1969-12-31T00:00:00Z is outside"}},
		{"to after window", d(2025, 1, 1), d(2100, 1, 1), out{Err: "To 2100-01-01T00:00:00Z is outside"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to, err := w.Range("Filters[0]", tc.from, tc.to)
			got := out{From: from, To: to, Err: verdict(t, err)}
			if tc.want.Err != "" && strings.Contains(got.Err, tc.want.Err) {
				got.Err = tc.want.Err
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Range (-want +got):\n%s", diff)
			}
		})
	}
}
