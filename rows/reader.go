package rows

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// Limits bound what reading one file may cost. A zero field takes its
// default. Each limit, when exceeded, ends the reading with an error that
// wraps a *LimitError naming the field to raise.
type Limits struct {
	// MaxBytes bounds the bytes read from the whole file after
	// decompression: every zip member, the shared-string table, the sheet
	// XML, and the file itself when it is read as it comes (csv, JSON) or
	// spooled to disk. Bytes are counted at each layer, so an .xlsx inside a
	// .zip counts both when it is spooled and when its parts are read.
	// 0 = DefaultMaxBytes (4 GiB).
	MaxBytes int64
	// MaxMembers bounds the entries of a zip archive (or of an .xlsx
	// package). 0 = DefaultMaxMembers (1000).
	MaxMembers int
	// MaxRows bounds the data rows of the whole file, over all members.
	// 0 = DefaultMaxRows (10,000,000).
	MaxRows int
	// MaxCell bounds the bytes of one cell, one JSON value or key, one XML token
	// (plus 64 KiB of room for its tags and whitespace) or one shared string.
	// 0 = DefaultMaxCell (1 MiB).
	MaxCell int
	// MaxColumns bounds the columns of a row: a csv record's fields, a JSON
	// object's keys, the column index of an xlsx cell. 0 = DefaultMaxColumns
	// (1024).
	MaxColumns int
	// MaxSharedStrings bounds the size, in bytes, of an .xlsx shared-string
	// table once loaded: its strings plus 4 bytes of index per string held
	// in memory, 8 per string spooled. Any cell may refer to any string, so
	// the table is kept whole: its first 2 MiB in memory (writers number
	// strings by first use, so these are the ones sheets repeat), the rest
	// in a temp file in Options.TempDir that Close removes. Memory therefore
	// stays flat; this bounds the disk. 0 = DefaultMaxSharedStrings (1 GiB).
	MaxSharedStrings int64
	// MaxDepth bounds the nesting of XML elements and JSON values.
	// 0 = DefaultMaxDepth (64; real sheets nest 7 deep).
	MaxDepth int
}

// The defaults of Limits.
const (
	DefaultMaxBytes         = 4 << 30
	DefaultMaxMembers       = 1000
	DefaultMaxRows          = 10_000_000
	DefaultMaxCell          = 1 << 20
	DefaultMaxColumns       = 1024
	DefaultMaxSharedStrings = 1 << 30
	DefaultMaxDepth         = 64
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxMembers <= 0 {
		l.MaxMembers = DefaultMaxMembers
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxCell <= 0 {
		l.MaxCell = DefaultMaxCell
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = DefaultMaxSharedStrings
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// LimitError says which limit a file exceeded. It reaches the caller wrapped
// in an error for which errors.Is(err, provider.ErrResourceExhausted) holds;
// use errors.As to get it.
type LimitError struct {
	Limit string // the Limits field, e.g. "MaxBytes"
	Value int64  // the limit in force
}

// Error names the limit and how to raise it.
func (e *LimitError) Error() string {
	return fmt.Sprintf("file exceeds rows.Limits.%s (%d %s); raise Options.Limits.%s to read it",
		e.Limit, e.Value, limitUnits[e.Limit], e.Limit)
}

// Is reports whether target is provider.ErrResourceExhausted, so a
// *LimitError is one however it is wrapped.
func (e *LimitError) Is(target error) bool { return target == errs.ErrResourceExhausted }

var limitUnits = map[string]string{
	"MaxBytes":         "decompressed bytes",
	"MaxMembers":       "archive members",
	"MaxRows":          "rows",
	"MaxCell":          "bytes in one cell",
	"MaxColumns":       "columns",
	"MaxSharedStrings": "bytes of shared strings",
	"MaxDepth":         "levels of nesting",
}

// limitErr returns the error a reader fails with when a limit is exceeded.
func limitErr(limit string, value int64) error {
	le := &LimitError{Limit: limit, Value: value}
	return &errs.Error{Code: errs.ResourceExhausted, Message: "result file: " + le.Error(), Err: le}
}

// invalid returns the error a reader fails with when the file is malformed.
func invalid(format string, args ...any) error {
	return errs.Invalid("result file: "+format, args...)
}

// wrapInvalid wraps err, unless it already is one of ours, as a malformed-file error.
func wrapInvalid(err error, format string, args ...any) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &errs.Error{Code: errs.InvalidArgument, Message: "result file: " + fmt.Sprintf(format, args...) + ": truncated", Err: boundedErr{err}}
	}
	return &errs.Error{Code: errs.InvalidArgument, Message: "result file: " + fmt.Sprintf(format, args...), Err: boundedErr{err}}
}

// boundedErr cuts the text of a decoder's error, which may quote up to a
// token of the file (an XML entity name), to 300 bytes; errors.Is and As
// still see the cause.
type boundedErr struct{ err error }

func (e boundedErr) Error() string { return errs.ClipTo(e.err.Error(), 300) }

func (e boundedErr) Unwrap() error { return e.err }

// quoteName quotes a member or part name (or other text) from the file for an
// error message: cut to 200 bytes (errs.ClipTo) and escaped, so it cannot
// forge a log line.
func quoteName(name string) string { return strconv.Quote(errs.ClipTo(name, 200)) }

// readErr wraps a failure of the underlying reader (a network body, a disk);
// context errors stay visible to errors.Is.
type readErr struct{ err error }

func (e readErr) Error() string { return e.err.Error() }
func (e readErr) Unwrap() error { return e.err }

// Options configure a Reader. The zero value (or a nil *Options) reads any
// supported format with the default limits.
type Options struct {
	Limits Limits // what one file may cost; a zero field takes its Default
	// Columns map header titles to neutral keys: a header cell equal (after
	// trimming spaces, case-insensitively) to a column's Header, or to its
	// Key, is reported as the Key. Pass the columns of the export.Request
	// (with the custom headers you chose) to get them back as keys.
	Columns []export.Column
	// Format is "xlsx", "csv", "zip", "json" or "jsonl"; "" sniffs it from
	// the bytes.
	Format string
	// TempDir is where a zip that must be read at random is spooled when it
	// does not come as a file; "" = os.TempDir().
	TempDir string
}

// Describer is implemented by readers that know the columns of the file they
// carry: the adapters' Download results implement it, so NewReader maps
// vendor titles to neutral keys without being told.
type Describer interface {
	// Columns returns the file's columns, with the titles the vendor writes.
	Columns() []export.Column
}

// Reader reads the rows of one result file, one row's memory at a time,
// like database/sql.Rows:
//
//	r, err := rows.NewReader(body, nil)
//	...
//	defer r.Close()
//	for r.Next() {
//		use(r.Header(), r.Row())
//	}
//	if err := r.Err(); err != nil { ... }
//
// A Reader is not safe for concurrent use.
type Reader struct {
	opts   Options
	lim    Limits
	budget *budget
	titles map[string]string // folded title -> key

	src     source
	closers []func() error

	tab        table  // the current table
	member     string // its name
	rawHeader  []string
	header     []string
	changed    bool
	headerSeen bool
	row        []string
	n          int // data rows returned
	err        error
	done       bool
}

// NewReader returns a Reader over r. A nil opts means the defaults. If
// opts.Columns is empty and r implements Describer, its columns are used; if
// both are given they are merged, the caller's winning for a title both name.
// NewReader reads a little of r to sniff the format; a zip that r does not
// hand over at random (an *os.File or an io.ReaderAt with io.Seeker does) is
// spooled to a temp file, which Close removes. Errors are InvalidArgument for
// a file it cannot read, ResourceExhausted (with a *LimitError) for one over
// a limit.
func NewReader(r io.Reader, opts *Options) (*Reader, error) {
	rd, err := newReader(opts)
	if err != nil {
		return nil, err
	}
	if d, ok := r.(Describer); ok {
		rd.mapColumns(d.Columns())
	}
	rd.mapColumns(rd.opts.Columns)
	if err := rd.open(r); err != nil {
		rd.Close()
		return nil, err
	}
	return rd, nil
}

// Open opens the file at path and returns a Reader over it (see NewReader);
// a file that cannot be opened gives a NotFound error. Close closes the file.
func Open(path string, opts *Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &errs.Error{Code: errs.NotFound, Message: "result file: open " + path, Err: err}
	}
	rd, err := newReader(opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	rd.closers = append(rd.closers, f.Close)
	rd.mapColumns(rd.opts.Columns)
	if err := rd.open(f); err != nil {
		rd.Close()
		return nil, err
	}
	return rd, nil
}

var formats = []string{"xlsx", "csv", "zip", "json", "jsonl"}

func newReader(opts *Options) (*Reader, error) {
	rd := &Reader{titles: map[string]string{}}
	if opts != nil {
		rd.opts = *opts
	}
	rd.opts.Format = strings.ToLower(rd.opts.Format)
	if rd.opts.Format != "" && !contains(formats, rd.opts.Format) {
		return nil, errs.Invalid("Options.Format: %q is not one of %s (or \"\" to sniff)", rd.opts.Format, strings.Join(formats, ", "))
	}
	rd.lim = rd.opts.Limits.withDefaults()
	rd.budget = &budget{max: rd.lim.MaxBytes}
	return rd, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// mapColumns maps the columns' headers and keys to their keys, later calls
// winning over earlier ones.
func (rd *Reader) mapColumns(cols []export.Column) {
	for _, c := range cols {
		if c.Key == "" {
			continue
		}
		for _, t := range []string{c.Key, c.Header} {
			if t = fold(t); t != "" {
				rd.titles[t] = c.Key
			}
		}
	}
}

// open sniffs the format and prepares the first table.
func (rd *Reader) open(r io.Reader) error {
	format := rd.opts.Format
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" {
		head, err := br.Peek(4 << 10)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return &errs.Error{Code: errs.Unavailable, Message: "result file: read", Err: readErr{err}}
		}
		format = sniff(head)
	}
	switch format {
	case "xlsx", "zip":
		ra, size, err := rd.randomAccess(r, br)
		if err != nil {
			return err
		}
		src, err := openZip(ra, size, format, rd)
		if err != nil {
			return err
		}
		rd.src = src
	default:
		rd.src = &single{name: "", open: func() (table, error) {
			return openStream(format, &countReader{r: br, b: rd.budget}, rd)
		}}
	}
	return nil
}

// sniff names the format of a file by its first bytes.
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		return "zip"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("[")):
		return "json"
	case bytes.HasPrefix(t, []byte("{")):
		// One object per line, and more than one line, is JSON Lines.
		line, rest, ok := bytes.Cut(t, []byte("\n"))
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if ok && bytes.HasPrefix(rest, []byte("{")) && bytes.HasSuffix(bytes.TrimRight(line, " \t\r"), []byte("}")) {
			return "jsonl"
		}
		return "json"
	}
	return "csv"
}

var bom = []byte("\xef\xbb\xbf")

// randomAccess returns r as an io.ReaderAt with its size, spooling it to a
// temp file when it is not one already.
func (rd *Reader) randomAccess(r io.Reader, br *bufio.Reader) (io.ReaderAt, int64, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if _, err := f.Seek(0, io.SeekStart); err == nil {
				return f, st.Size(), nil
			}
		}
	}
	if ra, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		if size, err := ra.Seek(0, io.SeekEnd); err == nil {
			return ra, size, nil
		}
	}
	f, n, err := rd.spool(br, "cloudexport-rows-*.zip")
	if err != nil {
		return nil, 0, err
	}
	return f, n, nil
}

// spool copies r, counting against MaxBytes, into a temp file; Close
// removes it.
func (rd *Reader) spool(r io.Reader, pattern string) (*os.File, int64, error) {
	f, n, cleanup, err := rd.spoolTo(&countReader{r: r, b: rd.budget}, pattern)
	if cleanup != nil {
		rd.closers = append(rd.closers, cleanup)
	}
	return f, n, err
}

// spoolMember spools a zip member (an .xlsx inside a .zip) from r, which
// counts against MaxBytes already; the caller removes the file with cleanup.
func (rd *Reader) spoolMember(r io.Reader) (*os.File, int64, func() error, error) {
	f, n, cleanup, err := rd.spoolTo(r, "cloudexport-rows-*.xlsx")
	if err != nil && cleanup != nil {
		cleanup()
	}
	return f, n, cleanup, err
}

func (rd *Reader) spoolTo(r io.Reader, pattern string) (*os.File, int64, func() error, error) {
	f, err := os.CreateTemp(rd.opts.TempDir, pattern)
	if err != nil {
		return nil, 0, nil, &errs.Error{Code: errs.Unavailable, Message: "result file: spool to a temp file (set Options.TempDir)", Err: err}
	}
	name := f.Name()
	cleanup := func() error {
		f.Close()
		return os.Remove(name)
	}
	n, err := io.Copy(f, r)
	if err != nil {
		var e *errs.Error
		if !errors.As(err, &e) {
			err = &errs.Error{Code: errs.Unavailable, Message: "result file: spool to a temp file", Err: err}
		}
		return nil, 0, cleanup, err
	}
	return f, n, cleanup, nil
}

// budget counts decompressed bytes against MaxBytes.
type budget struct{ used, max int64 }

func (b *budget) add(n int) error {
	b.used += int64(n)
	if b.used > b.max {
		return limitErr("MaxBytes", b.max)
	}
	return nil
}

// countReader counts what it reads against a budget. A failure of the
// underlying reader is Unavailable, or, when member names a zip member whose
// decompression failed, InvalidArgument.
type countReader struct {
	r      io.Reader
	b      *budget
	member string
}

func (c *countReader) Read(p []byte) (int, error) {
	if c.b.used > c.b.max {
		return 0, limitErr("MaxBytes", c.b.max) // sticky, whoever swallowed it before
	}
	n, err := c.r.Read(p)
	if berr := c.b.add(n); berr != nil {
		return n, berr
	}
	if err != nil && err != io.EOF {
		var e *errs.Error
		switch {
		case errors.As(err, &e):
		case c.member != "":
			err = wrapInvalid(err, "corrupt member %s", quoteName(c.member))
		default:
			err = &errs.Error{Code: errs.Unavailable, Message: "result file: read", Err: readErr{err}}
		}
	}
	return n, err
}

// source yields the tables of a file: one for csv, JSON and xlsx, one per
// member for a zip archive.
type source interface {
	// nextTable returns the next table and its name, or io.EOF.
	nextTable() (table, string, error)
}

// table yields the rows of one table.
type table interface {
	// next returns the next row, the header it is aligned with and whether
	// the header changed with it (the header of csv and xlsx tables is their
	// first row; JSON tables grow theirs as new keys appear), or io.EOF with
	// the header (if any). The row is valid until the next call.
	next() (row []string, header []string, changed bool, err error)
	close() error
}

// single is the source of a file that is one table.
type single struct {
	name string
	open func() (table, error)
	done bool
}

func (s *single) nextTable() (table, string, error) {
	if s.done {
		return nil, "", io.EOF
	}
	s.done = true
	t, err := s.open()
	return t, s.name, err
}

// Next advances to the next row, moving on to the next table (zip member)
// when one ends. It returns false at the end of the file or on an error;
// then Err says which.
func (rd *Reader) Next() bool {
	if rd.done {
		return false
	}
	for {
		if rd.tab == nil {
			t, name, err := rd.src.nextTable()
			if err == io.EOF {
				if rd.header == nil {
					return rd.fail(invalid("the file holds no table (no header row)"))
				}
				rd.done = true
				return false
			}
			if err != nil {
				return rd.fail(err)
			}
			rd.tab, rd.member = t, name
		}
		row, header, changed, err := rd.tab.next()
		if err == io.EOF {
			if !rd.headerSeen && header != nil {
				// A table with a header and no rows: keep its header for
				// callers that look after the last Next.
				rd.setHeader(header)
			}
			err = rd.tab.close()
			rd.tab = nil
			rd.headerSeen = false
			if err != nil {
				return rd.fail(err)
			}
			continue
		}
		if err != nil {
			return rd.fail(err)
		}
		if rd.n >= rd.lim.MaxRows {
			return rd.fail(limitErr("MaxRows", int64(rd.lim.MaxRows)))
		}
		rd.n++
		rd.changed = changed || !rd.headerSeen || len(header) != len(rd.rawHeader)
		rd.headerSeen = true
		if rd.changed {
			rd.setHeader(header)
		}
		rd.row = row
		return true
	}
}

func (rd *Reader) fail(err error) bool {
	rd.err = err
	rd.done = true
	rd.row = nil
	return false
}

func (rd *Reader) setHeader(raw []string) {
	rd.rawHeader = append(rd.rawHeader[:0], raw...)
	rd.header = make([]string, len(raw))
	for i, t := range raw {
		if k, ok := rd.titles[fold(t)]; ok {
			rd.header[i] = k
		} else {
			rd.header[i] = t
		}
	}
}

// Header returns the column names of the current row: the neutral key where
// Options.Columns or the Describer know the title, else the title as
// written. After Next returns false it is the header of the last table, so a
// file with a header and no rows still tells its columns. It changes only
// when HeaderChanged reports so: at the first row
// of each zip member, and in JSON when an object brings a key not seen
// before (the header grows; earlier columns keep their places). The slice
// must not be modified; a changed header is a new slice.
func (rd *Reader) Header() []string { return rd.header }

// HeaderChanged reports whether Header changed with the last Next (it is
// true at the first row).
func (rd *Reader) HeaderChanged() bool { return rd.changed }

// Row returns the current row, as long as Header. It is valid until the next
// call to Next; copy it (slices.Clone) to keep it.
func (rd *Reader) Row() []string { return rd.row }

// Record returns a copy of the current row keyed by Header. Columns without
// a title are left out; of two columns with the same name the later wins.
func (rd *Reader) Record() map[string]string {
	if rd.row == nil {
		return nil
	}
	m := make(map[string]string, len(rd.row))
	for i, v := range rd.row {
		if i < len(rd.header) && rd.header[i] != "" {
			m[rd.header[i]] = v
		}
	}
	return m
}

// Member returns where the current row came from: the worksheet's name for
// an .xlsx file, the member's path for a zip archive ("a/b.csv", or
// "a/b.xlsx/Sheet1"), "" for a csv or JSON file.
func (rd *Reader) Member() string { return rd.member }

// Err returns the error that ended Next, or nil at a clean end of file.
// Malformed files give InvalidArgument errors, files over a limit
// ResourceExhausted ones wrapping a *LimitError, and a failing underlying
// reader an Unavailable error that wraps its cause (context.Canceled stays
// visible to errors.Is).
func (rd *Reader) Err() error { return rd.err }

// Close releases the reader: it closes the file Open opened and removes any
// spooled temp file. It is safe to call more than once. Close reports only
// failures to release those; what is wrong with the file's content is Err's
// to report, and the part of a file left unread (after an error, or when the
// caller stops early) is not checked.
func (rd *Reader) Close() error {
	var first error
	if rd.tab != nil {
		// The table was not read to its end, so a decompressor's complaint
		// about its content (InvalidArgument) says nothing the caller needs.
		if err := rd.tab.close(); err != nil && !errors.Is(err, errs.ErrInvalidArgument) {
			first = err
		}
		rd.tab = nil
	}
	if c, ok := rd.src.(io.Closer); ok {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	for i := len(rd.closers) - 1; i >= 0; i-- {
		if err := rd.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	rd.closers = nil
	rd.done = true
	return first
}

// All returns the rows as an iterator: each step yields Row (valid for that
// step only) and a nil error; a failure is yielded once, with a nil row, at
// the end. It is sugar on Next, Row and Err.
func (rd *Reader) All() iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for rd.Next() {
			if !yield(rd.row, nil) {
				return
			}
		}
		if err := rd.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// ReadAll reads a whole (small) file: the header of its first table (as
// widened by its last row) and all rows, each copied. Rows of later zip members with another header are
// returned too, aligned with their own header; use a Reader to tell them
// apart. Limits apply as for NewReader.
func ReadAll(r io.Reader, opts *Options) (header []string, rows [][]string, err error) {
	rd, err := NewReader(r, opts)
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	var first table
	for rd.Next() {
		if header == nil {
			first = rd.tab
		}
		if rd.tab == first && rd.HeaderChanged() {
			header = rd.Header() // JSON widens it as new keys appear
		}
		rows = append(rows, append([]string(nil), rd.Row()...))
	}
	if err := rd.Err(); err != nil {
		return nil, nil, err
	}
	if header == nil {
		header = rd.Header() // a header and no rows
	}
	return header, rows, rd.Close()
}
