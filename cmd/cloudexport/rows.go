package main

import (
	"io"

	"github.com/cloudexport/cloudexport/export"
)

// rowSource is what the writers read rows from. Its methods are those of the
// streaming reader in package rows (rows.Reader), so that package can be
// dropped in without touching the writers.
type rowSource interface {
	Header() []string // the column titles, once the source is open
	Next() bool       // advances to the next row; false at the end or on error
	Row() []string    // the current row, valid until the next call to Next
	Err() error       // the first error met, checked once Next returns false
	Close() error
}

// openRows opens the rows of one downloaded result file. cols are the
// columns the user asked for (nil = the file's own); the header is mapped to
// them: each column's Header, or its Key when Header is empty.
//
// This is the one place that knows how result files are read. It still uses
// export.ReadRows, which holds the whole file in memory; switch it to the
// streaming reader when package rows lands:
//
//	rd, err := rows.NewReader(r, &rows.Options{Columns: cols})
//	if err != nil {
//		return nil, err
//	}
//	return rd, nil
func openRows(r io.Reader, cols []export.Column) (rowSource, error) {
	header, rs, err := export.ReadRows(r)
	if err != nil {
		return nil, err
	}
	if len(cols) == len(header) {
		header = make([]string, len(cols))
		for i, c := range cols {
			header[i] = firstNonEmpty(c.Header, c.Key)
		}
	}
	return &sliceRows{header: header, rows: rs, i: -1}, nil
}

// sliceRows serves rows held in memory (see openRows).
type sliceRows struct {
	header []string
	rows   [][]string
	i      int
}

func (s *sliceRows) Header() []string { return s.header }
func (s *sliceRows) Next() bool {
	if s.i+1 >= len(s.rows) {
		s.i = len(s.rows)
		return false
	}
	s.i++
	return true
}
func (s *sliceRows) Row() []string { return s.rows[s.i] }
func (s *sliceRows) Err() error    { return nil }
func (s *sliceRows) Close() error  { return nil }
