package tencent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// TestErrorCodes is the vendor-code mapping table.
func TestErrorCodes(t *testing.T) {
	want := map[string]provider.Code{
		"AuthFailure":                                            provider.PermissionDenied,
		"AuthFailure.SignatureFailure":                           provider.PermissionDenied,
		"AuthFailure.SecretIdNotFound":                           provider.PermissionDenied,
		"AuthFailure.SignatureExpire":                            provider.PermissionDenied,
		"AuthFailure.CamRoleNameAuthenticateFailed":              provider.PermissionDenied,
		"UnauthorizedOperation":                                  provider.PermissionDenied,
		"InternalError.ErrRoleNotExist":                          provider.PermissionDenied,
		"InvalidParameter":                                       provider.InvalidArgument,
		"InvalidParameter.MissingParameter":                      provider.InvalidArgument,
		"InvalidParameter.InvalidFormat":                         provider.InvalidArgument,
		"InvalidParameter.ImageIdsSnapshotIdsMustOne":            provider.InvalidArgument,
		"InvalidParameterValue":                                  provider.InvalidArgument,
		"InvalidParameterValue.LengthLimit":                      provider.InvalidArgument,
		"InvalidParameterValue.InvalidFileNamePrefixList":        provider.InvalidArgument,
		"InvalidParameterValue.LimitExceeded":                    provider.InvalidArgument,
		"MissingParameter":                                       provider.InvalidArgument,
		"UnknownParameter":                                       provider.InvalidArgument,
		"InvalidImageId.Malformed":                               provider.InvalidArgument,
		"ResourceNotFound":                                       provider.NotFound,
		"InvalidParameterValue.DataNotFound":                     provider.NotFound,
		"InvalidImageId.NotFound":                                provider.NotFound,
		"InvalidParameterValue.BucketNotFound":                   provider.NotFound,
		"InvalidParameterValue.InvalidBucketPermissionForExport": provider.PermissionDenied,
		"RequestLimitExceeded":                                   provider.ResourceExhausted,
		"RequestLimitExceeded.UinLimitExceeded":                  provider.ResourceExhausted,
		"LimitExceeded":                                          provider.ResourceExhausted,
		"LimitExceeded.ExportImageTaskLimitExceeded":             provider.ResourceExhausted,
		"ResourceInUse":                                          provider.FailedPrecondition,
		"OperationDenied":                                        provider.FailedPrecondition,
		"FailedOperation":                                        provider.FailedPrecondition,
		"FailedOperation.AuthorizedNotEnough":                    provider.FailedPrecondition,
		"ResourceUnavailable":                                    provider.FailedPrecondition,
		"ResourceInsufficient":                                   provider.FailedPrecondition,
		"UnsupportedOperation":                                   provider.FailedPrecondition,
		"UnsupportedOperation.WindowsImageExportUnsupported":     provider.FailedPrecondition,
		"UnsupportedOperation.EncryptedImagesNotSupported":       provider.FailedPrecondition,
		"InvalidParameterValue.InvalidImageState":                provider.FailedPrecondition,
		"InternalError":                                          provider.Internal,
		"InternalError.MainDBFail":                               provider.Internal,
		"ActionOffline":                                          provider.Unsupported,
		"InvalidAction":                                          provider.Unsupported,
		"ClientError.NetworkError":                               provider.Unavailable,
		"ClientError.CredentialError":                            provider.PermissionDenied,
		"ClientError.ParseJsonError":                             provider.Internal,
		"InvalidParameterValueX":                                 provider.Unknown, // no partial-word matches
		"SomethingNew":                                           provider.Unknown,
	}
	got := map[string]provider.Code{}
	for code := range want {
		got[code] = codeFor(code)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("codes (-want +got):\n%s", d)
	}
}

// TestErrorsOnTheWire checks what a caller sees for vendor errors and broken
// answers, through the SDK.
func TestErrorsOnTheWire(t *testing.T) {
	type view struct {
		Code       provider.Code
		Provider   string
		Service    string
		Action     string
		VendorCode string
		Message    string
		RequestID  string
		HTTPStatus int
	}
	tests := []struct {
		name string
		a    answer
		want view
	}{
		{"vendor error", answer{errorCode: "ResourceNotFound"},
			view{provider.NotFound, "tencent", "tcss", actionDescribeExportJobResult, "ResourceNotFound", "fake ResourceNotFound", "req-err", 200}},
		{"vendor error with 500", answer{status: 500, raw: `{"Response":{"Error":{"Code":"InternalError","Message":"boom"},"RequestId":"r5"}}`},
			view{provider.Internal, "tencent", "tcss", actionDescribeExportJobResult, "InternalError", "boom", "r5", 500}},
		{"plain-text 503", answer{status: 503, raw: "Service Unavailable"},
			view{Code: provider.Unavailable, Provider: "tencent", Service: "tcss", Action: actionDescribeExportJobResult, VendorCode: "ClientError.ParseJsonError", HTTPStatus: 503}},
		{"malformed 200", answer{raw: "{not json"},
			view{Code: provider.Internal, Provider: "tencent", Service: "tcss", Action: actionDescribeExportJobResult, VendorCode: "ClientError.ParseJsonError", HTTPStatus: 200}},
		{"JSON 502 without error", answer{status: 502, raw: `{"Response":{"RequestId":"x"}}`},
			view{Code: provider.Unavailable, Provider: "tencent", Service: "tcss", Action: actionDescribeExportJobResult, VendorCode: "ClientError.HttpStatusCodeError", HTTPStatus: 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on(actionDescribeExportJobResult, tt.a)
			p := f.provider()
			_, err := p.PollJob(context.Background(), export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"})
			var e *provider.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *provider.Error", err)
			}
			got := view{e.Code, e.Provider, e.Service, e.Action, e.VendorCode, e.Message, e.RequestID, e.HTTPStatus}
			if tt.want.Message == "" {
				got.Message = ""
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
		})
	}
}

// TestErrorsDoNotQuoteBodies checks that a broken answer holding a
// presigned link does not put the link into the error.
func TestErrorsDoNotQuoteBodies(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{raw: `{"Response":{"ExportStatus":"SUCCESS","DownloadURL":"https://x.example/a.xlsx?sign=presigned-secret"`})
	p := f.provider()
	_, err := p.PollJob(context.Background(), export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"})
	if err == nil {
		t.Fatal("no error for a truncated answer")
	}
	if strings.Contains(err.Error(), "presigned-secret") {
		t.Errorf("error quotes the body: %v", err)
	}
}

func TestNetworkFailureIsUnavailable(t *testing.T) {
	f := newFake(t)
	o := f.options()
	o.Endpoints = map[string]string{"tcss": "http://127.0.0.1:1"}
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.PollJob(context.Background(), export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"})
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Error("a network failure must not look like cancellation")
	}
}

// TestThrottled is the table of errors the default retry test retries: the
// vendor's rate-limit codes and a bare HTTP 429, nothing else.
func TestThrottled(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&provider.Error{VendorCode: "RequestLimitExceeded", HTTPStatus: 200}, true},
		{&provider.Error{VendorCode: "RequestLimitExceeded.UinLimitExceeded", HTTPStatus: 200}, true},
		{&provider.Error{VendorCode: "RequestLimitExceededX", HTTPStatus: 200}, false},
		{&provider.Error{VendorCode: "LimitExceeded.ExportImageTaskLimitExceeded", HTTPStatus: 200}, false},
		{&provider.Error{HTTPStatus: 429}, true},
		{&provider.Error{VendorCode: "ClientError.HttpStatusCodeError", HTTPStatus: 429}, true},
		{&provider.Error{VendorCode: "ClientError.ParseJsonError", HTTPStatus: 429}, true},
		{&provider.Error{VendorCode: "ClientError.ParseJsonError", HTTPStatus: 503}, false},
		{&provider.Error{VendorCode: "InvalidParameter", HTTPStatus: 429}, false},
		{errors.New("plain"), false},
	}
	for _, tt := range tests {
		if got := throttled(tt.err); got != tt.want {
			t.Errorf("throttled(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestVendorTextIsBounded: the text a vendor answer carries into an error
// or a status message (an API error's Message, TCSS FailureMsg) is clipped,
// so an answer of up to 16 MiB cannot make every err.Error() and log line
// that large.
func TestVendorTextIsBounded(t *testing.T) {
	long := strings.Repeat("ü", 1<<19) // 1 MiB of two-byte runes
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"}

	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{raw: `{"Response":{"Error":{"Code":"InternalError","Message":"` + long + `"},"RequestId":"r"}}`})
	_, err := f.provider().PollJob(context.Background(), job)
	var e *provider.Error
	if !errors.As(err, &e) || e.VendorCode != "InternalError" {
		t.Fatalf("err = %v, want the vendor's InternalError", err)
	}
	if n := len(e.Message); n > 1024 || !utf8.ValidString(e.Message) || !strings.HasPrefix(e.Message, "üü") {
		t.Errorf("error Message is %d bytes (valid UTF-8 %v); want the start of the vendor's text, at most 1024 bytes", n, utf8.ValidString(e.Message))
	}

	f = newFake(t)
	f.on(actionDescribeExportJobResult, answer{response: map[string]any{"ExportStatus": "FAILURE", "FailureMsg": long}})
	st, err := f.provider().PollJob(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Message); n > 1024 || !utf8.ValidString(st.Message) || !strings.HasPrefix(st.Message, "üü") {
		t.Errorf("status Message is %d bytes (valid UTF-8 %v); want the start of FailureMsg, at most 1024 bytes", n, utf8.ValidString(st.Message))
	}
}
