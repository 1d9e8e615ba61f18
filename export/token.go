package export

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// tokenPrefix versions the token format. A future format gets a new prefix,
// and ParseToken keeps reading the old ones.
const tokenPrefix = "ce1."

// maxTokenLen bounds what ParseToken will decode, so garbage input cannot
// make it allocate without limit.
const maxTokenLen = 64 << 10

type tokenV1 struct {
	Provider string            `json:"p"`
	Service  string            `json:"s"`
	Kind     Kind              `json:"k"`
	ID       string            `json:"i"`
	Region   string            `json:"r,omitempty"`
	Scope    map[string]string `json:"sc,omitempty"`
	Created  int64             `json:"c,omitempty"` // Unix milliseconds
}

// Token encodes the job as an opaque, URL-safe, versioned string. It holds
// exactly the job's fields (never a credential), so it may be stored in a
// database or passed in a URL and later turned back into the job with
// ParseToken. It fails with an InvalidArgument error if the job has no
// provider, service, kind or id.
func (j Job) Token() (string, error) {
	if err := j.check(); err != nil {
		return "", err
	}
	t := tokenV1{Provider: j.Provider, Service: j.Service, Kind: j.Kind, ID: j.ID, Region: j.Region, Scope: j.Scope}
	if !j.Created.IsZero() {
		t.Created = j.Created.UnixMilli()
	}
	b, err := json.Marshal(t)
	if err != nil {
		return "", &errs.Error{Code: errs.Internal, Message: "encode token", Err: err}
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseToken decodes a token made by Job.Token. Anything else, including a
// token of an unknown version, is rejected with an error for which
// errors.Is(err, provider.ErrInvalidArgument) holds.
func ParseToken(s string) (Job, error) {
	if len(s) > maxTokenLen {
		return Job{}, errs.Invalid("job token: %d bytes is longer than the %d allowed", len(s), maxTokenLen)
	}
	rest, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok {
		return Job{}, errs.Invalid("job token: not a cloudexport job token (want the %q prefix)", tokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return Job{}, &errs.Error{Code: errs.InvalidArgument, Message: "job token: not valid URL-safe base64", Err: err}
	}
	var t tokenV1
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Job{}, &errs.Error{Code: errs.InvalidArgument, Message: "job token: malformed contents", Err: err}
	}
	j := Job{Provider: t.Provider, Service: t.Service, Kind: t.Kind, ID: t.ID, Region: t.Region, Scope: t.Scope}
	if t.Created != 0 {
		j.Created = time.UnixMilli(t.Created).UTC()
	}
	if err := j.check(); err != nil {
		return Job{}, err
	}
	return j, nil
}

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
	return nil
}
