package huawei_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// mapped is the part of a *provider.Error the mapping decides.
type mapped struct {
	Code       provider.Code
	Provider   string
	Service    string
	Action     string
	VendorCode string
	Message    string
	RequestID  string
	HTTPStatus int
}

func TestErrorMapping(t *testing.T) {
	hss := func(code provider.Code, status int, vendor, msg, reqID string) mapped {
		return mapped{code, "huawei", "hss", "ExportContainerList", vendor, msg, reqID, status}
	}
	roma := func(action string, code provider.Code, status int, vendor, msg, reqID string) mapped {
		return mapped{code, "huawei", "roma", action, vendor, msg, reqID, status}
	}
	cases := []struct {
		name   string
		kind   string // "hss" (create containers), "roma" (create assets), "roma-dl" (download an archive)
		status int
		header string // X-Request-Id
		body   string
		want   mapped
	}{
		{"400 HSS.0001", "hss", 400, "hdr-1", `{"error_code":"HSS.0001","error_msg":"invalid parameter"}`,
			hss(provider.InvalidArgument, 400, "HSS.0001", "invalid parameter", "hdr-1")},
		{"401 gateway auth", "hss", 401, "hdr-2", `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`,
			hss(provider.PermissionDenied, 401, "APIGW.0301", "Incorrect IAM authentication information", "hdr-2")},
		{"403", "hss", 403, "", `{"error_code":"APIGW.0302","error_msg":"not authorized"}`,
			hss(provider.PermissionDenied, 403, "APIGW.0302", "not authorized", "")},
		{"404", "hss", 404, "", `{"error_code":"APIGW.0101","error_msg":"The API does not exist"}`,
			hss(provider.NotFound, 404, "APIGW.0101", "The API does not exist", "")},
		{"409", "hss", 409, "", `{"error_code":"HSS.2000","error_msg":"conflict"}`,
			hss(provider.FailedPrecondition, 409, "HSS.2000", "conflict", "")},
		{"429 throttled", "hss", 429, "", `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`,
			hss(provider.ResourceExhausted, 429, "APIGW.0308", "The throttling threshold has been reached", "")},
		{"APIG.0308 on a 403 is throttling", "hss", 403, "", `{"error_code":"APIG.0308","error_msg":"policy user over ratelimit"}`,
			hss(provider.ResourceExhausted, 403, "APIG.0308", "policy user over ratelimit", "")},
		{"throttling text on a 400", "hss", 400, "", `{"error_code":"HSS.9999","error_msg":"Request throttled, try later"}`,
			hss(provider.ResourceExhausted, 400, "HSS.9999", "Request throttled, try later", "")},
		{"flow control text", "hss", 400, "", `{"error_code":"HSS.9998","error_msg":"flow control triggered"}`,
			hss(provider.ResourceExhausted, 400, "HSS.9998", "flow control triggered", "")},
		{"500", "hss", 500, "", `{"error_code":"HSS.1000","error_msg":"System error"}`,
			hss(provider.Unavailable, 500, "HSS.1000", "System error", "")},
		{"501", "hss", 501, "", `{"error_code":"X","error_msg":"no"}`, hss(provider.Unavailable, 501, "X", "no", "")},
		{"502 not JSON", "hss", 502, "", `<html>Bad Gateway</html>`, hss(provider.Unavailable, 502, "", "<html>Bad Gateway</html>", "")},
		{"503 empty body", "hss", 503, "hdr-3", ``, hss(provider.Unavailable, 503, "", "Service Unavailable", "hdr-3")},
		{"504 empty JSON", "hss", 504, "", `{}`, hss(provider.Unavailable, 504, "", "Gateway Timeout", "")},
		{"unknown JSON shape kept as text", "hss", 400, "", `{"foo":"bar"}`, hss(provider.InvalidArgument, 400, "", `{"foo":"bar"}`, "")},
		{"507 other 5xx", "hss", 507, "", `{"code":"X.1","message":"m"}`, hss(provider.Unavailable, 507, "X.1", "m", "")},
		{"418 other 4xx", "hss", 418, "", `{"code":"X.2","message":"teapot"}`, hss(provider.InvalidArgument, 418, "X.2", "teapot", "")},
		{"code/message spelling", "hss", 400, "", `{"code":"HSS.0002","message":"bad"}`, hss(provider.InvalidArgument, 400, "HSS.0002", "bad", "")},
		{"nested error object", "hss", 404, "", `{"error":{"code":"HSS.1004","message":"no such task"}}`,
			hss(provider.NotFound, 404, "HSS.1004", "no such task", "")},
		{"nested objects read in key order", "hss", 400, "", `{"zeta":{"code":"Z.1","message":"z"},"alpha":{"code":"A.1","message":"a"}}`,
			hss(provider.InvalidArgument, 400, "A.1", "a", "")},
		{"ROMA body request_id wins over the header", "roma", 403, "hdr-4",
			`{"error_code":"ROMA.00000101","error_msg":"error summary","error_details":"some error details here","request_id":"13760c1f"}`,
			roma("ExportAsset", provider.PermissionDenied, 403, "ROMA.00000101", "error summary: some error details here", "13760c1f")},
		{"ROMA job already running (409)", "roma", 409, "",
			`{"error_code":"ROMA.00112001","error_msg":"An asset job is already running in instance i","request_id":"r1"}`,
			roma("ExportAsset", provider.FailedPrecondition, 409, "ROMA.00112001", "An asset job is already running in instance i", "r1")},
		{"ROMA job running on a 400 wins over the status row", "roma", 400, "",
			`{"error_code":"ROMA.00110013","error_msg":"There is a job in the Running state"}`,
			roma("ExportAsset", provider.FailedPrecondition, 400, "ROMA.00110013", "There is a job in the Running state", "")},
		{"ROMA 400 without running is invalid", "roma", 400, "", `{"error_code":"ROMA.00110001","error_msg":"bad id"}`,
			roma("ExportAsset", provider.InvalidArgument, 400, "ROMA.00110001", "bad id", "")},
		{"ROMA archive reused (400)", "roma-dl", 400, "", `{"error_code":"ROMA.00112002","error_msg":"already downloaded"}`,
			roma("DownloadAssetArchive", provider.FailedPrecondition, 400, "ROMA.00112002", "already downloaded", "")},
		{"ROMA archive gone (410)", "roma-dl", 410, "", `{"error_code":"ROMA.00112002","error_msg":"already downloaded"}`,
			roma("DownloadAssetArchive", provider.NotFound, 410, "ROMA.00112002", "already downloaded", "")},
		{"ROMA archive unknown (404)", "roma-dl", 404, "", `{"error_code":"ROMA.00110006","error_msg":"does not exist"}`,
			roma("DownloadAssetArchive", provider.NotFound, 404, "ROMA.00110006", "does not exist", "")},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				if c.header != "" {
					w.Header().Set("X-Request-Id", c.header)
				}
				answer(w, c.status, c.body)
			})
			opts := f.options()
			opts.Retry = provider.RetryPolicy{MaxAttempts: 1}
			p := mustNew(t, opts)
			var err error
			switch c.kind {
			case "hss":
				_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
			case "roma":
				_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{AppIDs: []string{"a"}}})
			case "roma-dl":
				job := export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "j",
					Scope: map[string]string{"project_id": testProject, "instance_id": testInst}}
				_, err = p.Download(context.Background(), job, export.File{ID: "archive-1"})
			}
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want *provider.Error", err, err)
			}
			got := mapped{pe.Code, pe.Provider, pe.Service, pe.Action, pe.VendorCode, pe.Message, pe.RequestID, pe.HTTPStatus}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("mapping (-want +got):\n%s", d)
			}
			if strings.Contains(err.Error(), testSK) {
				t.Errorf("the error shows the secret key: %v", err)
			}
		})
	}
}

func TestNetworkErrorIsUnavailable(t *testing.T) {
	f := newFake(t, nil)
	opts := f.options()
	f.srv.Close() // nothing listens any more
	p := mustNew(t, opts)
	_, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

func TestMalformedAnswerIsInternal(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_id": `) })
	_, err := f.provider(t).CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	if !errors.Is(err, provider.ErrInternal) {
		t.Fatalf("err = %v, want ErrInternal", err)
	}
}

// TestLongInvalidUTF8ErrorBodyKeepsItsText: a long error body that is not
// JSON and holds a byte that is not UTF-8 (a proxy's page in a legacy
// encoding) keeps its first 512 bytes in Message, the bad byte replaced;
// clipping used to drop the whole text.
func TestLongInvalidUTF8ErrorBodyKeepsItsText(t *testing.T) {
	body := "proxy error \xff " + strings.Repeat("detail ", 200)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, http.StatusBadGateway, body) })
	opts := f.options()
	opts.Retry = provider.RetryPolicy{MaxAttempts: 1}
	_, err := mustNew(t, opts).CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *provider.Error", err)
	}
	if !strings.HasPrefix(pe.Message, "proxy error \uFFFD detail") || len(pe.Message) > 1024 || !utf8.ValidString(pe.Message) {
		t.Errorf("Message = %q; want the body's first 512 bytes, valid UTF-8", pe.Message)
	}
}
