// Package check holds the checks every identifier and value passes before
// it goes on the wire: text is valid UTF-8 without control characters, ids
// that land in URL path segments use a small safe alphabet, lengths and
// value counts are bounded, and time ranges are ordered and inside the
// window the vendors document.
//
// Every refusal is an InvalidArgument *errs.Error whose message starts with
// the field it was given (for example "Filters[2].Values[0]") and says what
// is allowed. The package knows no vendor; callers pass the vendor's limit
// where one is documented (the constants below name them, with sources) and
// the generous defaults otherwise.
//
// # Limits
//
// Documented vendor limits (huawei.md, tencent.md, the seeds under
// /work/shared/seeds, and the ROMA/HSS API references):
//
//	ROMA app id           36 characters (UUID form)          ROMAAppIDLen
//	ROMA task id          1–32                               ROMATaskIDLen
//	ROMA job / archive id 1–128                              ROMAJobIDLen
//	ROMA instance id      0–64, project id 0–64              ROMAInstanceIDLen
//	ROMA apps + tasks     at most 100 per job                ROMAMaxAssetIDs
//	HSS task / file id    1–64                               HSSTaskIDLen
//	HSS project id, enterprise_project_id  1–256             HSSProjectIDLen
//	HSS names (cluster, container, image)  1–255; pod 1–512  (caller's table)
//	HSS create_time       0–4071095999000 ms                 Window
//
// Generous limits where the vendor documents none:
//
//	MaxIDLen        128 bytes: TCSS JobId, image ids, CVM ids, any other id
//	MaxTextLen      1024 characters: filter values, column headers
//	MaxValues       100 values in one filter (TCSS AssetFilters documents none)
package check

import (
	"fmt"
	"math"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// Documented vendor limits, in characters (the ids are ASCII).
const (
	ROMAAppIDLen      = 36  // ROMA application ids are UUIDs: 8-4-4-4-12 hex digits
	ROMATaskIDLen     = 32  // OpenAPI AssetExportTask id: 1–32
	ROMAJobIDLen      = 128 // ExportAssetResponse job_id, archive_id: 1–128
	ROMAInstanceIDLen = 64  // path instance_id: 0–64 (seed 002)
	ROMAMaxAssetIDs   = 100 // "A maximum of 100 applications and tasks" (seed 002)
	HSSTaskIDLen      = 64  // ListQueryExportTask task_id, file_id: 1–64
	HSSProjectIDLen   = 256 // project_id, enterprise_project_id: 1–256 (seed 001)
)

// Generous limits where the vendor documents none.
const (
	MaxIDLen   = 128  // bytes of any other id (TCSS JobId, image ids, CVM ids)
	MaxTextLen = 1024 // characters of any other value on the wire
	MaxValues  = 100  // values in one filter
)

// Text checks a value that goes on the wire as text (a filter value, a
// column header): valid UTF-8, no control character, at most max
// characters (MaxTextLen when max <= 0). Empty text passes; callers that
// need a value check for "" themselves.
func Text(field, v string, max int) error {
	if max <= 0 {
		max = MaxTextLen
	}
	if !utf8.ValidString(v) {
		return errs.Invalid("%s: not valid UTF-8; want UTF-8 text without control characters", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return errs.Invalid("%s: %d characters; want at most %d", field, n, max)
	}
	for i, r := range v {
		if control(r) {
			return errs.Invalid("%s: control character %U at byte %d; want text without control characters (tabs and newlines included)", field, r, i)
		}
	}
	return nil
}

// control reports whether r is a control character, a line or paragraph
// separator, or a bidirectional formatting character: anything that can
// change how a value reads in a log, a header or a spreadsheet cell.
func control(r rune) bool {
	switch {
	case unicode.IsControl(r): // C0, DEL, C1
		return true
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r == '\u200e' || r == '\u200f' || ('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069'):
		return true // bidi marks, embeddings, overrides and isolates
	case r == '\ufeff': // byte order mark / zero-width no-break space
		return true
	}
	return false
}

// idByte reports whether b may appear in an id: ASCII letters, digits and
// - _ . : (":" for "sha256:…" image ids).
func idByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.' || b == ':'
}

// IDAlphabet describes the characters ID accepts, for messages.
const IDAlphabet = "ASCII letters, digits and - _ . :"

// ID checks an id that goes on the wire, typically as a URL path segment
// (a job, task, file, archive, instance or project id): 1 to max bytes
// (MaxIDLen when max <= 0), only IDAlphabet, and not "." or "..". Spaces,
// "/", "%", "?", "#", "\" and anything outside ASCII are refused, so an id
// can never change the path it is put in.
func ID(field, v string, max int) error {
	if max <= 0 {
		max = MaxIDLen
	}
	if v == "" {
		return errs.Invalid("%s: empty; want 1 to %d of %s", field, max, IDAlphabet)
	}
	if len(v) > max {
		return errs.Invalid("%s: %d bytes; want at most %d", field, len(v), max)
	}
	for i := 0; i < len(v); i++ {
		if !idByte(v[i]) {
			return errs.Invalid("%s: %s at byte %d is not allowed in an id; want only %s", field, describe(v, i), i, IDAlphabet)
		}
	}
	if v == "." || v == ".." {
		return errs.Invalid("%s: %q is a path step, not an id; want %s other than \".\" and \"..\"", field, v, IDAlphabet)
	}
	return nil
}

// describe names the character at v[i] without echoing control bytes.
func describe(v string, i int) string {
	r, _ := utf8.DecodeRuneInString(v[i:])
	switch {
	case r == utf8.RuneError:
		return "an invalid UTF-8 byte"
	case r == ' ':
		return "a space"
	case control(r):
		return fmt.Sprintf("control character %U", r)
	}
	return fmt.Sprintf("%q", r)
}

// Count checks that a list of n items has at most max.
func Count(field string, n, max int) error {
	if n > max {
		return errs.Invalid("%s: %d values; want at most %d", field, n, max)
	}
	return nil
}

// Texts checks a list of text values: at most maxCount of them (MaxValues
// when maxCount <= 0), each as Text with maxLen. An error names the
// element, e.g. "Filters[0].Values[3]".
func Texts(field string, vs []string, maxCount, maxLen int) error {
	if maxCount <= 0 {
		maxCount = MaxValues
	}
	if err := Count(field, len(vs), maxCount); err != nil {
		return err
	}
	for i, v := range vs {
		if Text(field, v, maxLen) != nil {
			// The element's name is built only for the message.
			return Text(fmt.Sprintf("%s[%d]", field, i), v, maxLen)
		}
	}
	return nil
}

// IDs checks a list of ids: at most maxCount (MaxValues when <= 0), each as
// ID with maxLen, none given twice.
func IDs(field string, vs []string, maxCount, maxLen int) error {
	if maxCount <= 0 {
		maxCount = MaxValues
	}
	if err := Count(field, len(vs), maxCount); err != nil {
		return err
	}
	var seen map[string]int
	if len(vs) > 1 {
		seen = make(map[string]int, len(vs))
	}
	for i, v := range vs {
		if ID(field, v, maxLen) != nil {
			// The element's name is built only for the message.
			return ID(fmt.Sprintf("%s[%d]", field, i), v, maxLen)
		}
		if j, ok := seen[v]; ok {
			return errs.Invalid("%s[%d]: %q is given twice (also at index %d); want each id once", field, i, v, j)
		}
		if seen != nil {
			seen[v] = i
		}
	}
	return nil
}

// Window is the span of times a vendor accepts in a range filter.
type Window struct{ Min, Max time.Time }

// DefaultWindow runs from the Unix epoch (HSS takes epoch milliseconds, and
// nothing exported predates 1970) to 4071095999000 ms (2099-01-03T03:59:59Z), the
// largest create_time HSS documents (ContainerBaseInfo).
var DefaultWindow = Window{Min: time.Unix(0, 0).UTC(), Max: time.UnixMilli(4071095999000).UTC()}

// Range fills a range's open bounds (a zero From or To) with w.Min and w.Max,
// and checks that both bounds lie inside w and that From is not after To.
// It returns the filled bounds in UTC.
func (w Window) Range(field string, from, to time.Time) (time.Time, time.Time, error) {
	if from.IsZero() {
		from = w.Min
	}
	if to.IsZero() {
		to = w.Max
	}
	const layout = time.RFC3339
	for _, b := range []struct {
		name string
		t    time.Time
	}{{"From", from}, {"To", to}} {
		if b.t.Before(w.Min) || b.t.After(w.Max) {
			return time.Time{}, time.Time{}, errs.Invalid("%s: %s %s is outside %s to %s; want a time in that window, or zero for an open bound",
				field, b.name, b.t.UTC().Format(layout), w.Min.Format(layout), w.Max.Format(layout))
		}
	}
	if from.After(to) {
		return time.Time{}, time.Time{}, errs.Invalid("%s: the range starts (From %s) after it ends (To %s, open bounds filled); want From <= To",
			field, from.UTC().Format(layout), to.UTC().Format(layout))
	}
	return from.UTC(), to.UTC(), nil
}

// Rate checks a rate in calls per second where 0 means the default: it must
// be a finite number, 0 or more. NaN would turn pacing off and +Inf means
// no pacing at all, so both are refused rather than taken as a default.
func Rate(field string, v float64, def string) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return errs.Invalid("%s: %v is not a rate; want a finite number of requests per second, or 0 for %s", field, v, def)
	}
	return nil
}
