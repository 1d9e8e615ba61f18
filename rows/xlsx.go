package rows

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// openXLSX returns the table of a workbook's first worksheet (in workbook
// order) and the sheet's name. cleanup, if not nil, runs when the table is
// closed.
func openXLSX(zr *zip.Reader, rd *Reader, cleanup func() error) (table, string, error) {
	b := &book{rd: rd, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		b.files[strings.ToLower(f.Name)] = f
	}
	wbPath := "xl/workbook.xml"
	if rels, err := b.rels("_rels/.rels", "/officeDocument"); err != nil {
		return nil, "", err
	} else if len(rels) > 0 {
		wbPath = resolve("", rels[0].target)
	}
	relPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	rels, err := b.rels(relPath, "/worksheet", "/sharedStrings", "/styles")
	if err != nil {
		return nil, "", err
	}
	sheets := map[string]string{}
	var sstPath, stylesPath string
	for _, r := range rels {
		target := resolve(path.Dir(wbPath), r.target)
		switch {
		case strings.HasSuffix(r.typ, "/worksheet"):
			sheets[r.id] = target
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sstPath = target
		case strings.HasSuffix(r.typ, "/styles"):
			stylesPath = target
		}
	}
	name, sheetPath, date1904, err := b.firstSheet(wbPath, sheets)
	if err != nil {
		return nil, "", err
	}
	s := &sheetReader{lim: rd.lim, date1904: date1904}
	if sstPath != "" {
		if s.sst, err = b.sharedStrings(sstPath); err != nil {
			return nil, "", err
		}
	}
	if stylesPath != "" {
		if s.kinds, err = b.styles(stylesPath); err != nil {
			if s.sst != nil {
				s.sst.close()
			}
			return nil, "", err
		}
	}
	x, closeSheet, err := b.open(sheetPath)
	if err != nil {
		if s.sst != nil {
			s.sst.close()
		}
		return nil, "", err
	}
	s.x = x
	t := &headed{read: s.read, closeFn: func() error {
		err := closeSheet()
		if s.sst != nil {
			if cerr := s.sst.close(); err == nil {
				err = cerr
			}
		}
		if cleanup != nil {
			if cerr := cleanup(); err == nil {
				err = cerr
			}
		}
		return err
	}}
	return t, name, nil
}

// resolve turns a relationship target into a package path.
func resolve(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Join(dir, target)
}

// book reads the parts of one workbook package.
type book struct {
	rd    *Reader
	files map[string]*zip.File // by lower-case name
}

// open returns a token reader over a part, or an error if it is missing.
func (b *book) open(name string) (*xmlReader, func() error, error) {
	f, ok := b.files[strings.ToLower(name)]
	if !ok {
		return nil, nil, invalid("xlsx: part %s is missing", quoteName(name))
	}
	if f.UncompressedSize64 > uint64(b.rd.budget.max-b.rd.budget.used) {
		return nil, nil, limitErr("MaxBytes", b.rd.budget.max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, wrapInvalid(err, "xlsx: open %s", quoteName(name))
	}
	closeFn := func() error {
		if err := rc.Close(); err != nil {
			return wrapInvalid(err, "xlsx: corrupt part %s", quoteName(name))
		}
		return nil
	}
	return newXMLReader(&countReader{r: rc, b: b.rd.budget, member: name}, b.rd.lim), closeFn, nil
}

type rel struct{ id, typ, target string }

// rels reads a relationships part, keeping those whose type ends with one
// of types; a missing part has none.
func (b *book) rels(name string, types ...string) ([]rel, error) {
	if _, ok := b.files[strings.ToLower(name)]; !ok {
		return nil, nil
	}
	x, closeFn, err := b.open(name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	var out []rel
	for {
		t, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, wrapInvalid(err, "xlsx: read %s", quoteName(name))
		}
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		r := rel{id: attr(se, "Id"), typ: attr(se, "Type"), target: attr(se, "Target")}
		for _, typ := range types {
			if strings.HasSuffix(r.typ, typ) {
				if len(out) >= b.rd.lim.MaxMembers {
					return nil, limitErr("MaxMembers", int64(b.rd.lim.MaxMembers))
				}
				out = append(out, r)
				break
			}
		}
	}
}

// firstSheet returns the name and part of the workbook's first worksheet,
// and whether the workbook counts dates from 1904.
func (b *book) firstSheet(wbPath string, sheets map[string]string) (name, part string, date1904 bool, err error) {
	x, closeFn, err := b.open(wbPath)
	if err != nil {
		return "", "", false, err
	}
	defer closeFn()
	for {
		t, err := x.next()
		if err == io.EOF {
			return "", "", false, invalid("xlsx: the workbook holds no worksheet")
		}
		if err != nil {
			return "", "", false, wrapInvalid(err, "xlsx: read %s", quoteName(wbPath))
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			date1904 = v == "1" || v == "true"
		case "sheet":
			id := ""
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					id = a.Value
				}
			}
			if p, ok := sheets[id]; ok {
				if _, ok := b.files[strings.ToLower(p)]; ok {
					return attr(se, "name"), p, date1904, nil
				}
			}
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sharedStrings loads the shared-string table within MaxSharedStrings.
// The caller closes it.
func (b *book) sharedStrings(name string) (*sst, error) {
	x, closeFn, err := b.open(name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	s := newSST(b.rd.lim.MaxSharedStrings, b.rd.opts.TempDir)
	in, inT, rph := false, false, 0
	var text []byte
	for {
		t, err := x.next()
		if err == io.EOF {
			if err := s.done(); err != nil {
				s.close()
				return nil, err
			}
			return s, nil
		}
		if err == nil {
			switch t := t.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "si":
					in, text = true, text[:0]
				case "t":
					inT = in && rph == 0
				case "rPh":
					rph++
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "si":
					if in {
						in = false
						err = s.add(text)
					}
				case "t":
					inT = false
				case "rPh":
					if rph > 0 { // a stray end tag must not mute later text
						rph--
					}
				}
			case xml.CharData:
				if inT {
					if len(text)+len(t) > b.rd.lim.MaxCell {
						err = limitErr("MaxCell", int64(b.rd.lim.MaxCell))
					}
					text = append(text, t...)
				}
			}
		}
		if err != nil {
			s.close()
			return nil, wrapInvalid(err, "xlsx: read %s", quoteName(name))
		}
	}
}

// Kinds of number format.
const (
	plain byte = iota
	dateOnly
	timeOnly
	dateTime
)

// maxStyles bounds the cell formats kept; Excel allows 64,000.
const maxStyles = 1 << 16

// styles returns the kind of number format of each cell format (cellXfs).
func (b *book) styles(name string) ([]byte, error) {
	x, closeFn, err := b.open(name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	custom := map[int]byte{}
	var kinds []byte
	inXfs := false
	for {
		t, err := x.next()
		if err == io.EOF {
			return kinds, nil
		}
		if err != nil {
			return nil, wrapInvalid(err, "xlsx: read %s", quoteName(name))
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, err := strconv.Atoi(attr(t, "numFmtId"))
				if err == nil && len(custom) < maxStyles {
					custom[id] = formatKind(attr(t, "formatCode"))
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if !inXfs || len(kinds) >= maxStyles {
					continue
				}
				id, _ := strconv.Atoi(attr(t, "numFmtId"))
				k, ok := custom[id]
				if !ok {
					k = builtinKind(id)
				}
				kinds = append(kinds, k)
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
}

// builtinKind classifies Excel's built-in number formats: 14-17 dates,
// 18-21 times, 22 date and time, 45-47 times, and the East Asian built-ins
// (27-36, 50-58) that TCSS and HSS files may use.
func builtinKind(id int) byte {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 54, id == 57, id == 58:
		return dateOnly
	case id >= 18 && id <= 21, id >= 45 && id <= 47, id >= 32 && id <= 35, id == 55, id == 56:
		return timeOnly
	case id == 22:
		return dateTime
	}
	return plain
}

// formatKind classifies a custom number format code by its date and time
// tokens, outside quoted text, escapes and [colour] brackets.
func formatKind(code string) byte {
	var date, tm, month bool
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				tm = true // elapsed time: [h], [mm], [ss]
			}
			i += j
		case ';':
			i = len(code) // the first section decides
		default:
			switch c | 0x20 {
			case 'y', 'd', 'e':
				if c|0x20 == 'e' && !(i+1 < len(code) && (code[i+1]|0x20) == 'e') && i > 0 {
					continue // an exponent, as in 0.00E+00
				}
				date = true
			case 'h', 's':
				tm = true
			case 'm':
				month = true
			}
		}
	}
	if month && !tm {
		date = true
	}
	switch {
	case date && tm:
		return dateTime
	case date:
		return dateOnly
	case tm:
		return timeOnly
	}
	return plain
}

// renderDate renders an Excel serial date in the form of kind: 2006-01-02,
// 15:04:05, or RFC 3339 in UTC (the workbook holds no zone). ok is false for
// a value that is not a serial date.
func renderDate(v string, kind byte, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f >= 0 && f < 2958466) { // NaN fails both
		return "", false
	}
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case f < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC) // before Excel's fictional 1900-02-29
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	switch kind {
	case dateOnly:
		return t.Format(time.DateOnly), true
	case timeOnly:
		return t.Format(time.TimeOnly), true
	}
	return t.Format(time.RFC3339), true
}

// xmlReader reads raw XML tokens with bounded memory: a token larger than
// MaxCell (plus room for its tags) and nesting deeper than MaxDepth are
// refused.
type xmlReader struct {
	d     *xml.Decoder
	g     *byteGuard
	depth int
	lim   Limits
}

// byteGuard is the buffered io.ByteReader encoding/xml reads from; it
// counts the bytes of one token and fails past the limit.
type byteGuard struct {
	r     io.Reader
	buf   []byte
	i, n  int
	err   error
	count int64
	limit int64
	cell  int
}

func (g *byteGuard) ReadByte() (byte, error) {
	if g.i >= g.n {
		if g.err != nil {
			return 0, g.err
		}
		g.n, g.err = io.ReadFull(g.r, g.buf)
		g.i = 0
		if g.err == io.ErrUnexpectedEOF {
			g.err = io.EOF
		}
		if g.n == 0 {
			if g.err == nil {
				g.err = io.ErrNoProgress
			}
			return 0, g.err
		}
	}
	g.count++
	if g.count > g.limit {
		return 0, limitErr("MaxCell", int64(g.cell))
	}
	b := g.buf[g.i]
	g.i++
	return b, nil
}

func (g *byteGuard) Read(p []byte) (int, error) {
	for i := range p {
		b, err := g.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

func newXMLReader(r io.Reader, lim Limits) *xmlReader {
	g := &byteGuard{r: r, buf: make([]byte, 32<<10), cell: lim.MaxCell}
	return &xmlReader{d: xml.NewDecoder(g), g: g, lim: lim}
}

func (x *xmlReader) next() (xml.Token, error) {
	x.g.count, x.g.limit = 0, int64(x.lim.MaxCell)+64<<10
	t, err := x.d.RawToken()
	if err != nil {
		if err == io.EOF && x.depth > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > x.lim.MaxDepth {
			return nil, limitErr("MaxDepth", int64(x.lim.MaxDepth))
		}
	case xml.EndElement:
		if x.depth > 0 { // RawToken does not match tags: a stray end tag must not buy depth
			x.depth--
		}
	}
	return t, nil
}

// sheetReader reads the rows of a worksheet's sheetData.
type sheetReader struct {
	x        *xmlReader
	lim      Limits
	sst      *sst
	kinds    []byte
	date1904 bool

	rec  []string
	text []byte
	done bool
}

// read returns the next row that has a non-empty cell; blank rows are
// skipped. A cell's position comes from its reference (r="C7"), so missing
// cells read as "".
func (s *sheetReader) read() ([]string, error) {
	if s.done {
		return nil, io.EOF
	}
	var (
		inRow, inCell, inV, inIS, inT bool
		rph                           int
		col, nextCol                  int
		typ, style                    string
		nonEmpty                      bool
	)
	for {
		t, err := s.x.next()
		if err == io.EOF {
			s.done = true
			return nil, io.EOF
		}
		if err != nil {
			return nil, wrapInvalid(err, "xlsx: read the worksheet")
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, nonEmpty, nextCol = true, false, 0
				s.rec = s.rec[:0]
			case "c":
				if !inRow {
					continue
				}
				inCell = true
				typ, style = "", ""
				col = nextCol
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						c, err := column(a.Value, s.lim.MaxColumns)
						if err != nil {
							return nil, err
						}
						if c >= 0 {
							col = c
						}
					case "t":
						typ = a.Value
					case "s":
						style = a.Value
					}
				}
				if col >= s.lim.MaxColumns {
					return nil, limitErr("MaxColumns", int64(s.lim.MaxColumns))
				}
				s.text = s.text[:0]
			case "v":
				inV = inCell
			case "is":
				inIS = inCell
			case "t":
				inT = inIS && rph == 0
			case "rPh":
				rph++
			}
		case xml.CharData:
			if inV || inT {
				if len(s.text)+len(t) > s.lim.MaxCell {
					return nil, limitErr("MaxCell", int64(s.lim.MaxCell))
				}
				s.text = append(s.text, t...)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "is":
				inIS = false
			case "rPh":
				if rph > 0 { // a stray end tag must not mute later text
					rph--
				}
			case "c":
				if !inCell {
					continue
				}
				inCell = false
				v, err := s.value(typ, style)
				if err != nil {
					return nil, err
				}
				for len(s.rec) <= col {
					s.rec = append(s.rec, "")
				}
				s.rec[col] = v
				nextCol = col + 1
				nonEmpty = nonEmpty || v != ""
			case "row":
				inRow = false
				if nonEmpty {
					return s.rec, nil
				}
			case "sheetData":
				s.done = true
				return nil, io.EOF
			}
		}
	}
}

// value renders the cell just read.
func (s *sheetReader) value(typ, style string) (string, error) {
	text := string(s.text)
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return "", invalid("xlsx: shared-string index %s is not a number", quoteName(text))
		}
		if s.sst == nil {
			return "", invalid("xlsx: a cell refers to shared strings, but the workbook has none")
		}
		v, ok, err := s.sst.get(i)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", invalid("xlsx: shared-string index %d is out of range", i)
		}
		return v, nil
	case "b":
		switch strings.TrimSpace(text) {
		case "1":
			return "true", nil
		case "0":
			return "false", nil
		}
		return text, nil
	case "", "n":
		if style == "" || text == "" {
			return text, nil
		}
		i, err := strconv.Atoi(style)
		if err != nil || i < 0 || i >= len(s.kinds) || s.kinds[i] == plain {
			return text, nil
		}
		if d, ok := renderDate(text, s.kinds[i], s.date1904); ok {
			return d, nil
		}
	}
	return text, nil // inlineStr, str (formula text), e (error), d (ISO 8601 date)
}

// column returns the zero-based column of a cell reference such as "AB12",
// or -1 if the reference has no letters.
func column(ref string, maxColumns int) (int, error) {
	col := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxColumns {
			return 0, limitErr("MaxColumns", int64(maxColumns))
		}
	}
	if i == 0 {
		return -1, nil
	}
	return col - 1, nil
}
