package safehttp_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
)

// redirectPair starts a host that answers every call with status to the
// other host (named "localhost" so the two differ by name), and counts
// what reaches the other host.
func redirectPair(t *testing.T, status int) (from string, other *atomic.Int32) {
	t.Helper()
	other = new(atomic.Int32)
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	t.Cleanup(dst.Close)
	du, _ := url.Parse(dst.URL)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+du.Port()+"/steal", status)
	}))
	t.Cleanup(src.Close)
	return src.URL, other
}

func signedPost(t *testing.T, c *http.Client, u string) error {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(`{"signed":"body"}`))
	req.Header.Set("X-Security-Token", "secret-token")
	req.Header.Set("X-TC-Token", "secret-token")
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func wantRedirectRefused(t *testing.T, err error, status int) {
	t.Helper()
	var pe *errs.Error
	if !errors.As(err, &pe) || pe.Code != errs.PermissionDenied || pe.HTTPStatus != status || !strings.Contains(pe.Message, `host "localhost"`) {
		t.Fatalf("Do = %v; want PermissionDenied with HTTP %d naming host localhost", err, status)
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("the error repeats a header: %v", err)
	}
}

// A caller's own &http.Client{} would replay the signed body and the
// security token to the other host on a 307; the copy NoRedirects makes
// sends nothing there, and the caller's client is left as it was.
func TestNoRedirectsRefuses307ToAnotherHost(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound, http.StatusMovedPermanently, http.StatusSeeOther} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			from, other := redirectPair(t, status)
			caller := &http.Client{}
			c := safehttp.NoRedirects(caller)
			wantRedirectRefused(t, signedPost(t, c, from), status)
			if other.Load() != 0 {
				t.Errorf("the other host got %d requests", other.Load())
			}
			if caller.CheckRedirect != nil || c == caller {
				t.Errorf("NoRedirects changed or returned the caller's client")
			}
			c.CloseIdleConnections()
		})
	}
}

// The Tencent SDK owns its http.Client (its CheckRedirect follows); the
// transport-level check stops it all the same.
func TestRefuseRedirectsBeneathAFollowingClient(t *testing.T) {
	from, other := redirectPair(t, http.StatusTemporaryRedirect)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: safehttp.RefuseRedirects(tr)} // default CheckRedirect: follow
	wantRedirectRefused(t, signedPost(t, c, from), http.StatusTemporaryRedirect)
	if other.Load() != 0 {
		t.Errorf("the other host got %d requests", other.Load())
	}
}

// Even a same-host redirect would replay a signature: API calls follow none.
func TestNoRedirectsRefusesSameHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/again" {
			t.Errorf("the redirect was followed")
		}
		http.Redirect(w, r, "/again", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := safehttp.NoRedirects(nil)
	err := signedPost(t, c, srv.URL)
	if errs.CodeOf(err) != errs.PermissionDenied || !strings.Contains(err.Error(), `host "127.0.0.1"`) {
		t.Fatalf("Do = %v; want PermissionDenied naming 127.0.0.1", err)
	}
	c.CloseIdleConnections()
}
