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
