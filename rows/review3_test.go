package rows_test

import (
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
