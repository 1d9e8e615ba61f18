package rows_test

import (
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
