package safehttp

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// NoRedirects returns a copy of c (http.DefaultClient when nil) that follows
// no redirect: a 3xx answer to an API call comes back from Do as an error
// wrapping a PermissionDenied *errs.Error that names the Location host, and
// nothing is sent there. c itself is never changed.
func NoRedirects(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cp := *c
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return redirectError(via[len(via)-1].URL, req.URL, status)
	}
	return &cp
}

// RefuseRedirects returns a RoundTripper that sends through rt
// (http.DefaultTransport when nil) and turns every redirect answer (301,
// 302, 303, 307, 308) into a PermissionDenied error naming the Location
// host, after closing its body. Installed beneath a client, it stops the
// client from following, whatever the client's CheckRedirect says: for
// SDKs that own their http.Client.
func RefuseRedirects(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			loc, _ := resp.Location()
			resp.Body.Close()
			return nil, redirectError(req.URL, loc, resp.StatusCode)
		}
		return resp, nil
	})
}

// redirectError says an API call was redirected and not followed.
func redirectError(from, to *url.URL, status int) *errs.Error {
	where := "an unknown location"
	if to != nil && to.Host != "" {
		where = fmt.Sprintf("host %q", to.Hostname())
	} else if to != nil {
		where = fmt.Sprintf("host %q", from.Hostname())
	}
	return &errs.Error{Code: errs.PermissionDenied, HTTPStatus: status,
		Message: fmt.Sprintf("the API endpoint %q answered with a redirect (HTTP %d) to %s; signed API calls never follow redirects, so check the endpoint", from.Hostname(), status, where)}
}
