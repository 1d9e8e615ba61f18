package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/provider"
)

// bigServer answers every request with size bytes.
func bigServer(t *testing.T, size int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, io.LimitReader(zeros{}, int64(size)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// fetchAll sends a GET of raw with c and reads the answer whole.
func fetchAll(c *http.Client, raw string, n *int64) func(context.Context) error {
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		*n, err = io.Copy(io.Discard, resp.Body)
		return err
	}
}

func TestAnswersAreCappedUnlessStreamed(t *testing.T) {
	srv := bigServer(t, safehttp.MaxAnswer+1)
	for name, newClient := range map[string]func(*http.Client) *http.Client{"NewClient": NewClient, "NewStreamingClient": NewStreamingClient} {
		user := &http.Client{}
		c := newClient(user)
		var n int64
		err := newLoop(provider.NewRateLimiter(1e9), nil).Do(context.Background(), "s", "A", fetchAll(c, srv.URL, &n))
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.Internal || e.Provider != "p" || e.Service != "s" || e.Action != "A" || e.HTTPStatus != 200 {
			t.Errorf("%s: an answer over the cap: %#v; want Internal naming the call and its status", name, err)
		}
		err = newLoop(provider.NewRateLimiter(1e9), nil).Do(context.Background(), "s", "A", func(ctx context.Context) error {
			return fetchAll(c, srv.URL, &n)(Streamed(ctx))
		})
		if err != nil || n != safehttp.MaxAnswer+1 {
			t.Errorf("%s: a streamed answer: %d bytes, %v; want all %d", name, n, err, safehttp.MaxAnswer+1)
		}
		if user.Transport != nil || user.CheckRedirect != nil {
			t.Errorf("%s changed the caller's client", name)
		}
	}
}

func TestFetcherPolicy(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	eu, _ := url.Parse(elsewhere.URL)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, "contents")
		case "/same-host":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/bad-location":
			// A Location net/http cannot parse: its error quotes it whole.
			w.Header().Set("Location", "https://files.example.com/%zz?Signature=s3cr3t")
			w.WriteHeader(http.StatusFound)
		default:
			http.Redirect(w, r, "http://localhost:"+eu.Port()+"/x", http.StatusFound)
		}
	}))
	defer files.Close()
	l := newLoop(provider.NewRateLimiter(1e9), nil)
	configured := NewFetcher(nil, "tcss", DownloadOptions{Endpoints: []string{files.URL}})
	for _, path := range []string{"/ok", "/same-host"} {
		rc, err := configured.Fetch(context.Background(), l, "Download", files.URL+path+"?sig=s3cr3t")
		if err != nil {
			t.Fatalf("%s from a configured endpoint: %v", path, err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "contents" {
			t.Errorf("%s: %q", path, b)
		}
	}
	for _, c := range []struct {
		name string
		f    *Fetcher
		raw  string
		code errs.Code
		host string
	}{
		{"loopback, not configured", NewFetcher(nil, "tcss", DownloadOptions{}), files.URL + "/ok", errs.PermissionDenied, "127.0.0.1"},
		{"metadata", configured, "http://169.254.169.254/latest/meta-data/", errs.PermissionDenied, "169.254.169.254"},
		{"cross-host redirect", configured, files.URL + "/away?sig=s3cr3t", errs.PermissionDenied, "localhost"},
		{"not http", configured, "file:///etc/passwd", errs.InvalidArgument, ""},
		{"unparsable redirect", configured, files.URL + "/bad-location", errs.FailedPrecondition, "redirected"},
		{"no service hosts", NewFetcher(nil, "hss", DownloadOptions{}), "https://b.cos.ap-guangzhou.myqcloud.com/x", errs.PermissionDenied, "b.cos.ap-guangzhou.myqcloud.com"},
	} {
		_, err := c.f.Fetch(context.Background(), l, "Download", c.raw)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != c.code || !strings.Contains(e.Message, c.host) {
			t.Errorf("%s: %v; want %v naming %q", c.name, err, c.code, c.host)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error quotes the URL's query: %v", c.name, err)
		}
	}
	if other.Load() != 0 {
		t.Errorf("%d requests reached the redirect's target", other.Load())
	}
	allowed := NewFetcher(nil, "tcss", DownloadOptions{Allow: func(u *url.URL) bool { return "http://"+u.Host == files.URL }})
	rc, err := allowed.Fetch(context.Background(), l, "Download", files.URL+"/ok")
	if err != nil {
		t.Fatalf("a host Allow accepts: %v", err)
	}
	rc.Close()
}
