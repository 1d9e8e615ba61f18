package vocabtest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudexport/cloudexport/internal/vocab"
)

// problems collects what differs, each with where it is.
type problems []string

func (p *problems) add(where, format string, args ...any) {
	*p = append(*p, where+": "+fmt.Sprintf(format, args...))
}

// rowWhere is "file:line: # heading, <table> table, row <first cell>".
func (t *Table) rowWhere(r Row) string {
	return fmt.Sprintf("%s, %s table, row %s", t.sec.where(r.Line), t.Name, r.Cells[0])
}

func (t *Table) where() string {
	return fmt.Sprintf("%s, %s table", t.sec.where(t.line), t.Name)
}

// CheckSpec checks the section of one export kind against its spec: the
// section has a filter table exactly when the kind takes filters, a column
// table exactly when it takes columns, and those tables match (see
// CheckFilters, CheckColumns); every "1..N" it states is Limit's range
// 1..MaxLimit, and it states one when the kind has paging.
func (s *Section) CheckSpec(spec vocab.Spec) []string {
	var p problems
	here := s.where(0)
	filters, columns := s.Tables("filter"), s.Tables("column")
	switch {
	case len(filters) > 1 || len(columns) > 1:
		p.add(here, "has %d filter and %d column tables; want at most one of each", len(filters), len(columns))
	case len(spec.Filters) > 0 && len(filters) == 0:
		p.add(here, "has no filter table, but the adapter takes the filters %s", strings.Join(spec.Filters.Names(), ", "))
	case len(spec.Filters) == 0 && len(filters) > 0:
		p.add(filters[0].where(), "is there, but the adapter takes no filters for this kind")
	case len(filters) == 1:
		p = append(p, filters[0].CheckFilters(spec.Filters)...)
	}
	switch {
	case len(filters) > 1 || len(columns) > 1:
	case len(spec.Columns) > 0 && len(columns) == 0:
		p.add(here, "has no column table, but the adapter takes the columns %s", strings.Join(spec.Columns.Keys(), ", "))
	case len(spec.Columns) == 0 && len(columns) > 0:
		p.add(columns[0].where(), "is there, but the adapter takes no columns for this kind")
	case len(columns) == 1:
		p = append(p, columns[0].CheckColumns(spec.Columns)...)
	}
	ranges := limitRange.FindAllStringSubmatch(s.Text(), -1)
	for _, m := range ranges {
		if n, _ := strconv.Atoi(m[1]); n != spec.MaxLimit {
			p.add(here, "states the range %s, but Limit's is 1..%d (0 = no paging)", m[0], spec.MaxLimit)
		}
	}
	if spec.MaxLimit > 0 && len(ranges) == 0 {
		p.add(here, "does not state Limit's range 1..%d", spec.MaxLimit)
	}
	return p
}

// limitRange is how a section states Limit's range.
var limitRange = regexp.MustCompile(`\b1\.\.([0-9]+)\b`)

// CheckFilters checks a filter table against fs: one row per field in
// table order, accepted fields with their vendor field, values and notes
// (see the package doc), refused fields (NotHere) with vendor field "-".
func (t *Table) CheckFilters(fs vocab.Filters) []string {
	var p problems
	var order []string
	seen := t.eachRow(&p, "filter, vendor field and values", func(r Row) {
		name, vendor, values := r.Cells[0], r.Cells[1], r.Cells[2]
		i := slices.IndexFunc(fs, func(f vocab.Filter) bool { return f.Field == name })
		switch {
		case i < 0:
			p.add(t.rowWhere(r), "the adapter has no filter %q (it accepts %s)", name, strings.Join(fs.Names(), ", "))
		case fs[i].NotHere != "":
			if vendor != "-" {
				p.add(t.rowWhere(r), "lists vendor field %q, but the adapter refuses the filter (%s); write \"-\" and say why", vendor, fs[i].NotHere)
			}
		case vendor == "-":
			p.add(t.rowWhere(r), "says the filter is refused, but the adapter accepts it as %s", fs[i].Vendor)
		default:
			order = append(order, name)
			if vendor != fs[i].Vendor {
				p.add(t.rowWhere(r), "vendor field is %q here, %q in the adapter's table", vendor, fs[i].Vendor)
			}
			for _, msg := range checkValues(&fs[i], values) {
				p.add(t.rowWhere(r), "%s", msg)
			}
		}
	})
	for _, f := range fs {
		switch {
		case seen[f.Field]:
		case f.NotHere != "":
			p.add(t.where(), "has no row for %s, which the adapter refuses (%s); add it with vendor field \"-\"", f.Field, f.NotHere)
		default:
			p.add(t.where(), "has no row for %s, which the adapter accepts as %s", f.Field, f.Vendor)
		}
	}
	t.checkOrder(&p, order, fs.Names())
	return p
}

// eachRow calls fn once for each row of t that has the three cells named
// by cells and whose first cell it has not seen before, and reports the
// other rows. It returns the first cells seen.
func (t *Table) eachRow(p *problems, cells string, fn func(Row)) map[string]bool {
	seen := map[string]bool{}
	for _, r := range t.Rows {
		switch {
		case len(r.Cells) < 3:
			p.add(t.rowWhere(r), "has %d cells; want %s, separated by two or more spaces", len(r.Cells), cells)
		case seen[r.Cells[0]]:
			p.add(t.rowWhere(r), "is there twice")
		default:
			seen[r.Cells[0]] = true
			fn(r)
		}
	}
	return seen
}

// checkOrder reports rows, all of them there, in another order than the
// adapter's table.
func (t *Table) checkOrder(p *problems, got, want []string) {
	if len(got) == len(want) && !slices.Equal(got, want) {
		p.add(t.where(), "lists %s; the adapter's table, and so its order, is %s", strings.Join(got, ", "), strings.Join(want, ", "))
	}
}

// checkValues checks a filter row's values cell: the value description
// before the first ";" and the notes after it.
func checkValues(spec *vocab.Filter, cell string) []string {
	var out []string
	desc, rest, _ := strings.Cut(cell, ";")
	desc = strings.TrimSpace(desc)
	var notes []string
	for _, n := range strings.Split(rest, ";") {
		if n = strings.TrimSpace(n); n != "" {
			notes = append(notes, n)
		}
	}
	switch spec.Kind {
	case vocab.Enumerated:
		if got, want := mapping(desc), spell(spec.Values); got != want {
			out = append(out, fmt.Sprintf("values are %q; the adapter's table maps %q", got, want))
		}
	case vocab.Bool:
		var es vocab.Enums
		for _, v := range []string{"true", "false"} {
			vv, ok := spec.Values.ToVendor(v)
			if !ok {
				vv = v
			}
			es = append(es, vocab.Enum{Neutral: v, Vendor: vv})
		}
		if got, want := mapping(desc), spell(es); got != want {
			out = append(out, fmt.Sprintf("values are %q; the adapter's bool field takes %q", got, want))
		}
	case vocab.String:
		if want := textValues(spec); strings.ReplaceAll(desc, "-", "–") != strings.ReplaceAll(want, "-", "–") {
			out = append(out, fmt.Sprintf("values are %q; the adapter's table says %q", desc, want))
		}
	case vocab.TimeRange:
		if desc != "export.Between" {
			out = append(out, fmt.Sprintf("values are %q; a range field's are \"export.Between\"", desc))
		}
	}
	if spec.Kind != vocab.TimeRange {
		switch like := hasNote(notes, "Eq or Like"); {
		case like && !spec.Fuzzy:
			out = append(out, "says Eq or Like, but the adapter takes Eq only")
		case !like && spec.Fuzzy:
			out = append(out, "does not say Eq or Like, but the adapter takes Like too")
		}
	}
	if got := countNote(notes); got != spec.MaxValues {
		out = append(out, fmt.Sprintf("says it takes %s, but the adapter takes %s", values(got), values(spec.MaxValues)))
	}
	return out
}

// mapping respells a list of "neutral -> vendor" or "neutral" items the
// way spell writes them.
func mapping(desc string) string {
	var es vocab.Enums
	for _, it := range strings.Split(desc, ",") {
		n, v, ok := strings.Cut(strings.TrimSpace(it), " -> ")
		if !ok {
			v = n
		}
		es = append(es, vocab.Enum{Neutral: strings.TrimSpace(n), Vendor: strings.TrimSpace(v)})
	}
	return spell(es)
}

// spell writes a value mapping as the doc does: "neutral -> vendor", or
// "neutral" when the vendor spells it the same, joined by ", ".
func spell(es vocab.Enums) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Neutral
		if e.Vendor != e.Neutral {
			parts[i] += " -> " + e.Vendor
		}
	}
	return strings.Join(parts, ", ")
}

// textValues is how the doc describes a text field's values.
func textValues(f *vocab.Filter) string {
	s := "text"
	if f.Example != "" {
		s += " like " + f.Example
	}
	if f.Pattern != nil {
		s += " matching " + f.Pattern.String()
	}
	if f.MaxLen > 0 {
		s += fmt.Sprintf(", %d–%d characters", max(f.MinLen, 1), f.MaxLen)
	}
	return s
}

func hasNote(notes []string, prefix string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// atMost is the note of a field that takes at most N values.
var atMost = regexp.MustCompile(`^at most ([0-9]+) values\b`)

// countNote is the number of values the notes say a field takes: 1 for
// "one value", N for "at most N values", 0 when they say neither.
func countNote(notes []string) int {
	for _, n := range notes {
		if strings.HasPrefix(n, "one value") {
			return 1
		}
		if m := atMost.FindStringSubmatch(n); m != nil {
			v, _ := strconv.Atoi(m[1])
			return v
		}
	}
	return 0
}

func values(n int) string {
	switch n {
	case 0:
		return "any number of values (no note)"
	case 1:
		return "one value"
	}
	return fmt.Sprintf("at most %d values", n)
}

// CheckColumns checks a column table against cs: one row per column in
// table order, with its vendor key and default header.
func (t *Table) CheckColumns(cs vocab.Columns) []string {
	var p problems
	var order []string
	seen := t.eachRow(&p, "column, vendor key and header", func(r Row) {
		key, vendor, header := r.Cells[0], r.Cells[1], r.Cells[2]
		i := slices.IndexFunc(cs, func(c vocab.Column) bool { return c.Key == key })
		if i < 0 {
			p.add(t.rowWhere(r), "the adapter has no column %q (it has %s)", key, strings.Join(cs.Keys(), ", "))
			return
		}
		order = append(order, key)
		if vendor != cs[i].Vendor {
			p.add(t.rowWhere(r), "%s is %q here, %q in the adapter's table", t.headerName(1), vendor, cs[i].Vendor)
		}
		if header != cs[i].Header {
			p.add(t.rowWhere(r), "%s is %q here, %q in the adapter's table", t.headerName(2), header, cs[i].Header)
		}
	})
	for _, c := range cs {
		if !seen[c.Key] {
			p.add(t.where(), "has no row for %s, which the adapter has as %s", c.Key, c.Vendor)
		}
	}
	t.checkOrder(&p, order, cs.Keys())
	return p
}

// headerName is the table's title of cell i, for messages.
func (t *Table) headerName(i int) string {
	if i < len(t.Header) {
		return t.Header[i]
	}
	return fmt.Sprintf("cell %d", i+1)
}

// pairRE is one "a -> b" pair of a prose mapping, with an optional
// parenthetical remark after it.
var pairRE = regexp.MustCompile(`^("[^"]*"|\{[^}]*\}|[^\s,;()]*[^\s,;().]) -> ("[^"]*"|\{[^}]*\}|[^\s,;()]*[^\s,;().])(?: \([^)]*\))?`)

// Pairs reads the "a -> b" pairs, separated by ", ", that follow the first
// occurrence of lead in the section's text. The list ends where the text
// stops being pairs.
func (s *Section) Pairs(lead string) ([][2]string, error) {
	text := s.Text()
	i := strings.Index(text, lead)
	if i < 0 {
		return nil, fmt.Errorf("%s: no %q to read a value mapping after", s.where(0), lead)
	}
	rest := strings.TrimSpace(text[i+len(lead):])
	var out [][2]string
	for {
		m := pairRE.FindStringSubmatch(rest)
		if m == nil {
			break
		}
		out = append(out, [2]string{m[1], m[2]})
		next, ok := strings.CutPrefix(rest[len(m[0]):], ", ")
		if !ok {
			break
		}
		rest = next
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no \"a -> b\" pairs after %q", s.where(0), lead)
	}
	return out, nil
}

// CheckPairs checks the mapping after lead (see Pairs) against want, in
// order when ordered is true, else as a set.
func (s *Section) CheckPairs(lead string, want [][2]string, ordered bool) []string {
	got, err := s.Pairs(lead)
	if err != nil {
		return []string{err.Error()}
	}
	g, w := spellPairs(got), spellPairs(want)
	if !ordered {
		slices.Sort(g)
		slices.Sort(w)
	}
	if !slices.Equal(g, w) {
		return []string{fmt.Sprintf("%s: after %q the doc maps %s; the adapter's table maps %s", s.where(0), lead, strings.Join(g, ", "), strings.Join(w, ", "))}
	}
	return nil
}

func spellPairs(ps [][2]string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p[0] + " -> " + p[1]
	}
	return out
}

// VendorFirst is es as pairs vendor -> neutral, in table order: how a doc
// states what the adapter reads.
func VendorFirst(es vocab.Enums) [][2]string {
	out := make([][2]string, len(es))
	for i, e := range es {
		out[i] = [2]string{e.Vendor, e.Neutral}
	}
	return out
}

// NeutralFirst is es as pairs neutral -> vendor, in table order: how a
// doc states what the adapter sends.
func NeutralFirst(es vocab.Enums) [][2]string {
	out := make([][2]string, len(es))
	for i, e := range es {
		out[i] = [2]string{e.Neutral, e.Vendor}
	}
	return out
}
