package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/provider"
)

func TestSentinelsMatchEveryErrorOfTheirCode(t *testing.T) {
	sentinels := map[provider.Code]error{
		provider.InvalidArgument:    provider.ErrInvalidArgument,
		provider.NotFound:           provider.ErrNotFound,
		provider.PermissionDenied:   provider.ErrPermissionDenied,
		provider.ResourceExhausted:  provider.ErrResourceExhausted,
		provider.FailedPrecondition: provider.ErrFailedPrecondition,
		provider.Unsupported:        provider.ErrUnsupported,
		provider.Unavailable:        provider.ErrUnavailable,
		provider.Internal:           provider.ErrInternal,
		provider.JobFailed:          provider.ErrJobFailed,
	}
	for code, sentinel := range sentinels {
		err := fmt.Errorf("outer: %w", &provider.Error{Code: code, Provider: "tencent", VendorCode: "X.Y", Message: "m"})
		for other, s := range sentinels {
			if got, want := errors.Is(err, s), other == code; got != want {
				t.Errorf("errors.Is(%v error, %v sentinel) = %v, want %v", code, other, got, want)
			}
		}
		if got := provider.CodeOf(err); got != code {
			t.Errorf("CodeOf = %v, want %v", got, code)
		}
		if provider.CodeOf(sentinel) != code {
			t.Errorf("CodeOf(sentinel %v) = %v", code, provider.CodeOf(sentinel))
		}
	}
	if provider.CodeOf(errors.New("plain")) != provider.Unknown || provider.CodeOf(nil) != provider.Unknown {
		t.Error("CodeOf of a foreign error must be Unknown")
	}
}

func TestContextErrorsStayVisible(t *testing.T) {
	err := &provider.Error{Code: provider.Unavailable, Err: context.Canceled}
	if !errors.Is(err, context.Canceled) {
		t.Error("context.Canceled hidden by *Error")
	}
}

func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		err  *provider.Error
		want string
	}{
		{&provider.Error{Code: provider.InvalidArgument, Provider: "tencent", Service: "tcss", Action: "CreateComponentExportJob",
			VendorCode: "InvalidParameter.MissingParameter", Message: "ImageID is required", RequestID: "r-1"},
			"tencent tcss CreateComponentExportJob: invalid argument: InvalidParameter.MissingParameter: ImageID is required (request id r-1)"},
		{&provider.Error{Code: provider.Unavailable, Provider: "huawei", HTTPStatus: 503}, "huawei: unavailable: HTTP 503"},
		{&provider.Error{Code: provider.Unavailable, Message: "send", Err: errors.New("connection refused")}, "unavailable: send: connection refused"},
	} {
		if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}
