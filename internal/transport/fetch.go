package transport

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/provider"
)

// DownloadOptions is what an adapter's Options say about fetching the URLs a
// vendor answer hands out (TCSS DownloadURL, CWP DownloadUrl).
type DownloadOptions struct {
	// Hosts are host patterns ("*" = one DNS label) allowed over https:
	// the service's documented download domains (the adapter knows them)
	// and the caller's extra ones.
	Hosts []string
	// Allow, if set, is asked about a URL the rules refuse; true trusts
	// its host like a configured endpoint's (any scheme, any address).
	Allow func(*url.URL) bool
	// Endpoints are the configured endpoint base URLs, whose hosts are
	// trusted (the emulators are such endpoints).
	Endpoints []string
}

// Fetcher fetches the vendor-given URLs of one service under the download
// policy: https from the service's documented download hosts or the
// caller's extra ones, or any scheme from a configured endpoint's host or
// one Allow accepts; no redirect to another host or from https to http; no
// connection to a loopback, link-local (cloud metadata), private or
// reserved address unless the host is trusted; the body streamed and capped
// at safehttp.MaxDownload (1 GiB) decompressed, and closed on any failure.
// It is the one download path of every vendor-given URL.
type Fetcher struct {
	service string
	policy  *safehttp.Policy
	client  *http.Client
}

// NewFetcher returns the Fetcher of service's URLs. user is
// Options.HTTPClient (nil = defaults); it is copied, never changed.
func NewFetcher(user *http.Client, service string, o DownloadOptions) *Fetcher {
	pol := &safehttp.Policy{
		Hosts:     append([]string(nil), o.Hosts...),
		Endpoints: append([]string(nil), o.Endpoints...),
		Allow:     o.Allow,
	}
	c := pol.Client(user)
	c.Jar = nil
	c.Transport = safehttp.LimitBodies(roundTripper{base: c.Transport}.recordOnly(), safehttp.MaxDownload)
	return &Fetcher{service: service, policy: pol, client: c}
}

// recordOnly is the roundTripper without the redirect refusal: a download
// may follow a redirect on its own host, which the policy's client checks.
func (t roundTripper) recordOnly() http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := t.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if x, ok := r.Context().Value(exchangeKey{}).(*Exchange); ok {
			x.record(resp)
		}
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Fetch checks raw against the policy (a refusal is PermissionDenied naming
// the host, or InvalidArgument for what is not an http(s) URL, and nothing
// is sent), then GETs it through l as the call (service, action) and
// returns the streamed body, which the caller closes. ctx governs reading
// the body too. A non-2xx answer is coded by CodeForStatus. The URL's
// query (a presigned link's credential) never appears in an error.
func (f *Fetcher) Fetch(ctx context.Context, l *Loop, action, raw string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, errs.Invalid("File.URL: empty; pass a File from a succeeded Status")
	}
	if _, _, err := f.policy.Check(raw); err != nil {
		if e, ok := err.(*errs.Error); ok {
			e.Message = "File.URL: " + e.Message
			e.Service, e.Action = f.service, action
		}
		return nil, err
	}
	where := RedactURL(raw)
	var resp *http.Response
	err := l.Do(ctx, f.service, action, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return errs.Invalid("File.URL: %s cannot be requested", where)
		}
		resp, err = f.client.Do(req)
		if err != nil {
			if ue, ok := err.(*url.Error); ok {
				ue.URL = where
			}
			return err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			resp.Body.Close()
			e := StatusError(provider.Call{Provider: l.Provider, Service: f.service, Action: action}, nil, resp.StatusCode, "")
			e.Message = "fetch " + where
			return e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
