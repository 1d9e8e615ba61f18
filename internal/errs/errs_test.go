package errs

import (
	"errors"
	"fmt"
	"testing"
)

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

func TestAttribute(t *testing.T) {
	raw := Invalid("Limit: too big")
	err := Attribute(fmt.Errorf("wrapped: %w", raw), "tencent", "tcss")
	if raw.Provider != "tencent" || raw.Service != "tcss" || !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unattributed error became %+v", raw)
	}
	other := &Error{Code: NotFound, Provider: "huawei", Service: "roma"}
	Attribute(other, "tencent", "tcss")
	if other.Provider != "huawei" || other.Service != "roma" {
		t.Errorf("an attributed error was changed: %+v", other)
	}
	Attribute(ErrInvalidArgument, "tencent", "tcss")
	if ErrInvalidArgument.(*Error).Provider != "" {
		t.Error("a sentinel was changed")
	}
	if Attribute(nil, "tencent", "tcss") != nil {
		t.Error("nil became an error")
	}
}
