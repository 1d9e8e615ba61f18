package main

import (
	"io"

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

// openRows opens the rows of one downloaded result file, streaming: one row
// in memory at a time, within the rows package's default limits. cols are
// the columns the user asked for (nil = the file's own). The reader maps the
// vendor's titles to neutral keys where it knows them, and when r offers
// NeutralCell its cells are spelled the neutral way too; when the file has
// exactly the requested columns, they are titled as requested (each
// column's Header, or its Key when Header is empty), since the vendor writes
// them in the order asked.
func openRows(r io.Reader, cols []export.Column) (rowSource, error) {
	rd, err := rows.NewReader(r, &rows.Options{Columns: cols})
	if err != nil {
		return nil, err
	}
	var src rowSource = rd
	if n, ok := r.(neutralCells); ok {
		src = &neutral{rowSource: rd, cell: n.NeutralCell}
	}
	if len(cols) == 0 {
		return src, nil
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = firstNonEmpty(c.Header, c.Key)
	}
	return &titled{rowSource: src, titles: titles}, nil
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

// titled reports the requested titles as the header of a file that has
// exactly the requested number of columns.
type titled struct {
	rowSource
	titles []string
}

func (t *titled) Header() []string {
	if h := t.rowSource.Header(); len(h) != len(t.titles) {
		return h
	}
	return t.titles
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
