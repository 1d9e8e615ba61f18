package huawei_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
)

var authPattern = regexp.MustCompile(`^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$`)

// verify recomputes the signature of r with the SDK's signer and sk.
func verify(t *testing.T, r *http.Request, body []byte, ak, sk string) {
	t.Helper()
	m := authPattern.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		t.Fatalf("Authorization %q is not SDK-HMAC-SHA256", r.Header.Get("Authorization"))
	}
	if m[1] != ak {
		t.Errorf("Access=%s, want %s", m[1], ak)
	}
	b := request.NewHttpRequestBuilder().WithEndpoint("http://" + r.Host).WithPath(r.URL.Path).WithMethod(r.Method)
	for k, vs := range r.URL.Query() {
		b.AddQueryParam(k, reflect.ValueOf(vs[0]))
	}
	b.AddHeaderParam("Content-Type", r.Header.Get("Content-Type"))
	for _, h := range strings.Split(m[2], ";") {
		b.AddHeaderParam(http.CanonicalHeaderKey(h), r.Header.Get(h))
	}
	if len(body) > 0 {
		b.WithBody("", string(body))
	}
	want, err := signer.Sign(b.Build(), ak, sk)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Header.Get("Authorization"); got != want["Authorization"] {
		t.Errorf("signature does not verify:\n got  %s\n want %s", got, want["Authorization"])
	}
}

func TestSignature(t *testing.T) {
	for _, token := range []string{"", "temporary-security-token"} {
		token := token
		t.Run("token="+token, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				answer(w, 200, `{"task_id":"t","task_status":"running"}`)
			})
			opts := f.options()
			opts.SecurityToken = token
			opts.EnterpriseProject = "ep:1.2" // escaping (":" is %3A) in the canonical query
			p := mustNew(t, opts)
			job, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}, Filters: []export.Filter{export.Eq("pod_name", "<a&b>")}})
			if err != nil {
				t.Fatal(err)
			}
			r, body := f.last(t)
			verify(t, r, body, testAK, testSK)
			if _, err := time.Parse("20060102T150405Z", r.Header.Get("X-Sdk-Date")); err != nil {
				t.Errorf("X-Sdk-Date %q: %v", r.Header.Get("X-Sdk-Date"), err)
			}
			if got := r.Header.Get("X-Project-Id"); got != testProject {
				t.Errorf("X-Project-Id %q, want %q", got, testProject)
			}
			signed := authPattern.FindStringSubmatch(r.Header.Get("Authorization"))[2]
			for _, h := range []string{"x-project-id", "x-sdk-date"} {
				if !strings.Contains(signed, h) {
					t.Errorf("SignedHeaders %q lacks %s", signed, h)
				}
			}
			if got := r.Header.Get("X-Security-Token"); got != token {
				t.Errorf("X-Security-Token is not the configured token (sent %d bytes, want %d)", len(got), len(token))
			}
			if token != "" && !strings.Contains(signed, "x-security-token") {
				t.Errorf("SignedHeaders %q lacks x-security-token", signed)
			}
			// A GET without a body verifies too.
			if _, err := p.PollJob(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			r, body = f.last(t)
			verify(t, r, body, testAK, testSK)
		})
	}
}

// TestRetries covers which answers are retried and how often: throttling up
// to Options.Retry.MaxAttempts (3 in the fake's options), nothing else.
func TestRetries(t *testing.T) {
	const throttled = `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`
	for _, c := range []struct {
		name     string
		answer   func(n int32) (int, string) // the n-th request's answer, from 1
		want     error                       // nil: the job is created
		requests int
	}{
		{"throttled twice, then created", func(n int32) (int, string) {
			if n <= 2 {
				return 429, throttled
			}
			return 200, `{"task_id":"t"}`
		}, nil, 3},
		{"throttled every time: gives up", func(int32) (int, string) { return 429, throttled }, provider.ErrResourceExhausted, 3},
		{"other errors are not retried", func(int32) (int, string) { return 400, `{"error_code":"HSS.0001","error_msg":"bad"}` },
			provider.ErrInvalidArgument, 1},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				status, body := c.answer(n.Add(1))
				answer(w, status, body)
			})
			job, err := f.provider(t).CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
			switch {
			case c.want == nil && err != nil:
				t.Fatal(err)
			case c.want == nil && job.ID != "t":
				t.Errorf("job %q, want t", job.ID)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("err = %v, want %v", err, c.want)
			}
			if f.count() != c.requests {
				t.Errorf("%d requests, want %d", f.count(), c.requests)
			}
		})
	}
}

func TestRateLimitPerAction(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		answer(w, 200, `{"task_id":"t","task_status":"running"}`)
	})
	opts := f.options()
	opts.RateLimit = 0.001 // one request, then one every 1000 s
	p := mustNew(t, opts)
	job, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	if err != nil {
		t.Fatal(err)
	}
	// Another action has its own bucket.
	if _, err := p.PollJob(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	// The same action must wait longer than ctx allows: nothing is sent.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = p.CreateExportJob(ctx, export.Request{Target: export.Containers{}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if f.count() != 2 {
		t.Errorf("%d requests, want 2", f.count())
	}
}

func TestCancelSlowCall(t *testing.T) {
	for _, c := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			release := make(chan struct{})
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			defer close(release)
			tr := &http.Transport{}
			opts := f.options()
			opts.HTTPClient = &http.Client{Transport: tr}
			p := mustNew(t, opts)
			before := runtime.NumGoroutine()
			ctx, cancel := c.ctx()
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := p.CreateExportJob(ctx, export.Request{Target: export.Containers{}})
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second): // a hang, not a timing assertion
				t.Fatal("CreateExportJob did not return after its context ended")
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if _, isProvider := err.(*provider.Error); isProvider {
				t.Errorf("err is a *provider.Error; context errors are returned as they are")
			}
			tr.CloseIdleConnections()
			checkNoLeak(t, before)
		})
	}
}

// checkNoLeak waits for the goroutine count to come back to at most before.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// hostRecorder is a RoundTripper that records hosts and answers 200.
type hostRecorder struct{ hosts []string }

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, r.URL.Scheme+"://"+r.URL.Host)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"task_id":"t","job_id":"j"}`)), Request: r}, nil
}

func TestDefaultEndpoints(t *testing.T) {
	for _, c := range []struct{ region, hss, roma string }{
		{"cn-north-4", "https://hss.cn-north-4.myhuaweicloud.com", "https://roma.cn-north-4.myhuaweicloud.com"},
		{"eu-west-101", "https://hss.eu-west-101.myhuaweicloud.eu", "https://roma.eu-west-101.myhuaweicloud.eu"},
	} {
		rec := &hostRecorder{}
		p := mustNew(t, huawei.Options{Region: c.region, AK: testAK, SK: testSK, ProjectID: testProject, ROMAInstanceID: testInst,
			HTTPClient: &http.Client{Transport: rec}})
		if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{AppIDs: []string{"a"}}}); err != nil {
			t.Fatal(err)
		}
		if want := []string{c.hss, c.roma}; !reflect.DeepEqual(rec.hosts, want) {
			t.Errorf("%s: hosts %v, want %v", c.region, rec.hosts, want)
		}
	}
}

// clearEnv removes every credential the SDK's providers could find.
func clearEnv(t *testing.T) {
	for _, k := range []string{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID",
		"HUAWEICLOUD_SDK_IDP_ID", "HUAWEICLOUD_SDK_ID_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-such-file"))
}

func TestNewOptions(t *testing.T) {
	eps := map[string]string{"hss": "http://127.0.0.1:1", "roma": "http://127.0.0.1:1"}
	cases := []struct {
		name string
		opts huawei.Options
		code provider.Code
		want string
	}{
		{"no credentials anywhere", huawei.Options{Region: "cn-north-4", ProjectID: "p"}, provider.PermissionDenied, "HUAWEICLOUD_SDK_AK"},
		{"AK without SK", huawei.Options{Region: "cn-north-4", ProjectID: "p", AK: "a"}, provider.InvalidArgument, "Options.SK"},
		{"SK without AK", huawei.Options{Region: "cn-north-4", ProjectID: "p", SK: "s"}, provider.InvalidArgument, "Options.AK"},
		{"no project id", huawei.Options{Region: "cn-north-4", AK: "a", SK: "s"}, provider.FailedPrecondition, "HUAWEICLOUD_SDK_PROJECT_ID"},
		{"no region", huawei.Options{AK: "a", SK: "s", ProjectID: "p"}, provider.InvalidArgument, "Options.Region"},
		{"one endpoint and no region", huawei.Options{AK: "a", SK: "s", ProjectID: "p", Endpoints: map[string]string{"hss": "http://x"}}, provider.InvalidArgument, "Options.Region"},
		{"bad region", huawei.Options{Region: "CN North", AK: "a", SK: "s", ProjectID: "p"}, provider.InvalidArgument, "Options.Region"},
		{"unknown endpoint key", huawei.Options{Region: "cn-north-4", AK: "a", SK: "s", ProjectID: "p", Endpoints: map[string]string{"ecs": "http://x"}}, provider.InvalidArgument, "ecs"},
		{"bad endpoint scheme", huawei.Options{Region: "cn-north-4", AK: "a", SK: "s", ProjectID: "p", Endpoints: map[string]string{"hss": "ftp://x"}}, provider.InvalidArgument, "Endpoints"},
		{"project id with a slash", huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p/q"}, provider.InvalidArgument, "ProjectID"},
		{"negative rate", huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p", RateLimit: -1}, provider.InvalidArgument, "RateLimit"},
		{"NaN rate", huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p", RateLimit: math.NaN()}, provider.InvalidArgument, "RateLimit"},
		{"infinite rate", huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p", RateLimit: math.Inf(1)}, provider.InvalidArgument, "RateLimit"},
		{"instance too long", huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p", ROMAInstanceID: strings.Repeat("i", 65)}, provider.InvalidArgument, "ROMAInstanceID"},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			clearEnv(t)
			_, err := huawei.New(c.opts)
			if provider.CodeOf(err) != c.code || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want code %v mentioning %q", err, c.code, c.want)
			}
		})
	}
	t.Run("both endpoints, no region", func(t *testing.T) {
		clearEnv(t)
		if _, err := huawei.New(huawei.Options{Endpoints: eps, AK: "a", SK: "s", ProjectID: "p"}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCredentialsFromTheSDKProviders covers credentials and project id found
// by the SDK's providers when Options has none.
func TestCredentialsFromTheSDKProviders(t *testing.T) {
	for _, c := range []struct {
		name            string
		setup           func(t *testing.T)
		ak, sk, project string
	}{
		{"environment", func(t *testing.T) {
			t.Setenv("HUAWEICLOUD_SDK_AK", "ENVAK")
			t.Setenv("HUAWEICLOUD_SDK_SK", "env-secret")
			t.Setenv("HUAWEICLOUD_SDK_PROJECT_ID", "envproject")
		}, "ENVAK", "env-secret", "envproject"},
		{"profile file", func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "credentials")
			if err := os.WriteFile(file, []byte("[basic]\nak = FILEAK\nsk = file-secret\nproject_id = fileproject\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file)
		}, "FILEAK", "file-secret", "fileproject"},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_id":"t"}`) })
			clearEnv(t)
			c.setup(t)
			opts := f.options()
			opts.AK, opts.SK, opts.ProjectID = "", "", ""
			p := mustNew(t, opts)
			if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}}); err != nil {
				t.Fatal(err)
			}
			r, body := f.last(t)
			verify(t, r, body, c.ak, c.sk)
			if want := "/v5/" + c.project + "/container/export-task"; r.URL.Path != want {
				t.Errorf("path %s, want %s", r.URL.Path, want)
			}
		})
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		answer(w, 200, `{"task_id":"t","task_status":"success","file_id":"f"}`)
	})
	var buf bytes.Buffer
	opts := f.options()
	opts.SecurityToken = "secret-token-value"
	opts.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := mustNew(t, opts)
	job, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PollJob(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r, _ := f.last(t)
	sig := authPattern.FindStringSubmatch(r.Header.Get("Authorization"))[3]
	out := buf.String()
	if !strings.Contains(out, "ExportContainerList") {
		t.Errorf("the log does not name the action:\n%s", out)
	}
	for i, secret := range []string{testSK, "secret-token-value", sig, "Authorization"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds secret #%d of the list (%d bytes of log withheld)", i, len(out))
		}
	}
	tok, err := job.Token()
	if err != nil {
		t.Fatal(err)
	}
	back, _ := export.ParseToken(tok)
	for k, v := range back.Scope {
		if strings.Contains(v, testSK) || strings.Contains(v, testAK) {
			t.Errorf("scope %s holds a credential", k)
		}
	}
}

func TestAsHTTPClient(t *testing.T) {
	c := &http.Client{Timeout: 7 * time.Second}
	opts := newFake(t, nil).options()
	opts.HTTPClient = c
	p := mustNew(t, opts)
	var got *http.Client
	if !p.As(&got) || got == nil || got.Timeout != c.Timeout {
		t.Errorf("As(**http.Client) = %v, %+v; want true and a client with Options.HTTPClient's timeout", p.As(&got), got)
	}
	var s string
	if p.As(&s) {
		t.Error("As(*string) = true")
	}
}

// TestBrokenProfileIsNotQuoted: a credentials file the SDK cannot parse
// makes New fail saying so, without quoting the file: the INI parser's
// error holds the offending line, which may be a secret key pasted without
// "sk =".
func TestBrokenProfileIsNotQuoted(t *testing.T) {
	clearEnv(t)
	file := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(file, []byte("[basic]\nak = AKEXAMPLE\nS3cr3tSecretKeyPastedAlone\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file)
	_, err := huawei.New(huawei.Options{Region: "cn-north-4", ProjectID: "p"})
	if err == nil {
		t.Fatal("New accepted a broken profile")
	}
	if strings.Contains(err.Error(), "S3cr3tSecretKeyPastedAlone") {
		t.Fatalf("the error quotes the profile file: %v", err)
	}
	if provider.CodeOf(err) != provider.PermissionDenied || !strings.Contains(err.Error(), "profile") {
		t.Fatalf("err = %v; want PermissionDenied naming the profile", err)
	}
}

// TestProfileProjectIDNeedsKeys: the SDK's profile provider reads a
// profile only when it holds ak and sk, so a project_id alone in the
// profile is not found; the error says what the profile needs instead of
// asking for the project_id that is already there.
func TestProfileProjectIDNeedsKeys(t *testing.T) {
	clearEnv(t)
	file := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(file, []byte("[basic]\nproject_id = 0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file)
	_, err := huawei.New(huawei.Options{Region: "cn-north-4", AK: "a", SK: "s"})
	if provider.CodeOf(err) != provider.FailedPrecondition || !strings.Contains(err.Error(), "project_id with ak and sk") {
		t.Fatalf("err = %v; want FailedPrecondition saying the profile's project_id is read with its ak and sk", err)
	}
}
