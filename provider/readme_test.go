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
	// A README row is "kind" for a kind whose vocabulary is the same
	// wherever it is served, or "kind (cloud)" for one cloud's vocabulary
	// of it.
	served := servedLimits(t)
	quoted := regexp.MustCompile("`([a-z_]+)`")
	names := func(cell string) []string {
		var out []string
		for _, m := range quoted.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
		return out
	}
	rowName := regexp.MustCompile(`^([a-z-]+)(?: \(([a-z]+)\))?$`)
	seen := map[string]bool{} // kind + "/" + cloud
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		m := rowName.FindStringSubmatch(strings.TrimSpace(cells[1]))
		if m == nil {
			continue
		}
		kind, cloud := export.Kind(m[1]), strings.ToLower(m[2])
		for name, lim := range served[kind] {
			if cloud != "" && cloud != name {
				continue
			}
			seen[string(kind)+"/"+name] = true
			if d := cmp.Diff(lim.Filters, names(cells[2])); d != "" {
				t.Errorf("README filters of %s differ from %s's Capabilities (-adapter +README):\n%s", m[0], name, d)
			}
			if d := cmp.Diff(lim.Columns, names(cells[3])); d != "" {
				t.Errorf("README columns of %s differ from %s's Capabilities (-adapter +README):\n%s", m[0], name, d)
			}
		}
	}
	for k, byCloud := range served {
		for name := range byCloud {
			if !seen[string(k)+"/"+name] {
				t.Errorf("the README's vocabulary table has no row for %s on %s", k, name)
			}
		}
	}
}

// servedLimits is each export kind's limits by cloud, from the
// Capabilities of both adapters.
func servedLimits(t *testing.T) map[export.Kind]map[string]provider.Limits {
	t.Helper()
	tp, err := tencent.New(tencent.Options{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key"})
	if err != nil {
		t.Fatal(err)
	}
	hp, err := huawei.New(huawei.Options{Region: "cn-north-4", ProjectID: "p", AK: "ak", SK: "sk"})
	if err != nil {
		t.Fatal(err)
	}
	served := map[export.Kind]map[string]provider.Limits{}
	for _, p := range []provider.Provider{tp, hp} {
		for k, lim := range p.Capabilities().Exports {
			if served[k] == nil {
				served[k] = map[string]provider.Limits{}
			}
			served[k][p.Name()] = lim
		}
	}
	return served
}
