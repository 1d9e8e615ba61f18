// Package vocab holds the table types adapters use to translate the neutral
// export vocabulary (filters, columns, sort) into a vendor's, and to validate
// a request against the same table, so that a field cannot be translated
// without being validated, or the reverse.
//
// An adapter declares one Filters and one Columns table per kind; the
// Translate methods reject anything the table does not allow with an
// InvalidArgument error naming the field and the allowed values.
package vocab

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// Enum is one enumerated value in its neutral and its vendor spelling.
type Enum struct{ Neutral, Vendor string }

// Enums is a value mapping. Lookups are case-insensitive.
type Enums []Enum

// ToVendor returns the vendor spelling of a neutral value.
func (es Enums) ToVendor(neutral string) (string, bool) {
	for _, e := range es {
		if strings.EqualFold(e.Neutral, neutral) {
			return e.Vendor, true
		}
	}
	return "", false
}

// ToNeutral returns the neutral spelling of a vendor value.
func (es Enums) ToNeutral(vendor string) (string, bool) {
	for _, e := range es {
		if strings.EqualFold(e.Vendor, vendor) {
			return e.Neutral, true
		}
	}
	return "", false
}

// Vendor lists the vendor spellings, in table order.
func (es Enums) Vendor() []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Vendor
	}
	return out
}

// Neutral lists the neutral spellings, in table order.
func (es Enums) Neutral() []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Neutral
	}
	return out
}

// Kind is the kind of value a filter takes.
type Kind int

// The value kinds.
const (
	String     Kind = iota // free text, checked against MinLen/MaxLen/Pattern
	Enumerated             // one of Values
	Bool                   // true or false, sent in Values' vendor spelling (or "true"/"false")
	TimeRange              // a Between filter: From/To
)

// Filter is one row of a filter table.
type Filter struct {
	Field     string         // neutral name
	Vendor    string         // vendor name
	Kind      Kind           // what values it takes
	Values    Enums          // for Enum; for Bool, optional vendor spellings of "true"/"false"
	MaxValues int            // most values one filter may carry; 0 = any number
	Fuzzy     bool           // whether Like (MatchFuzzy) is allowed
	MinLen    int            // String: shortest value, in characters
	MaxLen    int            // String: longest value, in characters; 0 = no limit
	Pattern   *regexp.Regexp // String: the form a value must have
	Example   string         // String with Pattern: an example for error messages, e.g. "100m"
	// NotHere, when set, marks a field of the neutral vocabulary (or of
	// another cloud) that this vendor cannot express, and says why: the
	// field is rejected with that reason, and is not listed by Names.
	NotHere string
	Window  *check.Window // TimeRange: the times the vendor accepts; nil = check.DefaultWindow
}

// Translated is one validated filter in the vendor's terms.
type Translated struct {
	Spec     *Filter
	Values   []string  // vendor spellings
	Exact    bool      // MatchExact
	From, To time.Time // TimeRange
}

// Filters is a filter table.
type Filters []Filter

// Names lists the neutral field names, in table order.
func (fs Filters) Names() []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		if f.NotHere == "" {
			out = append(out, f.Field)
		}
	}
	return out
}

func (fs Filters) find(name string) *Filter {
	for i := range fs {
		if fs[i].Field == name {
			return &fs[i]
		}
	}
	return nil
}

// Translate validates in against the table and returns it in vendor terms,
// in the order given. kind names the export kind in error messages.
func (fs Filters) Translate(kind export.Kind, in []export.Filter) ([]Translated, error) {
	if len(in) > 0 && len(fs) == 0 {
		return nil, errs.Invalid("Filters: %s exports take no filters", kind)
	}
	seen := map[string]bool{}
	out := make([]Translated, 0, len(in))
	for i, f := range in {
		spec := fs.find(f.Field)
		if spec == nil {
			return nil, errs.Invalid("Filters[%d]: unknown field %q for %s exports; want one of %s", i, f.Field, kind, strings.Join(fs.Names(), ", "))
		}
		if spec.NotHere != "" {
			return nil, errs.Invalid("Filters[%d]: field %q cannot be filtered on here: %s; want one of %s", i, f.Field, spec.NotHere, strings.Join(fs.Names(), ", "))
		}
		if seen[f.Field] {
			return nil, errs.Invalid("Filters[%d]: field %q is given twice; give it once with all its values", i, f.Field)
		}
		seen[f.Field] = true
		t, err := spec.translate(f)
		if err != nil {
			return nil, errs.Invalid("Filters[%d] (%s): %s", i, f.Field, message(err))
		}
		out = append(out, t)
	}
	return out, nil
}

func (s *Filter) translate(f export.Filter) (Translated, error) {
	t := Translated{Spec: s, Exact: f.Match == export.MatchExact}
	if f.Match != export.MatchExact && f.Match != export.MatchFuzzy {
		return t, fmt.Errorf("unknown match %d; want export.MatchExact or export.MatchFuzzy", int(f.Match))
	}
	if s.Kind == TimeRange {
		if len(f.Values) > 0 || f.Match != export.MatchExact {
			return t, fmt.Errorf("a range field takes only From and To; build it with export.Between")
		}
		if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
			return t, fmt.Errorf("the range ends (To %s) before it starts (From %s)", f.To.Format(time.RFC3339), f.From.Format(time.RFC3339))
		}
		if f.From.IsZero() && f.To.IsZero() {
			return t, fmt.Errorf("a range needs From, To or both")
		}
		w := check.DefaultWindow
		if s.Window != nil {
			w = *s.Window
		}
		from, to, err := w.Range("From/To", f.From, f.To)
		if err != nil {
			return t, err
		}
		t.From, t.To = from, to
		return t, nil
	}
	if f.IsRange() {
		return t, fmt.Errorf("only range fields take From and To; use export.Eq or export.Like")
	}
	if f.Match == export.MatchFuzzy && !s.Fuzzy {
		return t, fmt.Errorf("fuzzy matching (Like) is not supported; use export.Eq")
	}
	if len(f.Values) == 0 {
		return t, fmt.Errorf("no value given")
	}
	if s.MaxValues > 0 && len(f.Values) > s.MaxValues {
		if s.MaxValues == 1 {
			return t, fmt.Errorf("takes one value, got %d", len(f.Values))
		}
		return t, fmt.Errorf("takes at most %d values, got %d", s.MaxValues, len(f.Values))
	}
	// Every value goes on the wire or into a message: UTF-8 text without
	// control characters, bounded in length and count (check.MaxValues
	// where the vendor documents no count).
	if err := check.Texts("Values", f.Values, s.MaxValues, 0); err != nil {
		return t, err
	}
	for _, v := range f.Values {
		vv, err := s.value(v)
		if err != nil {
			return t, err
		}
		t.Values = append(t.Values, vv)
	}
	return t, nil
}

func (s *Filter) value(v string) (string, error) {
	switch s.Kind {
	case Enumerated:
		if vv, ok := s.Values.ToVendor(v); ok {
			return vv, nil
		}
		return "", fmt.Errorf("value %q is not allowed; want one of %s", v, strings.Join(s.Values.Neutral(), ", "))
	case Bool:
		switch strings.ToLower(v) {
		case "true", "false":
		default:
			return "", fmt.Errorf("value %q is not allowed; want true or false", v)
		}
		if vv, ok := s.Values.ToVendor(v); ok {
			return vv, nil
		}
		return strings.ToLower(v), nil
	default:
		n := utf8.RuneCountInString(v)
		shortest := max(s.MinLen, 1)
		if n < shortest {
			return "", fmt.Errorf("value %q is too short; want at least %d characters", v, shortest)
		}
		if s.MaxLen > 0 && n > s.MaxLen {
			return "", fmt.Errorf("value is %d characters; want at most %d", n, s.MaxLen)
		}
		if s.Pattern != nil && !s.Pattern.MatchString(v) {
			ex := ""
			if s.Example != "" {
				ex = " such as " + s.Example
			}
			return "", fmt.Errorf("value %q is not of the allowed form%s (%s)", v, ex, s.Pattern.String())
		}
		return v, nil
	}
}

// message is err's message without its code: the Message of an
// *errs.Error, else err.Error().
func message(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// Column is one row of a column table.
type Column struct {
	Key    string // neutral key
	Vendor string // vendor key
	Header string // default English header
}

// Columns is a column table, in the kind's default order.
type Columns []Column

// Keys lists the neutral keys, in table order.
func (cs Columns) Keys() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Key
	}
	return out
}

func (cs Columns) find(key string) *Column {
	for i := range cs {
		if cs[i].Key == key {
			return &cs[i]
		}
	}
	return nil
}

// TranslatedColumn is one validated column in the vendor's terms.
type TranslatedColumn struct {
	Spec   *Column
	Header string // the caller's header, or the default
}

// maxHeaderLen bounds a caller's column header.
const maxHeaderLen = 256

// Translate validates in against the table. An empty in means every column
// of the table in its default order.
func (cs Columns) Translate(kind export.Kind, in []export.Column) ([]TranslatedColumn, error) {
	if len(in) > 0 && len(cs) == 0 {
		return nil, errs.Invalid("Columns: %s exports take no columns", kind)
	}
	if len(in) == 0 {
		out := make([]TranslatedColumn, len(cs))
		for i := range cs {
			out[i] = TranslatedColumn{Spec: &cs[i], Header: cs[i].Header}
		}
		return out, nil
	}
	seen := map[string]bool{}
	out := make([]TranslatedColumn, 0, len(in))
	for i, c := range in {
		spec := cs.find(c.Key)
		if spec == nil {
			return nil, errs.Invalid("Columns[%d]: unknown column %q for %s exports; want one of %s", i, c.Key, kind, strings.Join(cs.Keys(), ", "))
		}
		if seen[c.Key] {
			return nil, errs.Invalid("Columns[%d]: column %q is given twice", i, c.Key)
		}
		seen[c.Key] = true
		h := c.Header
		if h == "" {
			h = spec.Header
		}
		if err := check.Text("Header", h, maxHeaderLen); err != nil {
			return nil, errs.Invalid("Columns[%d] (%s): %s; a header must be one line of at most %d characters", i, c.Key, message(err), maxHeaderLen)
		}
		out = append(out, TranslatedColumn{Spec: spec, Header: h})
	}
	return out, nil
}

// Sort validates s against the table (any column may be sorted on) and
// returns the vendor key; a nil s returns "".
func (cs Columns) Sort(kind export.Kind, s *export.Sort) (string, error) {
	if s == nil {
		return "", nil
	}
	spec := cs.find(s.Field)
	if spec == nil {
		return "", errs.Invalid("Sort.Field: unknown field %q for %s exports; want one of %s", s.Field, kind, strings.Join(cs.Keys(), ", "))
	}
	return spec.Vendor, nil
}

// Paging checks Offset and Limit against a kind's limits: offsetOK says
// whether Offset is supported, max is the largest Limit (0 = no paging).
func Paging(kind export.Kind, req export.Request, offsetOK bool, max int) error {
	if req.Offset < 0 {
		return errs.Invalid("Offset: %d is negative; want 0 or more", req.Offset)
	}
	if req.Offset > 0 && !offsetOK {
		return errs.Invalid("Offset: %s exports do not support an offset; leave it 0", kind)
	}
	if req.Limit < 0 {
		return errs.Invalid("Limit: %d is negative; use 0 for the provider default", req.Limit)
	}
	if max == 0 && req.Limit != 0 {
		return errs.Invalid("Limit: %s exports have no paging; leave it 0", kind)
	}
	if max > 0 && req.Limit > max {
		return errs.Invalid("Limit: %d is more than the %d rows one %s job allows; use 1..%d, or provider.Export to split the request", req.Limit, max, kind, max)
	}
	return nil
}

// Spec is everything one export kind accepts besides its target: the
// filter and column tables and the paging and sort limits. Capabilities are
// derived from it and requests are checked against it, so the two cannot
// disagree.
type Spec struct {
	Filters     Filters
	Columns     Columns
	Sort        bool   // whether Request.Sort is supported (by any column)
	NoSort      string // without Sort, the vendor fact that says why, for the error (e.g. "HSS ExportContainerList has no sort"); optional
	NoColumns   string // without Columns, the vendor fact that says why, for the error; optional
	Offset      bool   // whether Request.Offset is supported
	MaxLimit    int    // rows per job; 0 = no paging
	MaxIDs      int    // ids per job (assets); 0 = no id limit of this kind
	Concurrency int    // jobs that may run at once for one instance; 0 = no rule
}

// Checked is a request's filters, columns and sort in vendor terms, as
// Spec.Check validated them.
type Checked struct {
	Filters []Translated
	Columns []TranslatedColumn
	SortBy  string // the vendor's sort field; "" when Request.Sort is nil
}

// Check validates req against the spec of kind, in one order on every
// cloud: filters, columns, sort, paging. It returns the translation, or an
// InvalidArgument error naming the field and what is allowed.
func (s Spec) Check(kind export.Kind, req export.Request) (Checked, error) {
	var c Checked
	var err error
	if c.Filters, err = s.Filters.Translate(kind, req.Filters); err != nil {
		return Checked{}, err
	}
	if len(req.Columns) > 0 && len(s.Columns) == 0 && s.NoColumns != "" {
		return Checked{}, errs.Invalid("Columns: %s exports take no columns here (%s); leave Columns empty", kind, s.NoColumns)
	}
	if c.Columns, err = s.Columns.Translate(kind, req.Columns); err != nil {
		return Checked{}, err
	}
	if req.Sort != nil && !s.Sort {
		if s.NoSort != "" {
			return Checked{}, errs.Invalid("Sort: %s exports cannot be sorted (%s); leave Sort nil", kind, s.NoSort)
		}
		return Checked{}, errs.Invalid("Sort: %s exports cannot be sorted; leave Sort nil", kind)
	}
	if c.SortBy, err = s.Columns.Sort(kind, req.Sort); err != nil {
		return Checked{}, err
	}
	if err := Paging(kind, req, s.Offset, s.MaxLimit); err != nil {
		return Checked{}, err
	}
	return c, nil
}

// Titles returns the column titles a vendor writes for this table, each
// with its neutral key: every column's default Header, and its Vendor key
// (HSS files may carry either), in table order.
func (cs Columns) Titles() []export.Column {
	out := make([]export.Column, 0, 2*len(cs))
	for _, c := range cs {
		out = append(out, export.Column{Key: c.Key, Header: c.Header})
		if c.Vendor != "" && c.Vendor != c.Header {
			out = append(out, export.Column{Key: c.Key, Header: c.Vendor})
		}
	}
	return out
}

// FileTable is what an adapter knows of the result files of one kind: the
// column titles its vendor writes, each with its neutral key, and
// optionally how to spell a cell of a column the neutral way.
type FileTable struct {
	Titles []export.Column
	Cell   func(key, cell string) string // nil: cells stay as written
}

// NeutralCells returns a FileTable Cell that reads fs the other way: a
// cell of the column whose key is a filter's field is spelled as that
// filter takes it. An Enumerated value becomes its neutral spelling by
// Values (any case); a Bool becomes true or false (by Values when it has
// vendor spellings, else from "true" or "false" in any case); a TimeRange is
// read by parseTime, the vendor's way of writing a time (nil: times are
// kept), and written as RFC 3339 in UTC. Spaces around a cell are ignored.
// A cell of another column, or one the table does not know, is returned
// as given: never dropped, never guessed.
func (fs Filters) NeutralCells(parseTime func(cell string) (time.Time, bool)) func(key, cell string) string {
	byKey := make(map[string]*Filter, len(fs))
	for i := range fs {
		if fs[i].NotHere == "" {
			byKey[fs[i].Field] = &fs[i]
		}
	}
	return func(key, cell string) string {
		f := byKey[key]
		if f == nil {
			return cell
		}
		c := strings.TrimSpace(cell)
		switch f.Kind {
		case Enumerated:
			if n, ok := f.Values.ToNeutral(c); ok {
				return n
			}
		case Bool:
			if n, ok := f.Values.ToNeutral(c); ok {
				return n
			}
			// As sent: true or false, unless Values spells it otherwise.
			if l := strings.ToLower(c); l == "true" || l == "false" {
				if _, respelled := f.Values.ToVendor(l); !respelled {
					return l
				}
			}
		case TimeRange:
			if parseTime != nil {
				if t, ok := parseTime(c); ok {
					return t.UTC().Format(time.RFC3339)
				}
			}
		}
		return cell
	}
}

// Described is a downloaded result file that knows its FileTable. Its
// Columns method is the one rows.Describer asks for, so rows.NewReader
// reports neutral keys without being told, while the adapters stay free of
// package rows; NeutralCell offers the neutral spelling of a cell.
type Described struct {
	io.ReadCloser
	table FileTable
}

// Describe returns rc carrying t (see Described).
func Describe(rc io.ReadCloser, t FileTable) *Described {
	return &Described{ReadCloser: rc, table: t}
}

// Columns returns the file's column titles with their neutral keys (a copy).
func (d *Described) Columns() []export.Column {
	return append([]export.Column(nil), d.table.Titles...)
}

// NeutralCell returns cell, read from the column with neutral key key, in
// the neutral vocabulary where the adapter knows it (a level word, a status,
// a time as RFC 3339 in UTC), else as written.
func (d *Described) NeutralCell(key, cell string) string {
	if d.table.Cell == nil {
		return cell
	}
	return d.table.Cell(key, cell)
}
