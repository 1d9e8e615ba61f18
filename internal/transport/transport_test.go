package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/provider"
)

func TestCodeForStatus(t *testing.T) {
	for status, want := range map[int]errs.Code{
		200: errs.Unknown, 204: errs.Unknown,
		301: errs.FailedPrecondition, 302: errs.FailedPrecondition, 307: errs.FailedPrecondition,
		400: errs.InvalidArgument, 401: errs.PermissionDenied, 403: errs.PermissionDenied,
		404: errs.NotFound, 405: errs.InvalidArgument, 409: errs.FailedPrecondition, 410: errs.NotFound,
		412: errs.FailedPrecondition, 418: errs.InvalidArgument, 429: errs.ResourceExhausted,
		500: errs.Unavailable, 501: errs.Unavailable, 502: errs.Unavailable, 503: errs.Unavailable, 504: errs.Unavailable,
		100: errs.Internal, 600: errs.Internal,
	} {
		if got := CodeForStatus(status); got != want {
			t.Errorf("CodeForStatus(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	if Fingerprint("") != "" {
		t.Error(`Fingerprint("") is not ""`)
	}
	a, b := Fingerprint("AKIDexample"), Fingerprint("AKIDother")
	if len(a) != 16 || a == b || strings.Contains(a, "AKID") {
		t.Errorf("fingerprints %q, %q: want 16 hex digits, distinct, not the id", a, b)
	}
	if Fingerprint("AKIDexample") != a {
		t.Error("Fingerprint is not stable")
	}
}

func TestEndpoints(t *testing.T) {
	known := []string{"tcss", "cvm"}
	got, err := Endpoints(map[string]string{"TCSS": "HTTP://127.0.0.1:9000/base/", "cvm": ""}, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["tcss"].String() != "http://127.0.0.1:9000/base" {
		t.Errorf("Endpoints = %v", got)
	}
	for name, in := range map[string]map[string]string{
		"unknown service": {"cos": "http://x"},
		"no scheme":       {"tcss": "127.0.0.1:9000"},
		"bare host":       {"tcss": "tcss.example.com"},
		"ftp":             {"tcss": "ftp://x"},
		"query":           {"tcss": "http://x/?a=b"},
		"empty query":     {"tcss": "http://x/?"},
		"fragment":        {"tcss": "http://x/#f"},
		"user":            {"tcss": "http://u:p@x"},
	} {
		if _, err := Endpoints(in, known); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "Options.Endpoints") {
			t.Errorf("%s: %v; want InvalidArgument naming Options.Endpoints", name, err)
		}
	}
	// A value url.Parse refuses is not echoed: it may hold a password.
	for _, v := range []string{"http://admin:hunter2 x@proxy:8080", "http://admin:hunter2@proxy:port",
		"http://admin:hunter2/x", "http://proxy:hunter2", "http://admin:hunter2%zz@x"} {
		_, err := Endpoints(map[string]string{"tcss": v}, known)
		if !errors.Is(err, errs.ErrInvalidArgument) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("unparsable %q: %v; want InvalidArgument without the password", v, err)
		}
	}
	// Two spellings of one service are ambiguous: neither silently wins.
	_, err = Endpoints(map[string]string{"TCSS": "http://a", "tcss": "http://b"}, known)
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), `"TCSS"`) || !strings.Contains(err.Error(), `"tcss"`) {
		t.Errorf("two spellings of tcss: %v; want InvalidArgument naming both", err)
	}
}

// recorder is a Limiter that is also Adaptive, recording what it is told.
type recorder struct {
	mu       sync.Mutex
	waits    []provider.Call
	observed []bool
}

func (r *recorder) Wait(_ context.Context, c provider.Call) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, c)
	return nil
}

func (r *recorder) Observe(_ provider.Call, throttled bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.observed = append(r.observed, throttled)
}

// serve answers with the statuses in turn, the last one for ever after.
func serve(t *testing.T, statuses ...int) *httptest.Server {
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st := statuses[0]
		if len(statuses) > 1 {
			statuses = statuses[1:]
		}
		mu.Unlock()
		w.Header().Set("X-Request-Id", "rid-1")
		if st >= 300 && st < 400 {
			w.Header().Set("Location", "http://elsewhere.example/path?sig=secret")
		}
		w.WriteHeader(st)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// get is an attempt that sends a GET through client and codes a non-2xx
// answer by status, as the adapters do.
func get(client *http.Client, url string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return StatusError(provider.Call{Provider: "p", Service: "s", Action: "A"}, nil, resp.StatusCode, resp.Header.Get("X-Request-Id"))
		}
		return nil
	}
}

func newLoop(lim provider.Limiter, log *slog.Logger) *Loop {
	return &Loop{Provider: "p", Region: "r", Limiter: lim, Log: log, Account: func() string { return "fp" },
		Retry: provider.RetryPolicy{MaxAttempts: 3, Backoff: provider.Backoff{Min: 1, Max: 2}}}
}

func TestLoopRetriesThrottledAndObserves(t *testing.T) {
	srv := serve(t, 429, 429, 200)
	rec := &recorder{}
	var logs bytes.Buffer
	l := newLoop(rec, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err := l.Do(context.Background(), "s", "A", get(NewClient(nil), srv.URL)); err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := provider.Call{Provider: "p", Account: "fp", Region: "r", Service: "s", Action: "A"}
	if d := cmp.Diff([]provider.Call{want, want, want}, rec.waits); d != "" {
		t.Errorf("limiter waits (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]bool{true, true, false}, rec.observed); d != "" {
		t.Errorf("Observe(throttled) calls (-want +got):\n%s", d)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want one per attempt:\n%s", len(lines), logs.String())
	}
	for _, key := range []string{`"provider":"p"`, `"service":"s"`, `"action":"A"`, `"attempt":1`, `"status":429`, `"request_id":"rid-1"`, `"code":"resource exhausted"`, `"duration"`} {
		if !strings.Contains(lines[0], key) {
			t.Errorf("first log line lacks %s: %s", key, lines[0])
		}
	}
	if !strings.Contains(lines[2], `"msg":"vendor call"`) || !strings.Contains(lines[2], `"status":200`) {
		t.Errorf("last log line: %s", lines[2])
	}
}

func TestLoopStatusRules(t *testing.T) {
	for _, c := range []struct {
		status int
		want   errs.Code
	}{{500, errs.Unavailable}, {503, errs.Unavailable}, {404, errs.NotFound}, {403, errs.PermissionDenied}, {400, errs.InvalidArgument}} {
		srv := serve(t, c.status)
		err := newLoop(provider.NewRateLimiter(1e9), nil).Do(context.Background(), "s", "A", get(NewClient(nil), srv.URL))
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != c.want || e.HTTPStatus != c.status || e.RequestID != "rid-1" {
			t.Errorf("status %d: %v; want %v with the status and request id", c.status, err, c.want)
		}
	}
}

func TestRedirectIsRefusedAndNamed(t *testing.T) {
	followed := false
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed = true }))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/x?sig=secret", http.StatusFound)
	}))
	defer srv.Close()
	// A client that would follow redirects, as the Tencent SDK's does,
	// built on NewClient's transport.
	sdkLike := &http.Client{Transport: NewClient(nil).Transport}
	err := newLoop(provider.NewRateLimiter(1e9), nil).Do(context.Background(), "s", "A", get(sdkLike, srv.URL))
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.FailedPrecondition || e.HTTPStatus != http.StatusFound ||
		!strings.Contains(e.Error(), "redirect") || !strings.Contains(e.Error(), target.URL+"/x") {
		t.Errorf("redirect: %v; want FailedPrecondition naming the redirect target", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error quotes the redirect's query: %v", err)
	}
	if followed {
		t.Error("the redirect was followed")
	}
}

func TestLoopCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := newLoop(provider.NewRateLimiter(1e9), nil).Do(ctx, "s", "A", func(context.Context) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Errorf("Do on a cancelled ctx: %v, sent %v; want context.Canceled and nothing sent", err, called)
	}
}

func TestNetworkFailureIsUnavailable(t *testing.T) {
	err := newLoop(provider.NewRateLimiter(1e9), nil).Do(context.Background(), "s", "A", get(NewClient(nil), "http://127.0.0.1:1/x"))
	if !errors.Is(err, errs.ErrUnavailable) {
		t.Errorf("network failure: %v; want Unavailable", err)
	}
}

func TestReadBody(t *testing.T) {
	for _, c := range []struct {
		name   string
		length int64
		body   string
		max    int64
		ok     bool
	}{
		{"sized", 5, "hello", 10, true},
		{"unsized", -1, "hello", 10, true},
		{"zero length but a body (a custom RoundTripper)", 0, "hello", 10, true},
		{"too long, unsized", -1, "hello world", 5, false},
		{"too long, sized", 11, "hello world", 5, false},
	} {
		got, err := ReadBody(&http.Response{ContentLength: c.length, Body: io.NopCloser(strings.NewReader(c.body))}, c.max)
		if c.ok && (err != nil || string(got) != c.body) || !c.ok && err == nil {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
}
