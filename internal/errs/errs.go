// Package errs holds the error model shared by every package of the module.
//
// It is internal so that the portable packages (export) and the provider
// package can both produce errors of the same type without importing each
// other. Users see these names through package provider.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error independently of the cloud that produced it.
type Code int

// The codes. Keep them in step with the sentinels below and with Code.String.
const (
	Unknown Code = iota
	InvalidArgument
	NotFound
	PermissionDenied
	ResourceExhausted
	FailedPrecondition
	Unsupported
	Unavailable
	Internal
	JobFailed
)

var codeNames = [...]string{
	Unknown:            "unknown",
	InvalidArgument:    "invalid argument",
	NotFound:           "not found",
	PermissionDenied:   "permission denied",
	ResourceExhausted:  "resource exhausted",
	FailedPrecondition: "failed precondition",
	Unsupported:        "unsupported",
	Unavailable:        "unavailable",
	Internal:           "internal",
	JobFailed:          "job failed",
}

// String returns the code's lower-case English name, e.g. "invalid argument".
func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("code(%d)", int(c))
}

// Error is the one error type that leaves the module.
type Error struct {
	Code       Code
	Provider   string // "tencent", "huawei"; "" for errors raised before any provider is involved
	Service    string // "tcss", "cvm", "hss", "roma"
	Action     string // vendor action or operation, e.g. "CreateComponentExportJob"
	VendorCode string // e.g. "InvalidParameter.MissingParameter", "HSS.0001"
	Message    string
	RequestID  string
	HTTPStatus int
	Err        error // the underlying cause, if any

	sentinel bool
}

// Error formats the error as "provider service Action: code: VendorCode: message (request id X)".
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	where := strings.Join(nonEmpty(e.Provider, e.Service, e.Action), " ")
	if where != "" {
		b.WriteString(where)
		b.WriteString(": ")
	}
	b.WriteString(e.Code.String())
	if e.VendorCode != "" {
		b.WriteString(": ")
		b.WriteString(e.VendorCode)
	}
	if e.HTTPStatus != 0 && e.VendorCode == "" {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil && (e.Message == "" || !strings.Contains(e.Message, e.Err.Error())) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

func nonEmpty(s ...string) []string {
	out := s[:0:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's code, so that
// errors.Is(err, provider.ErrNotFound) holds for every NotFound error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Code == e.Code
}

func sentinel(c Code) *Error { return &Error{Code: c, sentinel: true} }

// The sentinels, one per code.
var (
	ErrInvalidArgument    error = sentinel(InvalidArgument)
	ErrNotFound           error = sentinel(NotFound)
	ErrPermissionDenied   error = sentinel(PermissionDenied)
	ErrResourceExhausted  error = sentinel(ResourceExhausted)
	ErrFailedPrecondition error = sentinel(FailedPrecondition)
	ErrUnsupported        error = sentinel(Unsupported)
	ErrUnavailable        error = sentinel(Unavailable)
	ErrInternal           error = sentinel(Internal)
	ErrJobFailed          error = sentinel(JobFailed)
)

// CodeOf returns the code of the first *Error in err's chain, or Unknown.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Unknown
}

// Attribute fills an empty Provider, and then an empty Service, on the first
// *Error in err's chain, so that errors raised by shared code (validation
// tables, token parsing) name the adapter that raised them. Sentinels are
// never changed. It returns err.
func Attribute(err error, provider, service string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.sentinel {
		return err
	}
	if e.Provider == "" {
		e.Provider = provider
	}
	if e.Provider == provider && e.Service == "" {
		e.Service = service
	}
	return err
}

// Invalid returns an InvalidArgument error whose message is built like fmt.Sprintf.
// The message should name the field and say what is allowed.
func Invalid(format string, args ...any) *Error {
	return &Error{Code: InvalidArgument, Message: fmt.Sprintf(format, args...)}
}
