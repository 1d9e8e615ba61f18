package provider

import "github.com/cloudexport/cloudexport/internal/errs"

// Code classifies an error independently of the cloud that produced it.
type Code = errs.Code

// The error codes.
const (
	Unknown            = errs.Unknown            // no code is known
	InvalidArgument    = errs.InvalidArgument    // the request is wrong; fix it before retrying
	NotFound           = errs.NotFound           // a job, image, file or instance does not exist
	PermissionDenied   = errs.PermissionDenied   // credentials are wrong or lack a permission
	ResourceExhausted  = errs.ResourceExhausted  // a rate limit or quota was hit; retry later
	FailedPrecondition = errs.FailedPrecondition // the system is not in a state that allows the call
	Unsupported        = errs.Unsupported        // the provider cannot do this
	Unavailable        = errs.Unavailable        // the service could not be reached or failed transiently
	Internal           = errs.Internal           // the service or this library failed
	JobFailed          = errs.JobFailed          // an export job ended in failure
)

// Error is the error type of the module. See the package documentation.
type Error = errs.Error

// The sentinels: errors.Is(err, ErrX) holds for every error of code X.
var (
	ErrInvalidArgument    = errs.ErrInvalidArgument
	ErrNotFound           = errs.ErrNotFound
	ErrPermissionDenied   = errs.ErrPermissionDenied
	ErrResourceExhausted  = errs.ErrResourceExhausted
	ErrFailedPrecondition = errs.ErrFailedPrecondition
	ErrUnsupported        = errs.ErrUnsupported
	ErrUnavailable        = errs.ErrUnavailable
	ErrInternal           = errs.ErrInternal
	ErrJobFailed          = errs.ErrJobFailed
)

// CodeOf returns the code of the first *Error in err's chain, or Unknown.
func CodeOf(err error) Code { return errs.CodeOf(err) }
