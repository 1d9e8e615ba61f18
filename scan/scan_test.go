package scan_test

import (
	"testing"

	"github.com/cloudexport/cloudexport/scan"
)

func TestPeriodString(t *testing.T) {
	for p, want := range map[scan.Period]string{
		{}:                   "",
		{1, scan.Day}:        "every day",
		{7, scan.Day}:        "every 7 days",
		{1, scan.Week}:       "every week",
		{2, scan.Month}:      "every 2 months",
		{0, "two_weeks"}:     "two_weeks",
		{1, scan.Unit("hr")}: "every hr",
	} {
		if got := p.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", p, got, want)
		}
	}
}
