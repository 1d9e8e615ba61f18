package export_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// FuzzParseToken checks that ParseToken never panics, refuses only with
// InvalidArgument, and that whatever it accepts is canonical: Token writes
// the same string back, and parsing that gives an equal Job. The seed corpus
// is in testdata/fuzz/FuzzParseToken; CI runs
//
//	go test -run='^$' -fuzz=FuzzParseToken -fuzztime=20s ./export
func FuzzParseToken(f *testing.F) {
	f.Add(ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x"}`))
	f.Add(ce1(`{"p":"huawei","s":"roma","k":"assets","i":"j1","r":"cn-north-4","sc":{"instance_id":"i-1","project_id":"p"},"c":1700000000123,"n":456789}`))
	f.Add(ce1(`{"p":"tencent","s":"cvm","k":"machine-images","i":"124578","c":0}`))
	f.Add(ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","i":"y"}`))
	f.Fuzz(func(t *testing.T, s string) {
		j, err := export.ParseToken(s)
		if err != nil {
			if !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("ParseToken(%q) = %v; want only InvalidArgument refusals", s, err)
			}
			return
		}
		tok, err := j.Token()
		if err != nil {
			t.Fatalf("ParseToken(%q) accepted %+v, but Token refuses it: %v", s, j, err)
		}
		if tok != s {
			t.Fatalf("ParseToken accepted a non-canonical token:\n in  %q\n out %q", s, tok)
		}
		again, err := export.ParseToken(tok)
		if err != nil {
			t.Fatalf("ParseToken(Token()) = %v", err)
		}
		if diff := cmp.Diff(j, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
