package vocabtest

import (
	"go/doc/comment"
	"regexp"
	"strings"
)

// Table is a preformatted table of a section: a header row, then rows
// whose cells are separated by two or more spaces.
type Table struct {
	sec    *Section
	line   int // the header row's line in the file
	Name   string
	Header []string
	Rows   []Row
}

// Row is one row of a Table, with its continuation lines joined to its
// last cell.
type Row struct {
	Line  int // in the file, 1-based; 0 when it could not be found
	Cells []string
}

// cellSep separates cells: two or more blanks.
var cellSep = regexp.MustCompile(`[ \t]{2,}`)

// Tables returns the preformatted tables of the section whose header row's
// first cell is name.
func (s *Section) Tables(name string) []*Table {
	var out []*Table
	for _, b := range s.blocks {
		c, ok := b.(*comment.Code)
		if !ok {
			continue
		}
		lines := strings.Split(strings.TrimRight(c.Text, "\n"), "\n")
		header := cellSep.Split(strings.TrimSpace(lines[0]), -1)
		if header[0] != name {
			continue
		}
		t := &Table{sec: s, Name: name, Header: header, line: s.doc.find(s.line, lines[0])}
		at := t.line
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if n := s.doc.find(at, l); n > 0 {
				at = n
			}
			if l[0] == ' ' || l[0] == '\t' {
				if len(t.Rows) > 0 {
					r := &t.Rows[len(t.Rows)-1]
					r.Cells[len(r.Cells)-1] += " " + strings.TrimSpace(l)
					continue
				}
			}
			t.Rows = append(t.Rows, Row{Line: at, Cells: cellSep.Split(strings.TrimSpace(l), len(header))})
		}
		out = append(out, t)
	}
	return out
}
