package tencent

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/provider"
)

// Vendor service names and API versions.
const (
	serviceTCSS = "tcss"
	serviceCVM  = "cvm"
	versionTCSS = "2020-11-01"

	defaultHostTCSS = "tcss.tencentcloudapi.com"
	defaultHostCVM  = "cvm.tencentcloudapi.com"
)

// regionPattern is the form of a Tencent Cloud region name, e.g. "ap-guangzhou".
var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// endpoint is a parsed Options.Endpoints entry.
type endpoint struct {
	scheme string // "http" or "https"
	host   string // host[:port], optionally followed by a path
}

// parseEndpoints validates Options.Endpoints and fills in the defaults.
func parseEndpoints(in map[string]string) (map[string]endpoint, error) {
	out := map[string]endpoint{
		serviceTCSS: {scheme: "https", host: defaultHostTCSS},
		serviceCVM:  {scheme: "https", host: defaultHostCVM},
	}
	for k, v := range in {
		if k != serviceTCSS && k != serviceCVM {
			return nil, errs.Invalid("Options.Endpoints: unknown service %q; want tcss or cvm", k)
		}
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil {
			return nil, errs.Invalid("Options.Endpoints[%q]: %q is not a URL; want a base URL such as https://%s.tencentcloudapi.com", k, v, k)
		}
		scheme := strings.ToLower(u.Scheme)
		if scheme != "http" && scheme != "https" {
			return nil, errs.Invalid("Options.Endpoints[%q]: scheme %q is not allowed; want http or https (e.g. http://127.0.0.1:9000)", k, u.Scheme)
		}
		if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, errs.Invalid("Options.Endpoints[%q]: want scheme://host[:port][/path] with no user, query or fragment", k)
		}
		host := u.Host
		if p := strings.TrimRight(u.Path, "/"); p != "" {
			host += p
		}
		out[k] = endpoint{scheme: scheme, host: host}
	}
	return out, nil
}

// clientProfile returns the SDK profile for one service: our endpoint, POST,
// TC3-HMAC-SHA256, English messages, and every SDK retry and the region
// breaker off (retries are ours).
func clientProfile(ep endpoint, timeout time.Duration) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.ReqMethod = "POST"
	cpf.HttpProfile.Scheme = strings.ToUpper(ep.scheme)
	cpf.HttpProfile.Endpoint = ep.host
	if timeout > 0 {
		secs := int((timeout + time.Second - 1) / time.Second)
		cpf.HttpProfile.ReqTimeout = secs
	}
	cpf.SignMethod = "TC3-HMAC-SHA256"
	cpf.Language = "en-US"
	cpf.DisableRegionBreaker = true
	cpf.RateLimitExceededMaxRetries = 0
	cpf.NetworkFailureMaxRetries = 0
	cpf.UnsafeRetryOnConnectionFailure = false
	return cpf
}

// lazyCredential resolves credentials from a provider chain on first use,
// in the caller's goroutine, and caches the result. It implements the SDK's
// CredentialIface so the SDK signs with it; resolve must have succeeded
// before a request is sent.
type lazyCredential struct {
	chain common.Provider

	mu   sync.Mutex
	cred common.CredentialIface
}

func (l *lazyCredential) resolve() *errs.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cred != nil {
		return nil
	}
	c, err := l.chain.GetCredential()
	if err != nil {
		msg := "no credentials: set Options.SecretID and Options.SecretKey, or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or a ~/.tencentcloud/credentials profile, or run on a CVM with a role"
		var se *tcerr.TencentCloudSDKError
		if errors.As(err, &se) {
			msg += " (" + se.Message + ")"
		}
		return &errs.Error{Code: errs.PermissionDenied, Provider: Name, VendorCode: "ClientError.CredentialError", Message: msg}
	}
	l.cred = c
	return nil
}

// get returns the resolved credential, resolving it first if no call has yet
// (a caller of the SDK clients reached through As), or nil.
func (l *lazyCredential) get() common.CredentialIface {
	_ = l.resolve()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cred
}

func (l *lazyCredential) GetSecretId() string {
	if c := l.get(); c != nil {
		return c.GetSecretId()
	}
	return ""
}

func (l *lazyCredential) GetSecretKey() string {
	if c := l.get(); c != nil {
		return c.GetSecretKey()
	}
	return ""
}

func (l *lazyCredential) GetToken() string {
	if c := l.get(); c != nil {
		return c.GetToken()
	}
	return ""
}

func (l *lazyCredential) GetCredential() (string, string, string) {
	if c := l.get(); c != nil {
		return c.GetCredential()
	}
	return "", "", ""
}

// callInfoKey is the context key under which a call's *callInfo travels to
// the transport.
type callInfoKey struct{}

// callInfo is what the transport learns about the HTTP exchange of one call.
type callInfo struct {
	mu        sync.Mutex
	status    int
	requestID string
}

func (c *callInfo) get() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.requestID
}

// recordingTransport notes the HTTP status and request id of each answer in
// the call's callInfo, so errors can carry them even where the SDK drops them.
type recordingTransport struct{ base http.RoundTripper }

func (t recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		if ci, ok := r.Context().Value(callInfoKey{}).(*callInfo); ok {
			ci.mu.Lock()
			ci.status = resp.StatusCode
			ci.requestID = resp.Header.Get("X-TC-RequestId")
			ci.mu.Unlock()
		}
	}
	return resp, err
}

// rawResponse is an SDK response that keeps the body as it came, so we
// decode it into our own typed structs with encoding/json (exact integers).
type rawResponse struct {
	*tchttp.BaseResponse
	body []byte
}

func newRawResponse() *rawResponse { return &rawResponse{BaseResponse: &tchttp.BaseResponse{}} }

// UnmarshalJSON keeps the body.
func (r *rawResponse) UnmarshalJSON(b []byte) error {
	r.body = append(r.body[:0], b...)
	return nil
}

// envelope is the {"Response": {...}} wrapper of every API 3.0 answer.
type envelope struct {
	Response json.RawMessage `json:"Response"`
}

// decode unmarshals the Response object of body into out.
func decode(body []byte, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return err
	}
	if len(env.Response) == 0 {
		return errors.New("answer has no Response object")
	}
	return json.Unmarshal(env.Response, out)
}

// call runs one vendor call with rate limiting, retries and error mapping.
// send performs one attempt with the given ctx (which carries the callInfo)
// and returns the SDK's error, if any. The returned error is ctx's error when
// ctx ended the call (RetryPolicy.Do sees to that), else a *provider.Error.
func (p *Provider) call(ctx context.Context, service, action string, send func(ctx context.Context) error) error {
	// Checked before the credential chain, which may reach the network
	// without a ctx.
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.lazy != nil {
		if err := p.lazy.resolve(); err != nil {
			err.Service, err.Action = service, action
			return err
		}
	}
	attempt := 0
	return p.retry.Do(ctx, func(ctx context.Context) error {
		attempt++
		if err := p.limiter.Wait(ctx, provider.Call{Provider: Name, Region: p.region, Service: service, Action: action}); err != nil {
			return err
		}
		ci := &callInfo{}
		start := time.Now()
		err := send(context.WithValue(ctx, callInfoKey{}, ci))
		status, rid := ci.get()
		if err == nil {
			p.debug(ctx, "tencent call", "service", service, "action", action, "attempt", attempt, "status", status, "request_id", rid, "duration", time.Since(start))
			return nil
		}
		if ctx.Err() != nil {
			// The caller ended the call: nothing to map or log, and Do
			// reports ctx.Err().
			return err
		}
		perr := mapError(service, action, err, status, rid)
		p.debug(ctx, "tencent call failed", "service", service, "action", action, "attempt", attempt, "status", status, "request_id", perr.RequestID, "vendor_code", perr.VendorCode, "code", perr.Code.String(), "duration", time.Since(start))
		return perr
	})
}

// callTCSS sends one TCSS action through the SDK's generic client: in is
// marshalled to JSON as the action's parameters, and the answer's Response
// object is decoded into out.
func (p *Provider) callTCSS(ctx context.Context, action string, in, out any) error {
	params, err := json.Marshal(in)
	if err != nil {
		return &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceTCSS, Action: action, Message: "encode request", Err: err}
	}
	var body []byte
	err = p.call(ctx, serviceTCSS, action, func(ctx context.Context) error {
		req := tchttp.NewCommonRequest(serviceTCSS, versionTCSS, action)
		req.SetContext(ctx)
		if err := req.SetActionParameters(params); err != nil {
			return err
		}
		resp := newRawResponse()
		if err := p.tcss.Send(req, resp); err != nil {
			return err
		}
		body = resp.body
		return nil
	})
	if err != nil {
		return err
	}
	if err := decode(body, out); err != nil {
		return &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceTCSS, Action: action, Message: "malformed answer", Err: err}
	}
	return nil
}

// newClients builds the TCSS (generic) and CVM (typed) SDK clients.
func newClients(cred common.CredentialIface, region string, eps map[string]endpoint, rt http.RoundTripper, timeout time.Duration) (*common.Client, *cvm.Client, error) {
	if common.DefaultHttpClient != nil {
		// The SDK would hand every client that shared *http.Client and then
		// modify it (Timeout, Transport); refuse rather than change a
		// client others use.
		return nil, nil, &errs.Error{Code: errs.FailedPrecondition, Provider: Name, Message: "common.DefaultHttpClient is set; the SDK would modify that shared client. Leave it nil and pass Options.HTTPClient instead"}
	}
	tc := common.NewCommonClient(cred, region, clientProfile(eps[serviceTCSS], timeout))
	tc.WithHttpTransport(rt)
	cc, err := cvm.NewClient(cred, region, clientProfile(eps[serviceCVM], timeout))
	if err != nil {
		return nil, nil, &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceCVM, Message: "create CVM client", Err: err}
	}
	cc.WithHttpTransport(rt)
	return tc, cc, nil
}

// debug logs at debug level when a logger is configured. Callers pass no
// secret, no request body and no presigned URL.
func (p *Provider) debug(ctx context.Context, msg string, args ...any) {
	if p.log != nil {
		p.log.Log(ctx, slog.LevelDebug, msg, args...)
	}
}

// redactURL returns u without its query, fragment and user info, for logs
// and errors: a presigned URL's query is a credential.
func redactURL(raw string) string {
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
