package rows

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
)

// jsonTable reads rows from JSON or JSON Lines.
//
// JSON: the file holds one or more values; an array gives one row per
// element (each an object); an object that holds an array of objects (an
// envelope such as {"total": 2, "items": [{...}, {...}]}) gives one row per
// object of the first such array, its other members being ignored; any other
// object is one row. JSON Lines: every value is an object and one row.
//
// The header is the keys in the order they first appear; a later object with
// a new key widens it. A cell is the string's text, a number as written,
// true or false, "" for null, and compact JSON text for a nested object or
// array.
type jsonTable struct {
	dec   *json.Decoder
	lim   Limits
	lines bool

	inArray int // 0: at the top level; 1: in a top-level array; 2: in an envelope's array
	header  []string
	index   map[string]int
	row     []string
	changed bool
	buf     bytes.Buffer
}

// jsonGuard stops a json.Decoder from buffering a token larger than a cell
// may be: the decoder holds a whole string or number in memory, so the bytes
// it has read past where it stands are bounded.
type jsonGuard struct {
	r     io.Reader
	dec   *json.Decoder
	read  int64
	limit int64
	cell  int // Limits.MaxCell, for the error
}

func (g *jsonGuard) Read(p []byte) (int, error) {
	if g.read-g.dec.InputOffset() > g.limit {
		return 0, limitErr("MaxCell", int64(g.cell))
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

func newJSON(r io.Reader, lim Limits, lines bool) *jsonTable {
	g := &jsonGuard{r: r, limit: 6*int64(lim.MaxCell) + 64<<10, cell: lim.MaxCell}
	g.dec = json.NewDecoder(g)
	g.dec.UseNumber()
	return &jsonTable{dec: g.dec, lim: lim, lines: lines, index: map[string]int{}}
}

func (j *jsonTable) close() error { return nil }

func (j *jsonTable) token() (json.Token, error) {
	t, err := j.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, wrapInvalid(err, "not valid JSON")
	}
	return t, nil
}

func (j *jsonTable) next() ([]string, []string, bool, error) {
	j.changed = false
	for {
		switch j.inArray {
		case 1, 2:
			if !j.dec.More() {
				if _, err := j.token(); err != nil { // ']'
					return nil, nil, false, err
				}
				if j.inArray == 2 {
					if err := j.skipRest(); err != nil {
						return nil, nil, false, err
					}
				}
				j.inArray = 0
				continue
			}
			t, err := j.token()
			if err != nil {
				return nil, nil, false, err
			}
			if t != json.Delim('{') {
				return nil, nil, false, invalid("JSON: an array element is not an object")
			}
			if err := j.object(j.inArray); err != nil {
				return nil, nil, false, err
			}
			return j.row, j.header, j.changed, nil
		}
		t, err := j.dec.Token()
		if err == io.EOF {
			return nil, j.header, false, io.EOF
		}
		if err != nil {
			return nil, nil, false, wrapInvalid(err, "not valid JSON")
		}
		switch {
		case t == json.Delim('[') && !j.lines:
			j.inArray = 1
		case t == json.Delim('{') && j.lines:
			if err := j.object(1); err != nil {
				return nil, nil, false, err
			}
			return j.row, j.header, j.changed, nil
		case t == json.Delim('{'):
			if err := j.topObject(); err != nil {
				return nil, nil, false, err
			}
			return j.row, j.header, j.changed, nil
		default:
			if j.lines {
				return nil, nil, false, invalid("JSON Lines: a line is not an object")
			}
			return nil, nil, false, invalid("JSON: the file holds neither an array nor an object")
		}
	}
}

// startRow clears the row.
func (j *jsonTable) startRow() {
	j.row = j.row[:len(j.header)]
	for i := range j.row {
		j.row[i] = ""
	}
}

// setCell puts v under key, widening the header for a new key. A key is a
// header title, held until the table ends, so it is bounded like a cell.
func (j *jsonTable) setCell(key, v string) error {
	i, ok := j.index[key]
	if !ok {
		if len(key) > j.lim.MaxCell {
			return limitErr("MaxCell", int64(j.lim.MaxCell))
		}
		if len(j.header) >= j.lim.MaxColumns {
			return limitErr("MaxColumns", int64(j.lim.MaxColumns))
		}
		i = len(j.header)
		j.index[key] = i
		j.header = append(slices.Clone(j.header), key)
		j.row = append(j.row, "")
		j.changed = true
	}
	j.row[i] = v
	return nil
}

// object reads the members of an object whose '{' was read, at nesting
// depth, into the row.
func (j *jsonTable) object(depth int) error {
	j.startRow()
	for j.dec.More() {
		k, err := j.token()
		if err != nil {
			return err
		}
		key, _ := k.(string)
		t, err := j.token()
		if err != nil {
			return err
		}
		v, err := j.cell(t, depth+1)
		if err != nil {
			return err
		}
		if err := j.setCell(key, v); err != nil {
			return err
		}
	}
	_, err := j.token() // '}'
	return err
}

// topObject reads a top-level object whose '{' was read: either one row, or
// the envelope of an array of objects, in which case it reads the array's
// first object as the row and leaves the decoder inside the array.
func (j *jsonTable) topObject() error {
	j.startRow()
	width := len(j.header)
	for j.dec.More() {
		k, err := j.token()
		if err != nil {
			return err
		}
		key, _ := k.(string)
		t, err := j.token()
		if err != nil {
			return err
		}
		var v string
		if t == json.Delim('[') {
			if !j.dec.More() {
				v = "[]"
				if _, err := j.token(); err != nil {
					return err
				}
			} else {
				first, err := j.token()
				if err != nil {
					return err
				}
				if first == json.Delim('{') {
					// An envelope: its array's objects are the rows, and
					// the members read so far are not columns.
					for _, k := range j.header[width:] {
						delete(j.index, k)
					}
					j.header = j.header[:width:width]
					j.row = j.row[:width]
					j.changed = false
					j.inArray = 2
					if err := j.object(2); err != nil {
						return err
					}
					// Return the first row now; next continues the array.
					return nil
				}
				j.buf.Reset()
				j.buf.WriteByte('[')
				if err := j.compact(first, 2); err != nil {
					return err
				}
				if err := j.compactRest(']', 2, false); err != nil {
					return err
				}
				v = j.buf.String()
			}
		} else if v, err = j.cell(t, 1); err != nil {
			return err
		}
		if err := j.setCell(key, v); err != nil {
			return err
		}
	}
	if _, err := j.token(); err != nil { // '}'
		return err
	}
	return nil
}

// skipRest skips the members of an envelope after its array of rows.
func (j *jsonTable) skipRest() error {
	depth := 1
	for depth > 0 {
		t, err := j.token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth+1 > j.lim.MaxDepth {
				return limitErr("MaxDepth", int64(j.lim.MaxDepth))
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// cell renders a value whose first token is t as a cell.
func (j *jsonTable) cell(t json.Token, depth int) (string, error) {
	switch v := t.(type) {
	case nil:
		return "", nil
	case string:
		if len(v) > j.lim.MaxCell {
			return "", limitErr("MaxCell", int64(j.lim.MaxCell))
		}
		return v, nil
	case json.Number:
		if len(v) > j.lim.MaxCell {
			return "", limitErr("MaxCell", int64(j.lim.MaxCell))
		}
		return string(v), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	}
	j.buf.Reset()
	if err := j.compact(t, depth); err != nil {
		return "", err
	}
	return j.buf.String(), nil
}

// compact writes the value whose first token is t to j.buf as compact JSON.
func (j *jsonTable) compact(t json.Token, depth int) error {
	if depth > j.lim.MaxDepth {
		return limitErr("MaxDepth", int64(j.lim.MaxDepth))
	}
	if j.buf.Len() > j.lim.MaxCell {
		return limitErr("MaxCell", int64(j.lim.MaxCell))
	}
	switch v := t.(type) {
	case nil:
		j.buf.WriteString("null")
	case bool:
		if v {
			j.buf.WriteString("true")
		} else {
			j.buf.WriteString("false")
		}
	case json.Number:
		j.buf.WriteString(string(v))
	case string:
		writeQuoted(&j.buf, v)
	case json.Delim:
		switch v {
		case '[':
			j.buf.WriteByte('[')
			return j.compactRest(']', depth+1, true)
		case '{':
			j.buf.WriteByte('{')
			return j.compactRest('}', depth+1, true)
		}
		return invalid("JSON: unexpected %q", v)
	}
	if j.buf.Len() > j.lim.MaxCell {
		return limitErr("MaxCell", int64(j.lim.MaxCell))
	}
	return nil
}

// compactRest writes the rest of an array or object (after its opening
// delimiter and any elements already written) and its closing delimiter.
func (j *jsonTable) compactRest(end byte, depth int, first bool) error {
	for j.dec.More() {
		if !first {
			j.buf.WriteByte(',')
		}
		first = false
		t, err := j.token()
		if err != nil {
			return err
		}
		if end == '}' {
			k, _ := t.(string)
			writeQuoted(&j.buf, k)
			j.buf.WriteByte(':')
			if t, err = j.token(); err != nil {
				return err
			}
		}
		if err := j.compact(t, depth); err != nil {
			return err
		}
	}
	if _, err := j.token(); err != nil {
		return err
	}
	j.buf.WriteByte(end)
	return nil
}

func writeQuoted(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}
