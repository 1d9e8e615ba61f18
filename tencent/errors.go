package tencent

import (
	"errors"
	"strings"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/transport"
	"github.com/cloudexport/cloudexport/provider"
)

// errorCodes maps vendor error codes to provider codes. An entry matches a
// vendor code equal to it or starting with it followed by "."; the longest
// matching entry wins, so specific codes override their families.
var errorCodes = map[string]provider.Code{
	// Families (TCSS errors.go and the API 3.0 common codes).
	"AuthFailure":           provider.PermissionDenied,
	"UnauthorizedOperation": provider.PermissionDenied,
	"InvalidParameter":      provider.InvalidArgument,
	"InvalidParameterValue": provider.InvalidArgument,
	"MissingParameter":      provider.InvalidArgument,
	"UnknownParameter":      provider.InvalidArgument,
	"InvalidImageId":        provider.InvalidArgument,
	"ResourceNotFound":      provider.NotFound,
	"RequestLimitExceeded":  provider.ResourceExhausted,
	"LimitExceeded":         provider.ResourceExhausted,
	"ResourceInUse":         provider.FailedPrecondition,
	"OperationDenied":       provider.FailedPrecondition,
	"FailedOperation":       provider.FailedPrecondition,
	"ResourceUnavailable":   provider.FailedPrecondition,
	"ResourceInsufficient":  provider.FailedPrecondition,
	"UnsupportedOperation":  provider.FailedPrecondition, // e.g. CVM: Windows, shared or encrypted images cannot be exported
	"InternalError":         provider.Internal,
	"ActionOffline":         provider.Unsupported,
	"InvalidAction":         provider.Unsupported,

	// Specific codes that differ from their family.
	"InvalidParameterValue.DataNotFound":                     provider.NotFound,
	"InvalidImageId.NotFound":                                provider.NotFound,
	"InvalidParameterValue.BucketNotFound":                   provider.NotFound,
	"InvalidParameterValue.InvalidBucketPermissionForExport": provider.PermissionDenied,
	"InvalidParameterValue.InvalidImageState":                provider.FailedPrecondition,
	"AuthFailure.CamRoleNameAuthenticateFailed":              provider.PermissionDenied,
	"LimitExceeded.ExportImageTaskLimitExceeded":             provider.ResourceExhausted,
	"InternalError.ErrRoleNotExist":                          provider.PermissionDenied,

	// Codes the SDK raises itself.
	"ClientError":                 provider.Internal,
	"ClientError.NetworkError":    provider.Unavailable,
	"ClientError.IOError":         provider.Unavailable,
	"ClientError.CredentialError": provider.PermissionDenied,
	"ClientError.ParseJsonError":  provider.Internal,
}

// clientErrorMessages describe the SDK's own error codes without quoting
// the bodies the SDK's messages include.
var clientErrorMessages = map[string]string{
	"ClientError.NetworkError":        "could not reach the service",
	"ClientError.ParseJsonError":      "the answer is not the JSON the API sends",
	"ClientError.HttpStatusCodeError": "the answer has an HTTP error status and no API error",
	"ClientError.IOError":             "the answer could not be read",
	"ClientError.CredentialError":     "no usable credentials",
	"ClientError.InvalidParameter":    "the request could not be encoded",
	"ClientError.BuildRequestError":   "the request could not be built",
}

// hasCode reports whether vendor is code or one of its sub-codes
// ("code." followed by more).
func hasCode(vendor, code string) bool {
	return vendor == code || strings.HasPrefix(vendor, code+".")
}

// codeFor returns the provider code of a vendor code by longest match in
// errorCodes, or Unknown.
func codeFor(vendor string) provider.Code {
	best, code := -1, provider.Unknown
	for k, c := range errorCodes {
		if hasCode(vendor, k) && len(k) > best {
			best, code = len(k), c
		}
	}
	return code
}

// classify is the attempt loop's Classify for SDK calls: the status and
// request id the transport saw, and the SDK's error.
func classify(c provider.Call, x *transport.Exchange, err error) *provider.Error {
	// A refusal raised beneath the SDK (an answer over the cap, a
	// truncated body, a compression bomb) is what happened; the SDK would
	// call it ClientError.NetworkError, which reads as retryable.
	if e := transport.Attributed(c, x, err); e != nil {
		return e
	}
	status, rid := x.Answer()
	if status >= 300 && status < 400 {
		// The transport refused the redirect; the SDK only saw a
		// network error.
		e := transport.StatusError(c, x, status, rid)
		e.Err = transport.ErrRedirect
		return e
	}
	return mapError(c.Service, c.Action, err, status, rid)
}

// mapError wraps an error of one SDK call into a *provider.Error. status and
// requestID are what the transport saw (0 and "" when no answer came).
func mapError(service, action string, err error, status int, requestID string) *provider.Error {
	e := &provider.Error{Provider: Name, Service: service, Action: action, HTTPStatus: status, RequestID: requestID, Err: err}
	var se *tcerr.TencentCloudSDKError
	if errors.As(err, &se) {
		e.VendorCode = errs.Clip(se.Code)
		e.Message = errs.Clip(se.Message)
		if se.RequestId != "" {
			e.RequestID = se.RequestId
		}
		e.Code = codeFor(se.Code)
		if hasCode(se.Code, "ClientError") {
			// The SDK's own codes hide what happened on the wire: a 5xx
			// with a non-JSON body is ParseJsonError, any other non-200
			// is HttpStatusCodeError. Classify those by status.
			if c := transport.CodeForStatus(status); c != provider.Unknown && se.Code != "ClientError.NetworkError" {
				e.Code = c
			}
			// The SDK's messages quote whole bodies, which may hold a
			// presigned link: say what happened instead.
			e.Message = clientErrorMessages[se.Code]
			if e.Message == "" {
				e.Message = "the SDK failed to send the request or read the answer"
			}
		}
		if e.Code == provider.Unknown {
			e.Code = provider.Internal
		}
		// Keep the SDK error's text out of Error(): the fields say it all.
		e.Err = se.Unwrap()
		return e
	}
	return transport.Classify(provider.Call{Provider: Name, Service: service, Action: action}, nil, err)
}

// throttled is the default retry test: the vendor's rate-limit rejection
// (RequestLimitExceeded and its sub-codes) or an HTTP 429.
func throttled(err error) bool {
	var e *provider.Error
	if !errors.As(err, &e) {
		return false
	}
	return hasCode(e.VendorCode, "RequestLimitExceeded") ||
		e.HTTPStatus == 429 && (e.VendorCode == "" || hasCode(e.VendorCode, "ClientError"))
}
