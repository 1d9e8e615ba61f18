package provider_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
)

// TestReadmeVocabulary fails when the README's table of field vocabularies
// drifts from the adapters' tables: for every kind a provider serves, the
// filters and columns named in backquotes must be those of its
// Capabilities, in order.
func TestReadmeVocabulary(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := tencent.New(tencent.Options{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key"})
	if err != nil {
		t.Fatal(err)
	}
	hp, err := huawei.New(huawei.Options{Region: "cn-north-4", ProjectID: "p", AK: "ak", SK: "sk"})
	if err != nil {
		t.Fatal(err)
	}
	served := map[export.Kind]provider.Limits{}
	for _, p := range []provider.Provider{tp, hp} {
		for k, lim := range p.Capabilities().Exports {
			served[k] = lim
		}
	}
	quoted := regexp.MustCompile("`([a-z_]+)`")
	names := func(cell string) []string {
		var out []string
		for _, m := range quoted.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
		return out
	}
	seen := map[export.Kind]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		kind := export.Kind(strings.TrimSpace(cells[1]))
		lim, ok := served[kind]
		if !ok {
			continue
		}
		seen[kind] = true
		if d := cmp.Diff(lim.Filters, names(cells[2])); d != "" {
			t.Errorf("README filters of %s differ from Capabilities (-adapter +README):\n%s", kind, d)
		}
		if d := cmp.Diff(lim.Columns, names(cells[3])); d != "" {
			t.Errorf("README columns of %s differ from Capabilities (-adapter +README):\n%s", kind, d)
		}
	}
	for k := range served {
		if !seen[k] {
			t.Errorf("the README's vocabulary table has no row for %s", k)
		}
	}
}
