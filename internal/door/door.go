// Package door is the front door both cloud adapters share: each adapter
// declares one table of the export kinds it serves (Kind rows) and the
// schedules it reads, and Door checks every request, job and schedule query
// against that table once, dispatches to the row, and attributes errors
// (provider, service) in one place. Capabilities are derived from the same
// table, so what is listed is what is served.
//
// A row's functions may rely on what the door guarantees: the target is of
// the row's kind and its id fields (the row's IDs) are path-safe and
// bounded, filters, columns, sort and paging passed the row's Spec (the
// translation is handed over; every filter value is UTF-8 text without
// control characters, at most 1024 characters, at most 100 values unless
// the Spec says otherwise; ranges are filled, ordered and inside their
// window), a job is the adapter's, of the row's kind and service, with a
// bounded, path-safe ID and Scope entries (the row's Scope), and a File.ID
// handed to Download is path-safe (internal/check.ID). What a vendor
// answered passes the same checks on the way out: the job a row's Create
// returns must pass CheckJob, and a file a row's Poll returns must have a
// path-safe ID, a Name that is one file name, and a bounded Path and URL
// without control characters (checkFile), or the call is Internal.
package door

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// Kind is one row of an adapter's table of export kinds. P is the adapter's
// provider type.
type Kind[P any] struct {
	Kind    export.Kind
	Service string     // the vendor service whose jobs these are (Job.Service)
	Spec    vocab.Spec // filters, columns, sort, paging and id limits

	// Create checks the target and starts one job. When req.DryRun it must
	// send nothing, and return a nil error once the request would be
	// accepted (the Job it returns is discarded).
	Create func(p P, ctx context.Context, req export.Request, c vocab.Checked) (export.Job, error)
	// Poll reads a job's status. A job that ended in failure is a Status
	// with StateFailed; a vendor state the adapter does not know is an
	// error (see UnknownState).
	Poll func(p P, ctx context.Context, job export.Job) (export.Status, error)
	// Download opens one result file; nil = the kind's files are not
	// fetched by the adapter (ErrUnsupported).
	Download func(p P, ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error)
	// CheckJob checks the kind's own Job.Scope entries beyond Scope; nil =
	// none.
	CheckJob func(p P, job export.Job) error

	// IDs are the target's fields that go on the wire as ids (a URL path
	// segment, an id list): each given value passes check.ID, a list
	// check.IDs, before Create runs. An empty string field is left to
	// Create (it may have a default).
	IDs []ID
	// Scope are the Job.Scope entries that go into a URL path: each passes
	// check.ID before Poll or Download runs.
	Scope []ID
}

// ID says how one id field is checked at the door.
type ID struct {
	Name     string // a Job.Scope key, or a field of the target's type (string or []string)
	Max      int    // longest id in bytes; 0 = check.MaxIDLen
	Count    int    // a list's most ids; 0 = check.MaxValues
	Required bool   // Scope: the entry must be present
}

// Schedule is one row of an adapter's table of scan schedules.
type Schedule[P any] struct {
	Kind    scan.Kind
	Service string
	Read    func(p P, ctx context.Context) (scan.Schedule, error)
}

// Door is an adapter's front door.
type Door[P any] struct {
	Provider  string        // "tencent", "huawei"
	Kinds     []Kind[P]     // the export kinds served, in the order errors list them
	Schedules []Schedule[P] // the scan schedules served
}

// Capabilities derives the provider's Capabilities from the table.
func (d *Door[P]) Capabilities() provider.Capabilities {
	caps := provider.Capabilities{Exports: make(map[export.Kind]provider.Limits, len(d.Kinds))}
	for _, s := range d.Schedules {
		caps.Schedules = append(caps.Schedules, s.Kind)
	}
	for _, k := range d.Kinds {
		s := k.Spec
		caps.Exports[k.Kind] = provider.Limits{
			MaxLimit: s.MaxLimit, MaxIDs: s.MaxIDs, Concurrency: s.Concurrency,
			Offset: s.Offset, Sort: s.Sort,
		}
		lim := caps.Exports[k.Kind]
		if len(s.Filters) > 0 {
			lim.Filters = s.Filters.Names()
		}
		if len(s.Columns) > 0 {
			lim.Columns = s.Columns.Keys()
		}
		caps.Exports[k.Kind] = lim
	}
	return caps
}

func (d *Door[P]) kind(k export.Kind) *Kind[P] {
	for i := range d.Kinds {
		if d.Kinds[i].Kind == k {
			return &d.Kinds[i]
		}
	}
	return nil
}

func (d *Door[P]) served() string {
	var b strings.Builder
	for i, k := range d.Kinds {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", k.Kind, k.Service)
	}
	return b.String()
}

// CheckRequest checks req at the door: a target is given, its kind is
// served (else Unsupported), and filters, columns, sort and paging pass the
// kind's Spec. It sends nothing.
func (d *Door[P]) CheckRequest(req export.Request) (*Kind[P], vocab.Checked, error) {
	if req.Target == nil {
		return nil, vocab.Checked{}, errs.Attribute(errs.Invalid("Target: no target given; want the target of one of %s", d.served()), d.Provider, "")
	}
	if nilPointer(req.Target) {
		// The module's targets have value methods: asking a nil pointer its
		// Kind would panic.
		return nil, vocab.Checked{}, errs.Attribute(errs.Invalid("Target: a nil %T; want a target value", req.Target), d.Provider, "")
	}
	k := d.kind(req.Target.Kind())
	if k == nil {
		return nil, vocab.Checked{}, &errs.Error{Code: errs.Unsupported, Provider: d.Provider,
			Message: fmt.Sprintf("%s does not serve %s exports; it serves %s", d.Provider, req.Target.Kind(), d.served())}
	}
	if err := checkTargetIDs(req.Target, k.IDs); err != nil {
		return nil, vocab.Checked{}, errs.Attribute(err, d.Provider, k.Service)
	}
	c, err := k.Spec.Check(k.Kind, req)
	return k, c, errs.Attribute(err, d.Provider, k.Service)
}

// nilPointer reports whether target is a nil pointer.
func nilPointer(target export.Target) bool {
	v := reflect.ValueOf(target)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkTargetIDs checks the id fields of target named by ids.
func checkTargetIDs(target export.Target, ids []ID) error {
	if len(ids) == 0 {
		return nil
	}
	v := reflect.ValueOf(target)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return errs.Invalid("Target: a nil %T; want a target value", target)
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	for _, id := range ids {
		f := v.FieldByName(id.Name)
		switch {
		case !f.IsValid():
			// A row naming a field its target lacks is the adapter's bug.
			return &errs.Error{Code: errs.Internal, Message: fmt.Sprintf("%T has no field %s to check", target, id.Name)}
		case f.Kind() == reflect.String:
			if s := f.String(); s != "" {
				// The field's name is built only for a message.
				if check.ID("Target", s, id.Max) != nil {
					return check.ID("Target."+id.Name, s, id.Max)
				}
			}
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			list, _ := f.Interface().([]string)
			if check.IDs("Target", list, id.Count, id.Max) != nil {
				return check.IDs("Target."+id.Name, list, id.Count, id.Max)
			}
		}
	}
	return nil
}

// Create checks req and starts one job through its kind's row. A DryRun
// request returns the zero Job and a nil error when it would be accepted,
// on every cloud, and sends nothing.
func (d *Door[P]) Create(ctx context.Context, p P, req export.Request) (export.Job, error) {
	k, c, err := d.CheckRequest(req)
	if err != nil {
		return export.Job{}, err
	}
	job, err := k.Create(p, ctx, req, c)
	if err != nil {
		return export.Job{}, errs.Attribute(err, d.Provider, k.Service)
	}
	if req.DryRun {
		return export.Job{}, nil
	}
	// The job's ID came from a vendor answer: it must pass the checks a
	// job handed back by the caller passes, or it could never be polled.
	if _, err := d.CheckJob(p, job); err != nil {
		return export.Job{}, untrusted(d.Provider, k.Service, "job", err)
	}
	return job, nil
}

// untrusted is the error of a vendor answer that fails the checks the
// library applies to what it sends back (an id too long, or not path-safe):
// Internal, naming what failed.
func untrusted(provider, service, what string, err error) error {
	msg := err.Error()
	var e *errs.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	return &errs.Error{Code: errs.Internal, Provider: provider, Service: service,
		Message: fmt.Sprintf("the service answered with a %s this library cannot use (%s)", what, msg)}
}

// maxJobID bounds Job.ID.
const maxJobID = 128

// CheckJob checks a job handed back by a caller: it is this provider's, of
// a served kind on that kind's service, with an ID of 1 to 128 characters
// that is safe in a URL path (check.ID), and its scope passes the row's
// CheckJob.
func (d *Door[P]) CheckJob(p P, job export.Job) (*Kind[P], error) {
	if job.Provider != d.Provider {
		return nil, errs.Attribute(errs.Invalid("Job.Provider: %q is not a %s job; pass a job returned by CreateExportJob or export.ParseToken", job.Provider, d.Provider), d.Provider, "")
	}
	k := d.kind(job.Kind)
	if k == nil || k.Service != job.Service {
		return nil, errs.Attribute(errs.Invalid("Job: kind %q on service %q is not a %s job; want one of %s", job.Kind, job.Service, d.Provider, d.served()), d.Provider, "")
	}
	if err := check.ID("Job.ID", job.ID, maxJobID); err != nil {
		return nil, errs.Attribute(err, d.Provider, k.Service)
	}
	for _, id := range k.Scope {
		v, ok := job.Scope[id.Name]
		if !ok && id.Required {
			return nil, errs.Attribute(errs.Invalid("Job.Scope[%q]: missing; pass a job returned by CreateExportJob or export.ParseToken", id.Name), d.Provider, k.Service)
		}
		if ok || id.Required {
			// The field's name is built only for a message.
			if err := check.ID("Job.Scope", v, id.Max); err != nil {
				err := check.ID(fmt.Sprintf("Job.Scope[%q]", id.Name), v, id.Max)
				return nil, errs.Attribute(err, d.Provider, k.Service)
			}
		}
	}
	if k.CheckJob != nil {
		if err := k.CheckJob(p, job); err != nil {
			return nil, errs.Attribute(err, d.Provider, k.Service)
		}
	}
	return k, nil
}

// Poll checks job and reads its status through its kind's row.
func (d *Door[P]) Poll(ctx context.Context, p P, job export.Job) (export.Status, error) {
	k, err := d.CheckJob(p, job)
	if err != nil {
		return export.Status{}, err
	}
	st, err := k.Poll(p, ctx, job)
	if err != nil {
		return st, errs.Attribute(err, d.Provider, k.Service)
	}
	// A file's id, name, path and link come from a vendor answer: the id
	// goes into a URL path later, and the others reach a terminal or name
	// a file on disk.
	for i, f := range st.Files {
		if f.ID != "" && check.ID("Files.ID", f.ID, maxJobID) != nil {
			err := check.ID(fmt.Sprintf("Files[%d].ID", i), f.ID, maxJobID)
			return export.Status{}, untrusted(d.Provider, k.Service, "file id", err)
		}
		if err := checkFile(i, f); err != nil {
			return export.Status{}, untrusted(d.Provider, k.Service, "file", err)
		}
	}
	return st, nil
}

// Bounds on a vendor's File: a name is one path step of text, a path and a
// link bounded text (a presigned COS link runs to about 1.5 KB).
const (
	maxFileName = 255
	maxFilePath = 1024
	maxFileURL  = 8192
)

// checkFile checks the i-th file of a vendor's Status: Name one step of at
// most maxFileName characters, Path and URL text within their bounds, none
// with control or bidi characters (check.Text).
func checkFile(i int, f export.File) error {
	if f.Name != "" {
		field := fmt.Sprintf("Files[%d].Name", i)
		if err := check.Text(field, f.Name, maxFileName); err != nil {
			return err
		}
		if strings.ContainsAny(f.Name, `/\`) || f.Name == "." || f.Name == ".." {
			return errs.Invalid("%s: %q is not one file name", field, f.Name)
		}
	}
	if f.Path != "" {
		if err := check.Text(fmt.Sprintf("Files[%d].Path", i), f.Path, maxFilePath); err != nil {
			return err
		}
	}
	if f.URL != "" {
		if err := check.Text(fmt.Sprintf("Files[%d].URL", i), f.URL, maxFileURL); err != nil {
			return err
		}
	}
	return nil
}

// Download checks job and opens one of its files through its kind's row.
func (d *Door[P]) Download(ctx context.Context, p P, job export.Job, f export.File) (io.ReadCloser, error) {
	k, err := d.CheckJob(p, job)
	if err != nil {
		return nil, err
	}
	if k.Download == nil {
		return nil, &errs.Error{Code: errs.Unsupported, Provider: d.Provider, Service: k.Service,
			Message: fmt.Sprintf("%s does not download %s files", d.Provider, k.Kind)}
	}
	// A vendor file id goes into a URL path.
	if f.ID != "" {
		if err := check.ID("File.ID", f.ID, maxJobID); err != nil {
			return nil, errs.Attribute(err, d.Provider, k.Service)
		}
	}
	rc, err := k.Download(p, ctx, job, f)
	return rc, errs.Attribute(err, d.Provider, k.Service)
}

// Schedule checks a schedule query, a kind is given (else
// InvalidArgument) and served (else Unsupported), and reads it through its
// row.
func (d *Door[P]) Schedule(ctx context.Context, p P, q scan.Query) (scan.Schedule, error) {
	var want []string
	for _, s := range d.Schedules {
		if s.Kind == q.Kind {
			sch, err := s.Read(p, ctx)
			return sch, errs.Attribute(err, d.Provider, s.Service)
		}
		want = append(want, string(s.Kind))
	}
	if q.Kind == "" {
		return scan.Schedule{}, errs.Attribute(errs.Invalid("Query.Kind: empty; want one of %s", strings.Join(want, ", ")), d.Provider, "")
	}
	return scan.Schedule{}, &errs.Error{Code: errs.Unsupported, Provider: d.Provider,
		Message: fmt.Sprintf("%s has no %q schedule; it serves %s", d.Provider, q.Kind, strings.Join(want, ", "))}
}

// UnknownState is the error of a poll whose answer holds a job state the
// adapter does not know, or none: Internal, naming the vendor's word
// (clipped, errs.Clip), so that provider.Wait stops instead of polling
// until its ctx ends. It is the same on every cloud.
func UnknownState(provider, service, action, field, word string, known []string) error {
	return &errs.Error{Code: errs.Internal, Provider: provider, Service: service, Action: action,
		Message: fmt.Sprintf("unknown %s %q; want one of %s", field, errs.Clip(word), strings.Join(known, ", "))}
}

// Target returns req's target as T, the row's target type. The door has
// matched the target's Kind to the row; a different type that claims the
// same kind is InvalidArgument.
func Target[T export.Target](req export.Request) (T, error) {
	t, ok := req.Target.(T)
	if !ok {
		var want T
		return want, errs.Invalid("Target: a %T claims kind %s; want a %T", req.Target, req.Target.Kind(), want)
	}
	return t, nil
}

// Front binds a Door to one adapter value. An adapter embeds it (through
// an unexported alias) to get the methods of provider.Provider (but Name)
// and provider.Downloader, each of which checks at the door and dispatches
// to the row; the adapter's package doc says which vendor call each row
// maps to.
type Front[P any] struct {
	door *Door[P]
	self P
}

// Bind returns d bound to self.
func Bind[P any](d *Door[P], self P) Front[P] { return Front[P]{door: d, self: self} }

// Capabilities reports the export kinds and schedules served and their
// limits, derived from the same tables that check and translate requests.
func (f Front[P]) Capabilities() provider.Capabilities { return f.door.Capabilities() }

// CreateExportJob validates req and starts one export job. A request that
// fails validation is ErrInvalidArgument and nothing is sent; a kind not
// served is ErrUnsupported. A DryRun request is validated locally only and
// returns the zero Job and a nil error when it would be accepted.
func (f Front[P]) CreateExportJob(ctx context.Context, req export.Request) (export.Job, error) {
	return f.door.Create(ctx, f.self, req)
}

// PollJob reports a job's status. A job that ended in failure is a Status
// with StateFailed, not an error; a job that is not this provider's is
// ErrInvalidArgument and nothing is sent.
func (f Front[P]) PollJob(ctx context.Context, job export.Job) (export.Status, error) {
	return f.door.Poll(ctx, f.self, job)
}

// Download opens one result file of a finished job, streamed; the caller
// closes it. ctx governs reading the body too.
func (f Front[P]) Download(ctx context.Context, job export.Job, file export.File) (io.ReadCloser, error) {
	return f.door.Download(ctx, f.self, job, file)
}

// GetScanSchedule reads one scan schedule. An empty kind is
// ErrInvalidArgument, one not served ErrUnsupported.
func (f Front[P]) GetScanSchedule(ctx context.Context, q scan.Query) (scan.Schedule, error) {
	return f.door.Schedule(ctx, f.self, q)
}
