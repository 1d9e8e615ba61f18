package vocab

import (
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
)

// Every paging refusal says what is allowed, a negative Offset included.
func TestPagingErrorsSayWhatIsAllowed(t *testing.T) {
	for _, tc := range []struct {
		req      export.Request
		offsetOK bool
		max      int
	}{
		{export.Request{Offset: -1}, true, 10},
		{export.Request{Limit: -1}, true, 10},
		{export.Request{Limit: 11}, true, 10},
		{export.Request{Offset: 3}, false, 10},
		{export.Request{Limit: 3}, false, 0},
	} {
		err := Paging("k", tc.req, tc.offsetOK, tc.max)
		if err == nil {
			t.Fatalf("%+v: no error", tc.req)
		}
		msg := err.Error()
		if !strings.Contains(msg, "want") && !strings.Contains(msg, "use ") && !strings.Contains(msg, "leave") {
			t.Errorf("%+v: %q says nothing of what is allowed", tc.req, msg)
		}
	}
}
