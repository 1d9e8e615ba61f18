package errs

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	long := strings.Repeat("a", MaxVendorText-1) + "日本" // the cut splits 日
	for _, tc := range []struct{ name, in, want string }{
		{"short text is kept", "quota exceeded", "quota exceeded"},
		{"exactly the limit is kept", strings.Repeat("b", MaxVendorText), strings.Repeat("b", MaxVendorText)},
		{"over the limit is cut and marked", strings.Repeat("c", MaxVendorText+1), strings.Repeat("c", MaxVendorText) + "…"},
		{"a split rune is dropped", long, strings.Repeat("a", MaxVendorText-1) + "…"},
		{"a bad byte early costs nothing after it", "a\xffb", "a\uFFFDb"},
	} {
		got := Clip(tc.in)
		if got != tc.want {
			t.Errorf("%s: Clip = %q, want %q", tc.name, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("%s: Clip gave invalid UTF-8 %q", tc.name, got)
		}
	}
}

func TestClipTo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"héllo", 2, "h…"}, // the cut splits é
		{"héllo", 3, "hé…"},
		{"key", 64, "key"},
	} {
		if got := ClipTo(tc.in, tc.max); got != tc.want {
			t.Errorf("ClipTo(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
