package rows

import "testing"

// A number cell that is not a finite serial (NaN) under a date format is
// kept as written, not rendered as a date out of int(NaN).
func TestRenderDateRefusesNaN(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "-NaN"} {
		if got, ok := renderDate(v, dateOnly, false); ok {
			t.Errorf("renderDate(%q) = %q, true; want false", v, got)
		}
	}
}
