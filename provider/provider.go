package provider

import (
	"context"
	"io"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/scan"
)

// Provider is the contract every cloud adapter implements.
type Provider interface {
	// Name returns the provider's name, e.g. "tencent".
	Name() string
	// Capabilities reports what the provider serves and its limits.
	Capabilities() Capabilities
	// CreateExportJob validates req and starts one export job. A request
	// that fails validation is rejected with ErrInvalidArgument before
	// anything is sent; a kind the provider does not serve is ErrUnsupported.
	CreateExportJob(ctx context.Context, req export.Request) (export.Job, error)
	// PollJob reports the job's current status. A job that ended in failure
	// is a Status with StateFailed, not an error.
	PollJob(ctx context.Context, job export.Job) (export.Status, error)
	// GetScanSchedule reads one scan schedule.
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
