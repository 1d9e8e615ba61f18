// Package transport is the one attempt loop and the one HTTP client of the
// cloud adapters. Vendor code only signs, encodes and decodes; everything
// around a vendor call happens here, once, the same way on every cloud:
//
//   - the rate-limit wait (provider.Limiter), keyed by provider.Call;
//   - the HTTP client every vendor call goes through (NewClient), which never
//     follows a redirect, reads each API answer whole up to
//     safehttp.MaxAnswer decompressed (files a vendor API serves stream up
//     to safehttp.MaxDownload), and records the status and request id of
//     each answer in the call's Exchange;
//   - the one download path of the URLs vendor answers hand out (Fetcher),
//     under the download policy of package safehttp;
//   - the mapping of an HTTP status to a provider code (CodeForStatus);
//   - classification of transport failures, retries per
//     provider.RetryPolicy, provider.Adaptive feedback after each answer;
//   - one structured debug log line per attempt, with one set of keys and
//     never a secret.
package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/provider"
)

// Fingerprint returns a short, non-reversible fingerprint of an access key
// id, for provider.Call.Account: the first 8 bytes of its SHA-256 in hex.
// It returns "" for "".
func Fingerprint(accessKeyID string) string {
	if accessKeyID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(accessKeyID))
	return hex.EncodeToString(sum[:8])
}

// CodeForStatus is the one mapping from an HTTP status to a provider code,
// used for every vendor answer that carries no more specific vendor code,
// and by Download. 2xx is Unknown (not an error).
//
//   - 3xx: FailedPrecondition (vendor APIs do not redirect; the endpoint is
//     wrong), with an error naming the redirect (see Exchange.Err);
//   - 401, 403: PermissionDenied; 404, 410: NotFound; 409, 412:
//     FailedPrecondition; 429: ResourceExhausted; other 4xx: InvalidArgument;
//   - 5xx: Unavailable, which provider.Wait rides out;
//   - anything else: Internal.
func CodeForStatus(status int) errs.Code {
	switch {
	case status >= 200 && status < 300:
		return errs.Unknown
	case status >= 300 && status < 400:
		return errs.FailedPrecondition
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return errs.PermissionDenied
	case status == http.StatusNotFound || status == http.StatusGone:
		return errs.NotFound
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		return errs.FailedPrecondition
	case status == http.StatusTooManyRequests:
		return errs.ResourceExhausted
	case status >= 400 && status < 500:
		return errs.InvalidArgument
	case status >= 500 && status < 600:
		return errs.Unavailable
	}
	return errs.Internal
}

// Exchange is what the client learned about the HTTP exchange of one
// attempt: the answer's status and request id, and where a redirect
// pointed. It is safe for concurrent use.
type Exchange struct {
	mu        sync.Mutex
	status    int
	requestID string
	location  string // redacted
}

// Answer returns the HTTP status and request id of the attempt's answer (0
// and "" when none came).
func (x *Exchange) Answer() (status int, requestID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.status, x.requestID
}

// Redirect returns the redacted target of a redirect answer, or "".
func (x *Exchange) Redirect() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.location
}

func (x *Exchange) record(resp *http.Response) {
	rid := resp.Header.Get("X-Request-Id")
	if rid == "" {
		rid = resp.Header.Get("X-TC-RequestId")
	}
	x.mu.Lock()
	x.status, x.requestID = resp.StatusCode, rid
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		x.location = RedactURL(resp.Header.Get("Location"))
	}
	x.mu.Unlock()
}

type exchangeKey struct{}

// exchangeCtx is a context carrying an Exchange: one allocation per
// attempt for both.
type exchangeCtx struct {
	context.Context
	x Exchange
}

func (c *exchangeCtx) Value(key any) any {
	if key == (exchangeKey{}) {
		return &c.x
	}
	return c.Context.Value(key)
}

// WithExchange returns ctx carrying a fresh Exchange that the client of
// NewClient fills for requests sent with that ctx.
func WithExchange(ctx context.Context) (context.Context, *Exchange) {
	c := &exchangeCtx{Context: ctx}
	return c, &c.x
}

// ErrRedirect is the transport error of a redirect answer: NewClient's
// client never follows one.
var ErrRedirect = errors.New("the service answered with a redirect, which vendor APIs never send; check Options.Endpoints")

// NewClient returns the *http.Client every vendor call of an adapter goes
// through (API calls, files served by a vendor API, and the Tencent SDK's
// own client, which gets its Transport). It is the one place where that
// client is built; vendor-given URLs are fetched by a Fetcher instead.
//
// From user (Options.HTTPClient; nil = defaults) it takes the RoundTripper
// (nil = a clone of http.DefaultTransport) and Timeout (0 = none; deadlines
// come from ctx); user itself is never changed. Its redirect policy and
// cookie jar are not used: the client never follows a redirect (a 3xx answer
// fails the request with ErrRedirect, beneath any client, so that clients
// which would follow, such as the SDK's, stop too and nothing signed is
// replayed), and it records each answer's status and request id in the
// request's Exchange (WithExchange).
//
// Answers are bounded in decompressed bytes: an API answer is read whole,
// at most safehttp.MaxAnswer (16 MiB), inside the transport, so that a
// larger one, a compression bomb, a truncated body or a ctx that ends
// mid-read fails the request with a typed error and the body is always
// closed (the Tencent SDK never closes a body it failed to read). A request
// whose ctx went through Streamed gets its body streamed instead, capped at
// safehttp.MaxDownload (1 GiB).
func NewClient(user *http.Client) *http.Client {
	return newClient(user, func(rt http.RoundTripper) http.RoundTripper {
		return safehttp.BufferAnswers(rt, safehttp.MaxAnswer)
	})
}

// NewStreamingClient is NewClient for an adapter whose own code reads and
// closes every API answer (Huawei's): an API answer's body is streamed
// instead of read whole inside the transport, under the same cap
// (safehttp.LimitBodies at safehttp.MaxAnswer decompressed: refused at
// RoundTrip when its Content-Length is over the cap, failing with Internal
// when a read passes it, and closed on a read error, at the cap, at EOF and
// when the request's ctx ends). The adapter reads it with ReadBody inside
// the attempt, so that such a failure is classified by the Loop like one
// raised beneath the client. It saves a copy and a wrapper per call.
func NewStreamingClient(user *http.Client) *http.Client {
	return newClient(user, func(rt http.RoundTripper) http.RoundTripper {
		return safehttp.LimitBodies(rt, safehttp.MaxAnswer)
	})
}

// newClient builds the client of NewClient, with api bounding API answers.
func newClient(user *http.Client, api func(http.RoundTripper) http.RoundTripper) *http.Client {
	var base http.RoundTripper
	var timeout time.Duration
	if user != nil {
		base, timeout = user.Transport, user.Timeout
	}
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.IdleConnTimeout = 30 * time.Second
		base = t
	}
	rec := roundTripper{base: base}
	return &http.Client{
		Transport: chooser{
			api:   api(rec),
			files: safehttp.LimitBodies(rec, safehttp.MaxDownload),
		},
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

type streamKey struct{}

// Streamed returns ctx marked so that NewClient's client streams the
// answer body of a request sent with it (capped at safehttp.MaxDownload)
// instead of reading it whole: for files a vendor API serves (Huawei
// ListDownloadExportedFile, DownloadAssetArchive).
func Streamed(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamKey{}, true)
}

// chooser sends a request through the API path, or through the file path
// when its ctx is Streamed.
type chooser struct{ api, files http.RoundTripper }

func (c chooser) RoundTrip(r *http.Request) (*http.Response, error) {
	if s, _ := r.Context().Value(streamKey{}).(bool); s {
		return c.files.RoundTrip(r)
	}
	return c.api.RoundTrip(r)
}

// roundTripper is the wrapper of every vendor exchange: it records the
// answer in the Exchange and applies the answer policy (checkAnswer).
type roundTripper struct{ base http.RoundTripper }

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if x, ok := r.Context().Value(exchangeKey{}).(*Exchange); ok {
		x.record(resp)
	}
	if err := checkAnswer(r, resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// checkAnswer is the policy every vendor answer passes before any client
// sees it: a redirect is refused. The bound on the answer's body is applied
// above, by safehttp.
func checkAnswer(_ *http.Request, resp *http.Response) error {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return ErrRedirect
	}
	return nil
}

// ReadBody reads a 2xx answer's body whole, refusing one longer than max
// bytes, with one allocation when the answer states its length. It is the
// one place answers are read for decoding.
func ReadBody(resp *http.Response, max int64) ([]byte, error) {
	if b, ok := safehttp.Buffered(resp.Body); ok && int64(len(b)) <= max {
		return b, nil // NewClient's client has read it already
	}
	if n := resp.ContentLength; n > 0 && n <= max {
		// net/http stops the body at its stated length.
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(buf)) > max {
		return nil, fmt.Errorf("the answer is longer than %d bytes", max)
	}
	return buf, nil
}

// RedactURL returns raw without its query, fragment and user info, for logs
// and errors: a presigned URL's query is a credential.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

// StatusError returns the error of a non-2xx answer that carries no vendor
// error the adapter understood: coded by CodeForStatus, naming the redirect
// target for a 3xx.
func StatusError(c provider.Call, x *Exchange, status int, requestID string) *errs.Error {
	e := &errs.Error{Code: CodeForStatus(status), Provider: c.Provider, Service: c.Service, Action: c.Action, HTTPStatus: status, RequestID: requestID}
	if status >= 300 && status < 400 {
		where := "elsewhere"
		if x != nil && x.Redirect() != "" {
			where = "to " + x.Redirect()
		}
		e.Message = fmt.Sprintf("the service redirected the call %s; vendor APIs never redirect, so the endpoint is wrong (check Options.Endpoints)", where)
	} else {
		e.Message = http.StatusText(status)
	}
	if e.Code == errs.Unknown {
		e.Code = errs.Internal
	}
	return e
}

// Classify turns an error of one attempt that is not yet a *errs.Error
// into one: a redirect or another status the Exchange saw is coded by
// CodeForStatus, a network failure is Unavailable, anything else Internal.
func Classify(c provider.Call, x *Exchange, err error) *errs.Error {
	if e := Attributed(c, x, err); e != nil {
		return e
	}
	status, rid := 0, ""
	if x != nil {
		status, rid = x.Answer()
	}
	if errors.Is(err, ErrRedirect) || status >= 300 && status < 400 {
		e := StatusError(c, x, status, rid)
		e.Err = ErrRedirect
		return e
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		if ue != nil {
			ue.URL = RedactURL(ue.URL)
		}
		return &errs.Error{Code: errs.Unavailable, Provider: c.Provider, Service: c.Service, Action: c.Action, Message: "could not reach the service", Err: err}
	}
	return &errs.Error{Code: errs.Internal, Provider: c.Provider, Service: c.Service, Action: c.Action, Err: err}
}

// attributed returns a copy of e (an error raised beneath the client, such
// as an over-cap answer) naming the call, its HTTP status and request id
// where e does not.
func attributed(c provider.Call, e *errs.Error, status int, rid string) *errs.Error {
	cp := *e
	if cp.Provider == "" {
		cp.Provider, cp.Service, cp.Action = c.Provider, c.Service, c.Action
	}
	if cp.HTTPStatus == 0 {
		cp.HTTPStatus = status
	}
	if cp.RequestID == "" {
		cp.RequestID = rid
	}
	return &cp
}

// Attributed is Classify for an error the caller knows holds a *errs.Error
// raised beneath the SDK (an over-cap or truncated answer, a refused
// redirect): that error, naming the call, or nil when err holds none. An
// SDK's classifier asks it first, so that its own codes (the Tencent SDK
// calls such a failure ClientError.NetworkError) do not hide it.
func Attributed(c provider.Call, x *Exchange, err error) *errs.Error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	status, rid := 0, ""
	if x != nil {
		status, rid = x.Answer()
	}
	return attributed(c, e, status, rid)
}
