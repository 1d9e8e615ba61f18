package vocabtest

import (
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// MustLoad is Load, failing t (fatally) when the file cannot be read.
func MustLoad(t testing.TB, path string) *Doc {
	t.Helper()
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Kinds checks the section of every kind the door serves against the
// kind's Spec (Section.CheckSpec). A kind's section is the one that says
// "export.<Target> maps to", Target being the kind's target type
// (export.Components for components, export.MachineImages for
// machine-images); a kind whose section is missing fails t, so a new kind
// row cannot go undocumented.
func Kinds[P any](t testing.TB, d *Doc, dr *door.Door[P]) {
	t.Helper()
	for _, k := range dr.Kinds {
		s, err := d.KindSection(k.Kind)
		if err != nil {
			t.Error(err)
			continue
		}
		report(t, s.CheckSpec(k.Spec))
	}
}

// Columns checks the one table of the section under heading whose header
// row begins with name against cs (Table.CheckColumns), for a column table
// other than a kind's own, such as the titles of a vendor's file.
func Columns(t testing.TB, d *Doc, heading, name string, cs vocab.Columns) {
	t.Helper()
	s := section(t, d, heading)
	if s == nil {
		return
	}
	ts := s.Tables(name)
	if len(ts) != 1 {
		t.Errorf("%s: has %d tables whose header begins %q; want one", s.where(0), len(ts), name)
		return
	}
	report(t, ts[0].CheckColumns(cs))
}

// Mapping checks the value mapping after lead in the section under heading
// against want, pair by pair in order.
func Mapping(t testing.TB, d *Doc, heading, lead string, want [][2]string) {
	t.Helper()
	checkMapping(t, d, heading, lead, want, true)
}

// MappingSet is Mapping for a table without an order (a Go map): the doc
// may list the pairs in any order.
func MappingSet(t testing.TB, d *Doc, heading, lead string, want [][2]string) {
	t.Helper()
	checkMapping(t, d, heading, lead, want, false)
}

func checkMapping(t testing.TB, d *Doc, heading, lead string, want [][2]string, ordered bool) {
	t.Helper()
	s := section(t, d, heading)
	if s == nil {
		return
	}
	report(t, s.CheckPairs(lead, want, ordered))
}

// section is the section under heading, or nil after failing t.
func section(t testing.TB, d *Doc, heading string) *Section {
	t.Helper()
	s, err := d.Section(heading)
	if err != nil {
		t.Error(err)
	}
	return s
}

func report(t testing.TB, ps []string) {
	t.Helper()
	for _, p := range ps {
		t.Error(p)
	}
}

// Says fails t unless the text of the section under heading (white space
// collapsed) contains text: for a single fact a doc copies from a table,
// such as a default value.
func Says(t testing.TB, d *Doc, heading, text string) {
	t.Helper()
	s := section(t, d, heading)
	if s == nil {
		return
	}
	if !strings.Contains(s.Text(), text) {
		t.Errorf("%s: does not say %q", s.where(0), text)
	}
}

// List writes items as prose does: "a", "a and b", "a, b and c".
func List(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
