package main

import (
	"io"
	"slices"
	"strings"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/rows"
)

// rowSource is what the writers read rows from: the streaming reader of
// package rows, with the header titled as the user asked.
type rowSource interface {
	Header() []string    // the column names of the current row
	HeaderChanged() bool // whether Header changed with the last Next (true at the first row)
	Next() bool          // advances to the next row; false at the end or on error
	Row() []string       // the current row, valid until the next call to Next
	Err() error          // the first error met, checked once Next returns false
	Close() error
}

// neutralCells is what the adapters' downloads offer beside their column
// titles (vocab.Described): a cell spelled the neutral way (critical,
// unfixed, RFC 3339 times) rather than the vendor's (严重, vul_status_unfix).
type neutralCells interface {
	NeutralCell(key, cell string) string
}

// columnPlan says how the columns of a result file get their neutral keys
// and which of them are written.
type columnPlan struct {
	// asked are the candidate key lists of the file's columns, in file
	// order: the columns the vendor was asked to write (a job's --columns,
	// else its kind's default columns). A file whose titles do not all map
	// to keys is keyed by the first list that fits it by position.
	asked [][]string
	// want are the columns to write, in order, each titled by its Header
	// (its Key when empty); nil writes every column under its key.
	want []export.Column
	// note, if set, tells the user when a file's columns could not be keyed.
	note func(format string, args ...any)
}

// openRows opens the rows of one downloaded result file, streaming: one row
// in memory at a time, within the rows package's default limits. The reader
// maps the vendor's titles to neutral keys where it knows them (r's own
// Columns, the keys asked, the titles wanted); titles it cannot map are keyed
// by position from plan.asked (the vendor writes the columns in the order
// asked, whatever it titles them: TCSS's titles are its own). When r offers
// NeutralCell the cells are spelled the neutral way too. With plan.want,
// exactly those columns are written, in that order, under their titles.
func openRows(r io.Reader, plan columnPlan) (rowSource, error) {
	var titles []export.Column
	for _, keys := range plan.asked {
		titles = append(titles, export.Cols(keys...)...)
	}
	titles = append(titles, plan.want...) // a custom title read back as its key
	rd, err := rows.NewReader(r, &rows.Options{Columns: titles})
	if err != nil {
		return nil, err
	}
	var src rowSource = rd
	if len(plan.asked) > 0 {
		k := &keyed{rowSource: src, asked: plan.asked}
		if len(plan.want) == 0 {
			k.note = plan.note // else chosen fails naming the missing column
		}
		src = k
	}
	if n, ok := r.(neutralCells); ok {
		src = &neutral{rowSource: src, cell: n.NeutralCell}
	}
	if len(plan.want) > 0 {
		src = &chosen{rowSource: src, want: plan.want}
	}
	return src, nil
}

// keyHeader returns the neutral keys of a file's columns, whose header h
// the reader already mapped where it knew the titles: h itself when it
// names every key of a list asked; else the first list with as many keys as
// h has columns and no key that h puts at another position; else h, and
// false.
func keyHeader(h []string, asked [][]string) ([]string, bool) {
	for _, keys := range asked {
		if containsAll(h, keys) {
			return h, true
		}
	}
next:
	for _, keys := range asked {
		if len(keys) != len(h) {
			continue
		}
		for i, t := range h {
			if j := slices.Index(keys, t); j >= 0 && j != i {
				continue next
			}
		}
		return keys, true
	}
	return h, false
}

func containsAll(h, keys []string) bool {
	for _, k := range keys {
		if !slices.Contains(h, k) {
			return false
		}
	}
	return true
}

// keyed reports a header keyed by keyHeader.
type keyed struct {
	rowSource
	asked  [][]string
	note   func(format string, args ...any)
	header []string
	noted  bool
}

func (k *keyed) Next() bool {
	if !k.rowSource.Next() {
		return false
	}
	if k.header == nil || k.rowSource.HeaderChanged() {
		k.key()
	}
	return true
}

func (k *keyed) Header() []string {
	if k.header == nil {
		k.key()
	}
	return k.header
}

func (k *keyed) key() {
	h := k.rowSource.Header()
	var ok bool
	k.header, ok = keyHeader(h, k.asked)
	if !ok && !k.noted && k.note != nil {
		k.noted = true
		k.note("the file's columns (%s) are not the ones asked for (%s), so they keep the vendor's titles",
			strings.Join(h, ", "), strings.Join(k.asked[0], ", "))
	}
}

// neutral spells each cell the neutral way, by the neutral key the reader
// reports for its column.
type neutral struct {
	rowSource
	cell func(key, cell string) string
	row  []string
}

func (n *neutral) Row() []string {
	h, r := n.rowSource.Header(), n.rowSource.Row()
	n.row = append(n.row[:0], r...)
	for i := range n.row {
		if i < len(h) {
			n.row[i] = n.cell(h[i], n.row[i])
		}
	}
	return n.row
}

// chosen writes the wanted columns, found by key, in the wanted order,
// under their titles. A file without one of them is an error.
type chosen struct {
	rowSource
	want   []export.Column
	titles []string
	at     []int // the index of each wanted column in the file's row
	row    []string
	err    error
}

func (c *chosen) Next() bool {
	if c.err != nil || !c.rowSource.Next() {
		return false
	}
	if c.at == nil || c.rowSource.HeaderChanged() {
		c.err = c.index(c.rowSource.Header())
	}
	return c.err == nil
}

func (c *chosen) index(h []string) error {
	c.at, c.titles = c.at[:0], c.titles[:0]
	for _, w := range c.want {
		i := slices.Index(h, w.Key)
		if i < 0 {
			return invalidf("--columns %s: the file has no such column (its columns: %s)", w.Key, strings.Join(h, ", "))
		}
		c.at = append(c.at, i)
		c.titles = append(c.titles, firstNonEmpty(w.Header, w.Key))
	}
	return nil
}

func (c *chosen) Header() []string {
	if c.titles == nil {
		for _, w := range c.want {
			c.titles = append(c.titles, firstNonEmpty(w.Header, w.Key))
		}
	}
	return c.titles
}

func (c *chosen) Row() []string {
	r := c.rowSource.Row()
	c.row = c.row[:0]
	for _, i := range c.at {
		v := ""
		if i < len(r) {
			v = r[i]
		}
		c.row = append(c.row, v)
	}
	return c.row
}

func (c *chosen) Err() error {
	if c.err != nil {
		return c.err
	}
	return c.rowSource.Err()
}

// keepColumns returns r carrying the title table (and NeutralCell) of from
// when from is a rows.Describer (an adapter's download), so that wrapping a
// download (for progress) loses neither the neutral keys of its vendor
// titles nor the neutral spelling of its cells.
func keepColumns(r io.Reader, from any) io.Reader {
	d, ok := from.(rows.Describer)
	if !ok {
		return r
	}
	if n, ok := from.(neutralCells); ok {
		return struct {
			io.Reader
			rows.Describer
			neutralCells
		}{r, d, n}
	}
	return struct {
		io.Reader
		rows.Describer
	}{r, d}
}
