package provider

import (
	"context"
	"io"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/scan"
)

// Provider is the contract every cloud adapter implements. Each "must"
// below is checked for every adapter by package providertest.
type Provider interface {
	// Name returns the provider's name, e.g. "tencent".
	Name() string
	// Capabilities reports what the provider serves and its limits. Every
	// kind listed must be served; every kind not listed must be
	// ErrUnsupported, and nothing sent.
	Capabilities() Capabilities
	// CreateExportJob validates req and starts one export job. A request
	// that fails validation must be rejected with ErrInvalidArgument, naming
	// the field and the provider, before anything is sent; a kind the
	// provider does not serve must be ErrUnsupported. A DryRun request must
	// be validated locally only (it is cheap and sends nothing) and return
	// the zero Job and a nil error when it would be accepted.
	CreateExportJob(ctx context.Context, req export.Request) (export.Job, error)
	// PollJob reports the job's current status. A job that ended in failure
	// must be a Status with StateFailed and the vendor's reason, not an
	// error. A job of another provider, kind or service, or without an ID,
	// must be ErrInvalidArgument and nothing sent. A job the vendor does
	// not know must be ErrNotFound where the vendor can tell. A vendor
	// state the adapter does not know (or none) must be ErrInternal naming
	// it, so that Wait stops rather than polling until its ctx ends.
	PollJob(ctx context.Context, job export.Job) (export.Status, error)
	// GetScanSchedule reads one scan schedule. An empty Query.Kind must be
	// ErrInvalidArgument, a kind not in Capabilities ErrUnsupported, and
	// nothing sent.
	GetScanSchedule(ctx context.Context, q scan.Query) (scan.Schedule, error)
}

// Downloader is implemented by providers that can fetch a finished job's files.
type Downloader interface {
	// Download opens one result file of a finished job. The caller must
	// close the reader; the body is streamed, not buffered.
	Download(ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error)
}

// Capabilities reports what a provider serves.
type Capabilities struct {
	Exports   map[export.Kind]Limits // the export kinds served, with their limits
	Schedules []scan.Kind            // the schedules GetScanSchedule serves
}

// Limits describes what one job of a kind may ask for.
type Limits struct {
	MaxLimit    int      // rows per job (0 = no paging)
	MaxIDs      int      // ids per job (assets)
	Concurrency int      // jobs that may run at once for one instance; ROMA: 1
	Offset      bool     // whether Request.Offset is supported
	Sort        bool     // whether Request.Sort is supported
	Filters     []string // the neutral filter fields
	Columns     []string // the neutral column keys
}
