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

// openRows opens the rows of one downloaded result file, streaming: one row
// in memory at a time, within the rows package's default limits. cols are
// the columns the user asked for (nil = the file's own). The reader maps the
// vendor's titles to neutral keys where it knows them; when the file has
// exactly the requested columns, they are titled as requested (each
// column's Header, or its Key when Header is empty), since the vendor writes
// them in the order asked.
func openRows(r io.Reader, cols []export.Column) (rowSource, error) {
	rd, err := rows.NewReader(r, &rows.Options{Columns: cols})
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return rd, nil
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = firstNonEmpty(c.Header, c.Key)
	}
	return &titled{Reader: rd, titles: titles}, nil
}

// titled reports the requested titles as the header of a file that has
// exactly the requested number of columns.
type titled struct {
	*rows.Reader
	titles []string
}

func (t *titled) Header() []string {
	if h := t.Reader.Header(); len(h) != len(t.titles) {
		return h
	}
	return t.titles
}
