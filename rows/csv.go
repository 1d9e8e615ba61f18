package rows

import (
	"bufio"
	"io"
	"slices"
)

// headed turns a stream of records into a table whose first record is the
// header. Rows shorter than the header are padded with ""; a longer row
// widens the header with untitled columns.
type headed struct {
	read    func() ([]string, error) // the next non-empty record, reused between calls; io.EOF at the end
	closeFn func() error
	header  []string
	row     []string
}

func (h *headed) next() ([]string, []string, bool, error) {
	changed := false
	if h.header == nil {
		rec, err := h.read()
		if err != nil {
			return nil, nil, false, err
		}
		h.header = slices.Clone(rec)
		changed = true
	}
	rec, err := h.read()
	if err != nil {
		return nil, h.header, false, err
	}
	if len(rec) > len(h.header) {
		h.header = append(slices.Clone(h.header), make([]string, len(rec)-len(h.header))...)
		changed = true
	}
	h.row = append(h.row[:0], rec...)
	for len(h.row) < len(h.header) {
		h.row = append(h.row, "")
	}
	return h.row, h.header, changed, nil
}

func (h *headed) close() error {
	if h.closeFn != nil {
		return h.closeFn()
	}
	return nil
}

// csvReader reads RFC 4180 records with bounded memory: a field longer than
// MaxCell or a record wider than MaxColumns is refused as soon as it is
// seen, before it is held. Quotes are read leniently (a quote inside an
// unquoted field, or text after a closing quote, is kept as text), blank
// lines are skipped, and CRLF ends a line like LF.
type csvReader struct {
	r      *bufio.Reader
	lim    Limits
	field  []byte
	rec    []string
	start  bool
	line   int
	quoted bool
}

func newCSV(r io.Reader, lim Limits) *headed {
	c := &csvReader{r: bufio.NewReaderSize(r, 32<<10), lim: lim, start: true, line: 1}
	return &headed{read: c.read}
}

func (c *csvReader) read() ([]string, error) {
	if c.start {
		c.start = false
		if b, err := c.r.Peek(3); err == nil && string(b) == string(bom) {
			c.r.Discard(3)
		}
	}
	for {
		rec, err := c.record()
		if err != nil {
			return nil, err
		}
		if len(rec) == 1 && rec[0] == "" && !c.quoted {
			continue // a blank line
		}
		return rec, nil
	}
}

// record reads one record; io.EOF when none is left.
func (c *csvReader) record() ([]string, error) {
	c.rec = c.rec[:0]
	c.quoted = false
	if _, err := c.r.Peek(1); err != nil {
		return nil, err
	}
	for {
		end, err := c.readField()
		if err != nil {
			return nil, err
		}
		if len(c.rec) >= c.lim.MaxColumns {
			return nil, limitErr("MaxColumns", int64(c.lim.MaxColumns))
		}
		c.rec = append(c.rec, string(c.field))
		if end {
			c.line++
			return c.rec, nil
		}
	}
}

func (c *csvReader) add(b byte) error {
	if len(c.field) >= c.lim.MaxCell {
		return limitErr("MaxCell", int64(c.lim.MaxCell))
	}
	c.field = append(c.field, b)
	return nil
}

// readField reads one field into c.field and reports whether it ended the
// record.
func (c *csvReader) readField() (endOfRecord bool, err error) {
	c.field = c.field[:0]
	b, err := c.r.ReadByte()
	if err == io.EOF {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	inQuotes := false
	if b == '"' {
		inQuotes = true
		c.quoted = true
	} else {
		c.r.UnreadByte()
	}
	for {
		b, err := c.r.ReadByte()
		if err == io.EOF {
			if inQuotes {
				return false, invalid("csv: line %d: a quoted field is not closed", c.line)
			}
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if inQuotes {
			if b == '\r' {
				if n, err := c.r.Peek(1); err == nil && n[0] == '\n' {
					continue // CRLF in a quoted field reads as LF, as in encoding/csv
				}
			}
			if b != '"' {
				if err := c.add(b); err != nil {
					return false, err
				}
				continue
			}
			n, err := c.r.ReadByte()
			switch {
			case err == io.EOF:
				return true, nil
			case err != nil:
				return false, err
			case n == '"':
				if err := c.add('"'); err != nil {
					return false, err
				}
				continue
			}
			c.r.UnreadByte()
			inQuotes = false
			continue
		}
		switch b {
		case ',':
			return false, nil
		case '\n':
			return true, nil
		case '\r':
			if n, err := c.r.Peek(1); err == nil && n[0] == '\n' {
				c.r.Discard(1)
				return true, nil
			}
		}
		if err := c.add(b); err != nil {
			return false, err
		}
	}
}
