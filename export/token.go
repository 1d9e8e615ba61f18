package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// tokenPrefix versions the token format. A future format gets a new prefix,
// and ParseToken keeps reading the old ones.
const tokenPrefix = "ce1."

// maxTokenLen bounds a token, in bytes, prefix included. ParseToken refuses a
// longer one, so garbage input cannot make it allocate without limit, and
// Job.Token refuses a job whose token would be longer, so every token it
// makes can be parsed back.
const maxTokenLen = 64 << 10

// The window Created must lie in (when set): years 1 to 9999 UTC, the range
// a Unix millisecond count and RFC 3339 both represent.
var (
	minCreated = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxCreated = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// tokenV1 is the JSON inside a "ce1." token. Created is split into a Unix
// millisecond count (c, present whenever Created is set, the epoch included)
// and the nanoseconds within that millisecond (n, omitted when 0), so tokens
// made before n existed still read the same.
type tokenV1 struct {
	Provider string            `json:"p"`
	Service  string            `json:"s"`
	Kind     Kind              `json:"k"`
	ID       string            `json:"i"`
	Region   string            `json:"r,omitempty"`
	Scope    map[string]string `json:"sc,omitempty"`
	Created  *int64            `json:"c,omitempty"` // Unix milliseconds, floored
	Nanos    int64             `json:"n,omitempty"` // 0..999999 nanoseconds past c
}

// tokenKeys are the keys a ce1 token may hold, spelled exactly.
var tokenKeys = map[string]bool{"p": true, "s": true, "k": true, "i": true, "r": true, "sc": true, "c": true, "n": true}

// Token encodes the job as an opaque, URL-safe, versioned string. It holds
// exactly the job's fields (never a credential), so it may be stored in a
// database or passed in a URL and later turned back into the job with
// ParseToken: Created comes back as the same instant in UTC, to the
// nanosecond, and an empty Scope comes back nil.
//
// It fails with an InvalidArgument error for any job ParseToken would refuse:
// a job with no provider, service, kind or id, a field that is not valid
// UTF-8, a Created outside the years 1 to 9999, or a job whose token would be
// longer than the 64 KiB ParseToken accepts.
func (j Job) Token() (string, error) {
	if err := j.check(); err != nil {
		return "", err
	}
	t := tokenV1{Provider: j.Provider, Service: j.Service, Kind: j.Kind, ID: j.ID, Region: j.Region, Scope: j.Scope}
	if !j.Created.IsZero() {
		ms := j.Created.UnixMilli()
		t.Created = &ms
		t.Nanos = int64(j.Created.Nanosecond() % 1e6)
	}
	b, err := json.Marshal(t)
	if err != nil {
		return "", &errs.Error{Code: errs.Internal, Message: "encode token", Err: err}
	}
	if err := checkTokenLen(len(tokenPrefix) + base64.RawURLEncoding.EncodedLen(len(b))); err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseToken decodes a token made by Job.Token. Anything else is rejected
// with an error for which errors.Is(err, provider.ErrInvalidArgument) holds:
// a token of an unknown version, one longer than 64 KiB, and any token that
// Job.Token would not have produced byte for byte (unknown, duplicate or
// differently cased keys, trailing data, invalid UTF-8, non-canonical
// base64 or JSON), so each job has exactly one token.
func ParseToken(s string) (Job, error) {
	if err := checkTokenLen(len(s)); err != nil {
		return Job{}, err
	}
	rest, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok {
		return Job{}, errs.Invalid("job token: not a cloudexport job token (want the %q prefix)", tokenPrefix)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return Job{}, &errs.Error{Code: errs.InvalidArgument, Message: "job token: not valid URL-safe base64", Err: err}
	}
	if !utf8.Valid(raw) {
		return Job{}, errs.Invalid("job token: contents are not valid UTF-8")
	}
	if err := checkTokenKeys(raw); err != nil {
		return Job{}, err
	}
	var t tokenV1
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Job{}, &errs.Error{Code: errs.InvalidArgument, Message: "job token: malformed contents", Err: err}
	}
	j := Job{Provider: t.Provider, Service: t.Service, Kind: t.Kind, ID: t.ID, Region: t.Region, Scope: t.Scope}
	if t.Nanos < 0 || t.Nanos >= 1e6 || (t.Nanos != 0 && t.Created == nil) {
		return Job{}, errs.Invalid("job token: bad creation time (sub-millisecond part %d)", t.Nanos)
	}
	if t.Created != nil {
		j.Created = time.UnixMilli(*t.Created).Add(time.Duration(t.Nanos)).UTC()
	}
	if err := j.check(); err != nil {
		return Job{}, err
	}
	// The checks above name the common mistakes; this one closes every
	// other way of spelling the same job (whitespace, escapes, key order,
	// explicit empty or null values, a zero Created written out).
	if again, err := j.Token(); err != nil || again != s {
		return Job{}, errs.Invalid("job token: not in the canonical form Job.Token writes")
	}
	return j, nil
}

// checkTokenLen is the one length limit both Token and ParseToken apply.
func checkTokenLen(n int) error {
	if n > maxTokenLen {
		return errs.Invalid("job token: %d bytes is longer than the %d allowed", n, maxTokenLen)
	}
	return nil
}

// checkTokenKeys walks raw's JSON tokens and refuses what encoding/json would
// let through: keys outside tokenKeys (it matches keys case-insensitively),
// a key given twice at either level (it keeps the last), and anything after
// the object (Decode stops at the first value).
func checkTokenKeys(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	bad := func(format string, args ...any) error { return errs.Invalid("job token: "+format, args...) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return bad("contents are not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad("malformed contents")
		}
		key, _ := tok.(string)
		if !tokenKeys[key] {
			return bad("unknown key %q", short(key))
		}
		if seen[key] {
			return bad("key %q is given twice", short(key))
		}
		seen[key] = true
		if key == "sc" {
			if err := checkScopeKeys(dec); err != nil {
				return err
			}
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return bad("malformed value of %q", key)
		}
	}
	if _, err := dec.Token(); err != nil {
		return bad("malformed contents")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("data after the JSON object")
	}
	return nil
}

// checkScopeKeys reads the "sc" value: an object of strings with no key twice.
func checkScopeKeys(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return errs.Invalid("job token: scope is not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errs.Invalid("job token: malformed scope")
		}
		key, _ := tok.(string)
		if seen[key] {
			return errs.Invalid("job token: scope key %q is given twice", short(key))
		}
		seen[key] = true
		if v, err := dec.Token(); err != nil {
			return errs.Invalid("job token: malformed scope")
		} else if _, ok := v.(string); !ok {
			return errs.Invalid("job token: scope %q is not a string", short(key))
		}
	}
	if _, err := dec.Token(); err != nil {
		return errs.Invalid("job token: malformed scope")
	}
	return nil
}

// maxQuoted bounds, in bytes, how much of a key read from a token an error
// quotes: the token came from outside, and its errors end up in logs.
const maxQuoted = 64

// short returns s clipped to maxQuoted bytes (errs.ClipTo).
func short(s string) string { return errs.ClipTo(s, maxQuoted) }

// check is the one validation both Token and ParseToken apply to a job.
func (j Job) check() error {
	var missing []string
	if j.Provider == "" {
		missing = append(missing, "Provider")
	}
	if j.Service == "" {
		missing = append(missing, "Service")
	}
	if j.Kind == "" {
		missing = append(missing, "Kind")
	}
	if j.ID == "" {
		missing = append(missing, "ID")
	}
	if len(missing) > 0 {
		return errs.Invalid("job token: job has no %s", strings.Join(missing, ", "))
	}
	for _, f := range []struct{ name, v string }{
		{"Provider", j.Provider}, {"Service", j.Service}, {"Kind", string(j.Kind)}, {"ID", j.ID}, {"Region", j.Region},
	} {
		if !utf8.ValidString(f.v) {
			return errs.Invalid("job token: job %s is not valid UTF-8", f.name)
		}
	}
	for k, v := range j.Scope {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return errs.Invalid("job token: job Scope[%q] is not valid UTF-8", short(k))
		}
	}
	if !j.Created.IsZero() && (j.Created.Before(minCreated) || j.Created.After(maxCreated)) {
		return errs.Invalid("job token: job Created %s is outside the years 1 to 9999", j.Created.UTC().Format(time.RFC3339))
	}
	return nil
}
