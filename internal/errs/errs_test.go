package errs

import "testing"

func TestCodeStringCoversEveryCode(t *testing.T) {
	seen := map[string]Code{}
	for c := Unknown; c <= JobFailed; c++ {
		s := c.String()
		if s == "" || s[0] == 'c' && s[:4] == "code" {
			t.Errorf("code %d has no name", int(c))
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("codes %d and %d share the name %q", prev, c, s)
		}
		seen[s] = c
	}
	if got := Code(99).String(); got != "code(99)" {
		t.Errorf("unknown code = %q", got)
	}
}
