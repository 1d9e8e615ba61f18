package tencent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

var componentsJob = export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "j"}

func TestThrottledCallsAreRetried(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult,
		answer{errorCode: "RequestLimitExceeded"},
		answer{errorCode: "RequestLimitExceeded.UinLimitExceeded"},
		answer{response: map[string]any{"ExportStatus": "RUNNING"}})
	p := f.provider()
	st, err := p.PollJob(context.Background(), componentsJob)
	if err != nil {
		t.Fatalf("PollJob: %v", err)
	}
	if st.State != export.StateRunning {
		t.Errorf("state = %s", st.State)
	}
	if n := f.count(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestThrottlingGivesUp(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{errorCode: "RequestLimitExceeded"})
	p := f.provider() // MaxAttempts 3
	_, err := p.PollJob(context.Background(), componentsJob)
	if !errors.Is(err, provider.ErrResourceExhausted) {
		t.Fatalf("err = %v, want ErrResourceExhausted", err)
	}
	if n := f.count(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	for _, code := range []string{"LimitExceeded.ExportImageTaskLimitExceeded", "InvalidParameter", "InternalError"} {
		f := newFake(t)
		f.on(actionDescribeExportJobResult, answer{errorCode: code})
		p := f.provider()
		if _, err := p.PollJob(context.Background(), componentsJob); err == nil {
			t.Fatalf("%s: no error", code)
		}
		if n := f.count(); n != 1 {
			t.Errorf("%s: %d requests, want 1", code, n)
		}
	}
}

// TestCancelSlowCall checks that cancelling ctx ends a call the server is
// sitting on, with context.Canceled, and leaves no goroutine behind.
func TestCancelSlowCall(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	defer close(release)
	f.on(actionDescribeExportJobResult, answer{handler: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}})
	p := f.provider()
	before := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := p.PollJob(ctx, componentsJob)
		errc <- err
	}()
	for f.count() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("cancellation reported as Unavailable: %v", err)
	}
	// Idle keep-alive connections are the transport's, not leaks; drop them.
	p.api.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the call, %d before", n, before)
	}
}

func TestCancelledBeforeCall(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.PollJob(ctx, componentsJob); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.RegistryImages}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}

func TestDeadlineDuringRetry(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{errorCode: "RequestLimitExceeded"})
	o := f.options()
	o.Retry = provider.RetryPolicy{MaxAttempts: 100, Backoff: provider.Backoff{Min: 20 * time.Millisecond, Max: 20 * time.Millisecond}}
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.PollJob(ctx, componentsJob); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestRequestsAreSignedAndShaped(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{response: map[string]any{"ExportStatus": "RUNNING"}})
	o := f.options()
	o.Token = "fake-session-token"
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PollJob(context.Background(), componentsJob); err != nil {
		t.Fatal(err)
	}
	h := f.lastHeader(actionDescribeExportJobResult)
	got := map[string]string{
		"X-TC-Version":  h.Get("X-TC-Version"),
		"X-TC-Region":   h.Get("X-TC-Region"),
		"X-TC-Token":    h.Get("X-TC-Token"),
		"Content-Type":  h.Get("Content-Type"),
		"Authorization": strings.SplitN(h.Get("Authorization"), " ", 2)[0],
	}
	want := map[string]string{
		"X-TC-Version":  "2020-11-01",
		"X-TC-Region":   "ap-guangzhou",
		"X-TC-Token":    "fake-session-token",
		"Content-Type":  "application/json",
		"Authorization": "TC3-HMAC-SHA256",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
	if !strings.Contains(h.Get("Authorization"), "Credential=AKIDfakeid/") {
		t.Errorf("Authorization does not name the secret id: %q", h.Get("Authorization"))
	}
}

func TestDefaultCredentialChain(t *testing.T) {
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{response: map[string]any{"ExportStatus": "RUNNING"}})
	t.Setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromenv")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "key-from-env")
	o := f.options()
	o.SecretID, o.SecretKey = "", ""
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PollJob(context.Background(), componentsJob); err != nil {
		t.Fatal(err)
	}
	if a := f.lastHeader(actionDescribeExportJobResult).Get("Authorization"); !strings.Contains(a, "Credential=AKIDfromenv/") {
		t.Errorf("Authorization = %q, want the id from the environment", a)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{errorCode: "RequestLimitExceeded"}, answer{response: map[string]any{"ExportStatus": "SUCCESS", "DownloadURL": f.srv.URL + "/a.xlsx?sign=presigned-secret"}})
	o := f.options()
	o.Token = "session-token-secret"
	o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.PollJob(context.Background(), componentsJob)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := p.Download(context.Background(), componentsJob, st.Files[0])
	if err == nil {
		rc.Close()
	}
	out := buf.String()
	if !strings.Contains(out, "DescribeExportJobResult") {
		t.Errorf("nothing logged: %q", out)
	}
	for i, secret := range []string{"fake-secret-key", "session-token-secret", "presigned-secret", "Signature="} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds secret #%d of the list (%d bytes of log withheld)", i, len(out))
		}
	}
}

func TestNewValidatesOptions(t *testing.T) {
	tests := map[string]Options{
		"id without key":     {SecretID: "a"},
		"key without id":     {SecretKey: "a"},
		"token alone":        {Token: "t"},
		"bad region":         {Region: "Guangzhou"},
		"overlong region":    {Region: "ap-" + strings.Repeat("a", 1<<20)},
		"unknown service":    {Endpoints: map[string]string{"cos": "http://127.0.0.1:1"}},
		"endpoint no scheme": {Endpoints: map[string]string{"tcss": "127.0.0.1:9000"}},
		"endpoint ftp":       {Endpoints: map[string]string{"cvm": "ftp://example.com"}},
		"endpoint query":     {Endpoints: map[string]string{"tcss": "http://example.com/?a=b"}},
		"endpoint user":      {Endpoints: map[string]string{"tcss": "http://u:p@example.com"}},
		"negative rate":      {RateLimit: -1},
		"NaN rate":           {RateLimit: math.NaN()},
		"infinite rate":      {RateLimit: math.Inf(1)},
	}
	for name, o := range tests {
		if _, err := New(o); !errors.Is(err, provider.ErrInvalidArgument) || len(err.Error()) > 1024 {
			t.Errorf("%s: err = %.200v (%d bytes), want ErrInvalidArgument of at most 1024 bytes", name, err, len(fmt.Sprint(err)))
		}
	}
	if _, err := New(Options{}); err != nil {
		t.Errorf("zero Options: %v", err)
	}
}

func TestParseEndpoints(t *testing.T) {
	got, err := parseEndpoints(map[string]string{"tcss": "http://127.0.0.1:9000", "cvm": "HTTPS://cvm.intl.tencentcloudapi.com/"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]endpoint{
		"tcss": {scheme: "http", host: "127.0.0.1:9000"},
		"cvm":  {scheme: "https", host: "cvm.intl.tencentcloudapi.com"},
		"cwp":  {scheme: "https", host: "cwp.tencentcloudapi.com"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(endpoint{})); d != "" {
		t.Errorf("endpoints (-want +got):\n%s", d)
	}
	def, _ := parseEndpoints(nil)
	wantDef := map[string]endpoint{
		"tcss": {scheme: "https", host: "tcss.tencentcloudapi.com"},
		"cvm":  {scheme: "https", host: "cvm.tencentcloudapi.com"},
		"cwp":  {scheme: "https", host: "cwp.tencentcloudapi.com"},
	}
	if d := cmp.Diff(wantDef, def, cmp.AllowUnexported(endpoint{})); d != "" {
		t.Errorf("default endpoints (-want +got):\n%s", d)
	}
}

func TestAs(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	var c *common.Client
	var v *cvm.Client
	var s string
	if !p.As(&c) || c == nil {
		t.Error("As(**common.Client) failed")
	}
	if !p.As(&v) || v == nil {
		t.Error("As(**cvm.Client) failed")
	}
	if p.As(&s) {
		t.Error("As(*string) succeeded")
	}
}

func TestCapabilities(t *testing.T) {
	f := newFake(t)
	got := f.provider().Capabilities()
	want := provider.Capabilities{
		Exports: map[export.Kind]provider.Limits{
			export.KindComponents: {
				MaxLimit: 10000, Offset: true, Sort: true,
				Filters: []string{"name", "version", "type", "vul_level", "has_vul"},
				Columns: []string{"name", "version", "path", "type", "vul_count", "image_id"},
			},
			export.KindMachineImages:   {},
			export.KindVulnerabilities: {Filters: []string{"category", "level", "status", "name"}},
		},
		Schedules: []scan.Kind{scan.RegistryImages, scan.HostVulnerabilities},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("capabilities (-want +got):\n%s", d)
	}
}

func TestUnservedKind(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}}); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
}

// TestCOSDownloadHosts: the documented COS domains TCSS and CWP links use
// are allowed over https; the intranet form and look-alikes are not.
func TestCOSDownloadHosts(t *testing.T) {
	p := &safehttp.Policy{Hosts: cosDownloadHosts}
	for raw, allowed := range map[string]bool{
		"https://yunjing.cos.ap-guangzhou.myqcloud.com/export/x.xlsx?sign=q": true,
		"https://b-1250000000.cos.ap-beijing.tencentcos.cn/a":                true,
		"https://b-1250000000.file.myqcloud.com/a":                           true,
		"https://b-1.cos.accelerate.myqcloud.com/a":                          true,
		"https://b-1250000000.cos-internal.ap-beijing.tencentcos.cn/a":       false,
		"https://yunjing.cos.ap-guangzhou.myqcloud.com.evil.example/x":       false,
		"http://yunjing.cos.ap-guangzhou.myqcloud.com/x":                     false,
	} {
		if _, _, err := p.Check(raw); (err == nil) != allowed {
			t.Errorf("Check(%q) = %v; want allowed %v", raw, err, allowed)
		}
	}
}

// TestNewChecksDownloadHosts: an Options.DownloadHosts entry that can never
// match a download link (a URL, a host with a port or path, an IP address,
// an empty string) or that would allow a whole domain ("*.com") is
// InvalidArgument naming the entry, instead of a policy that silently
// refuses or widens.
func TestNewChecksDownloadHosts(t *testing.T) {
	for _, bad := range []string{"", "https://files.example.com", "files.example.com:443", "files.example.com/x",
		"10.0.0.8", "[::1]", "*", "*.com", "files.*.com", "a..b", "bad host.example.com", strings.Repeat("a.", 127) + "com"} {
		_, err := New(Options{DownloadHosts: []string{"files.example.com", bad}})
		if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Options.DownloadHosts[1]") {
			t.Errorf("DownloadHosts %q: err = %v; want ErrInvalidArgument naming Options.DownloadHosts[1]", bad, err)
		}
	}
	for _, good := range []string{"files.example.com", "Files.Example.COM", "*.cos.ap-guangzhou.myqcloud.com", "*.*.example.com", "localhost", "my_bucket.example.com"} {
		if _, err := New(Options{DownloadHosts: []string{good}}); err != nil {
			t.Errorf("DownloadHosts %q: %v", good, err)
		}
	}
}
