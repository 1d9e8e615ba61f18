package provider_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/vocab/vocabtest"
	"github.com/cloudexport/cloudexport/provider"
)

// exportDoc is package export's doc, which summarises what the adapters
// serve.
const exportDoc = "../export/doc.go"

// TestExportDocKinds fails when package export's table of kinds drifts:
// one row per export.Kind, naming its constant, its target type with the
// type's fields (or {…}), and every cloud that serves it and no other.
func TestExportDocKinds(t *testing.T) {
	served := servedLimits(t)
	clouds := map[string]bool{}
	for _, byCloud := range served {
		for c := range byCloud {
			clouds[c] = true
		}
	}
	rows := docRows(t, "Kinds and targets", "constant")
	targets := []export.Target{export.Components{}, export.Containers{}, export.Assets{}, export.MachineImages{}, export.Vulnerabilities{}}
	for _, k := range export.Kinds() {
		i := slices.IndexFunc(targets, func(tg export.Target) bool { return tg.Kind() == k })
		if i < 0 {
			t.Errorf("kind %s has no target in this test; add it", k)
			continue
		}
		typ := reflect.TypeOf(targets[i])
		if vocabtest.Target(k) != typ.Name() {
			t.Errorf("kind %s's target is %s, not %s: the adapters' doc tests find a kind's section by that name", k, typ.Name(), vocabtest.Target(k))
		}
		r, ok := rows["Kind"+typ.Name()]
		if !ok {
			t.Errorf("%s: the kinds table has no row Kind%s", exportDoc, typ.Name())
			continue
		}
		delete(rows, "Kind"+typ.Name())
		var fields []string
		for _, f := range reflect.VisibleFields(typ) {
			fields = append(fields, f.Name)
		}
		target := typ.Name() + "{" + strings.Join(fields, ", ") + "}"
		if len(r.Cells) < 3 {
			t.Errorf("%s:%d: row Kind%s has %d cells; want constant, target and served by", exportDoc, r.Line, typ.Name(), len(r.Cells))
			continue
		}
		if r.Cells[1] != target && r.Cells[1] != typ.Name()+"{…}" {
			t.Errorf("%s:%d: row Kind%s: target is %q; want %q (or %s{…})", exportDoc, r.Line, typ.Name(), r.Cells[1], target, typ.Name())
		}
		for c := range clouds {
			says := strings.Contains(strings.ToLower(r.Cells[2]), c)
			if _, serves := served[k][c]; says != serves {
				t.Errorf("%s:%d: row Kind%s: served by %q; %s serves %s: %v", exportDoc, r.Line, typ.Name(), r.Cells[2], c, k, serves)
			}
		}
	}
	for name, r := range rows {
		t.Errorf("%s:%d: the kinds table has a row %s, which is no export.Kind", exportDoc, r.Line, name)
	}
}

// TestExportDocVocabulary fails when package export's table of field
// vocabularies drifts from the adapters' Capabilities: for every kind a
// provider serves, the row "kind", or "kind (cloud)" where the clouds
// differ, says what summary says of its Limits.
func TestExportDocVocabulary(t *testing.T) {
	served := servedLimits(t)
	label := regexp.MustCompile(`^([a-z-]+)(?: \(([a-z]+)\))?$`)
	seen := map[string]bool{} // kind + "/" + cloud
	for name, r := range docRows(t, "Field vocabulary", "kind") {
		m := label.FindStringSubmatch(name)
		if m == nil || len(served[export.Kind(m[1])]) == 0 || len(r.Cells) < 2 {
			t.Errorf("%s:%d: row %q is not \"kind  accepts\" or \"kind (cloud)  accepts\" for a kind a provider serves", exportDoc, r.Line, name)
			continue
		}
		doc := strings.Split(strings.Join(strings.Fields(r.Cells[1]), " "), "; ")
		for cloud, lim := range served[export.Kind(m[1])] {
			if m[2] != "" && m[2] != cloud {
				continue
			}
			seen[m[1]+"/"+cloud] = true
			want := summary(lim)
			for _, p := range want {
				if !slices.Contains(doc, p) {
					t.Errorf("%s:%d: row %s does not say %q, which is true of %s on %s", exportDoc, r.Line, name, p, m[1], cloud)
				}
			}
			for _, p := range doc {
				if !slices.Contains(want, p) {
					t.Errorf("%s:%d: row %s says %q, which is not true of %s on %s (%s is)", exportDoc, r.Line, name, p, m[1], cloud, strings.Join(want, "; "))
				}
			}
		}
	}
	for k, byCloud := range served {
		for cloud := range byCloud {
			if !seen[string(k)+"/"+cloud] {
				t.Errorf("%s: the field vocabulary table has no row for %s on %s", exportDoc, k, cloud)
			}
		}
	}
}

// summary is what the field vocabulary table says of a kind's Limits, one
// part each.
func summary(l provider.Limits) []string {
	list := func(what string, names []string) string {
		if len(names) == 0 {
			return "no " + what
		}
		return what + " " + strings.Join(names, ", ")
	}
	out := []string{list("filters", l.Filters), list("columns", l.Columns), "no sort"}
	if l.Sort {
		out[2] = "sort by any column"
	}
	switch {
	case l.MaxLimit == 0:
		out = append(out, "no paging")
	case l.Offset:
		out = append(out, "Offset", fmt.Sprintf("Limit 1..%d per job", l.MaxLimit))
	default:
		out = append(out, "no Offset", fmt.Sprintf("Limit 1..%d per job", l.MaxLimit))
	}
	if l.MaxIDs > 0 {
		out = append(out, fmt.Sprintf("at most %d ids per job", l.MaxIDs))
	}
	if l.Concurrency > 0 {
		out = append(out, fmt.Sprintf("%d running job per instance", l.Concurrency))
	}
	return out
}

// docRows is the one table of package export's doc section heading whose
// header begins with name, by first cell.
func docRows(t *testing.T, heading, name string) map[string]vocabtest.Row {
	t.Helper()
	s, err := vocabtest.MustLoad(t, exportDoc).Section(heading)
	if err != nil {
		t.Fatal(err)
	}
	tables := s.Tables(name)
	if len(tables) != 1 {
		t.Fatalf("%s: # %s has %d tables whose header begins %q; want one", exportDoc, heading, len(tables), name)
	}
	rows := map[string]vocabtest.Row{}
	for _, r := range tables[0].Rows {
		if _, dup := rows[r.Cells[0]]; dup {
			t.Errorf("%s:%d: row %s is there twice", exportDoc, r.Line, r.Cells[0])
		}
		rows[r.Cells[0]] = r
	}
	return rows
}
