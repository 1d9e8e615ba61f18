package tencent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/internal/transport"
)

// Vendor service names, as they appear in Job.Service, in errors and as
// keys of Options.Endpoints.
const (
	serviceTCSS = "tcss"
	serviceCVM  = "cvm"
	serviceCWP  = "cwp"
)

// services is the table of the Tencent services the adapter calls: name,
// public host and the API version of the actions sent through the common
// client (the CVM SDK client carries its own). A new service is a row here.
var services = []struct {
	name, host, version string
}{
	{serviceTCSS, "tcss.tencentcloudapi.com", "2020-11-01"},
	{serviceCVM, "cvm.tencentcloudapi.com", "2017-03-12"},
	{serviceCWP, "cwp.tencentcloudapi.com", "2018-02-28"},
}

// serviceNames lists the services of the table, in order.
func serviceNames() []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.name
	}
	return out
}

// regionPattern is the form of a Tencent Cloud region name, e.g. "ap-guangzhou".
var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// maxRegionLen bounds Options.Region (the longest region names are under
// 30 bytes; Huawei's adapter uses the same bound).
const maxRegionLen = 64

// endpoint is a parsed Options.Endpoints entry.
type endpoint struct {
	scheme string // "http" or "https"
	host   string // host[:port], optionally followed by a path
}

// parseEndpoints validates Options.Endpoints and fills in the defaults.
func parseEndpoints(in map[string]string) (map[string]endpoint, error) {
	given, err := transport.Endpoints(in, serviceNames())
	if err != nil {
		return nil, err
	}
	out := make(map[string]endpoint, len(services))
	for _, s := range services {
		out[s.name] = endpoint{scheme: "https", host: s.host}
		if u := given[s.name]; u != nil {
			out[s.name] = endpoint{scheme: u.Scheme, host: u.Host + u.Path}
		}
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

	mu          sync.Mutex
	cred        common.CredentialIface
	fingerprint string // of the resolved secret id
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
	l.fingerprint = transport.Fingerprint(c.GetSecretId())
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

// account returns Call.Account: the fingerprint of the access key id in
// use, or "" while the default chain has not resolved one.
func (p *Provider) account() string {
	if p.lazy == nil {
		return p.fingerprint
	}
	p.lazy.mu.Lock()
	defer p.lazy.mu.Unlock()
	return p.lazy.fingerprint
}

// call runs one vendor call through the attempt loop: send performs one
// attempt with the ctx it is given and returns the SDK's error, if any.
// The returned error is ctx's error when ctx ended the call, else a
// *provider.Error.
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
	return p.loop.Do(ctx, service, action, func(ctx context.Context) (err error) {
		defer sdkPanic(&err)
		return send(ctx)
	})
}

// sdkPanic turns a panic of the vendor SDK while it reads an answer into an
// Internal error: the SDK dereferences the decoded answer unchecked, so an
// answer of JSON null (found by FuzzPollAnswers) would otherwise crash the
// caller's program. The SDK has read and closed the body by then.
func sdkPanic(err *error) {
	if r := recover(); r != nil {
		*err = &errs.Error{Code: errs.Internal,
			Message: fmt.Sprintf("the answer is not the JSON the API sends (the vendor SDK failed on it: %v)", r)}
	}
}

// commonRequest is a TCSS action sent through the SDK's common client with
// our own typed parameters: the SDK signs and sends the JSON of params,
// encoded once (the SDK's CommonRequest would decode and re-encode it).
type commonRequest struct {
	*tchttp.BaseRequest
	params any
}

// MarshalJSON encodes the action's parameters.
func (r *commonRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.params) }

// commonResponse decodes the Response object of an answer straight into
// the caller's typed struct, once.
type commonResponse struct {
	*tchttp.BaseResponse
	Response any `json:"Response"`
}

// callCommon sends one action of service (version) through the SDK's
// generic client: in is encoded as the action's parameters, and the
// answer's Response object is decoded into out.
func (p *Provider) callCommon(ctx context.Context, service, action string, in, out any) error {
	version := ""
	for _, s := range services {
		if s.name == service {
			version = s.version
		}
	}
	return p.call(ctx, service, action, func(ctx context.Context) error {
		req := &commonRequest{BaseRequest: &tchttp.BaseRequest{}, params: in}
		req.Init().WithApiInfo(service, version, action)
		req.SetContext(ctx)
		return p.common[service].Send(req, &commonResponse{BaseResponse: &tchttp.BaseResponse{}, Response: out})
	})
}

// callTCSS sends one TCSS action; see callCommon.
func (p *Provider) callTCSS(ctx context.Context, action string, in, out any) error {
	return p.callCommon(ctx, serviceTCSS, action, in, out)
}

// newClients builds the common (generic) client of every service but CVM,
// and the typed CVM client, all sending through rt.
func newClients(cred common.CredentialIface, region string, eps map[string]endpoint, rt http.RoundTripper, timeout time.Duration) (map[string]*common.Client, *cvm.Client, error) {
	if common.DefaultHttpClient != nil {
		// The SDK would hand every client that shared *http.Client and then
		// modify it (Timeout, Transport); refuse rather than change a
		// client others use.
		return nil, nil, &errs.Error{Code: errs.FailedPrecondition, Provider: Name, Message: "common.DefaultHttpClient is set; the SDK would modify that shared client. Leave it nil and pass Options.HTTPClient instead"}
	}
	clients := map[string]*common.Client{}
	for _, s := range services {
		if s.name == serviceCVM {
			continue
		}
		c := newCommonClient(cred, region, clientProfile(eps[s.name], timeout))
		c.WithHttpTransport(rt)
		clients[s.name] = c
	}
	cc, err := cvm.NewClient(cred, region, clientProfile(eps[serviceCVM], timeout))
	if err != nil {
		return nil, nil, &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceCVM, Message: "create CVM client", Err: err}
	}
	cc.WithHttpTransport(rt)
	return clients, cc, nil
}

// cosDownloadHosts are the host patterns of the download links TCSS and
// CWP hand out ("*" stands for exactly one DNS label; see safehttp.Policy).
//
// Tencent's export links are presigned COS object URLs. Sources:
//   - TCSS DescribeExportJobResult, API doc example DownloadURL
//     "https://yunjing.cos.ap-guangzhou.myqcloud.com" (tencentcloud.com
//     document/api/1163/52909; /work/shared/vendor/tencent.md 2.1);
//   - COS default domains <bucket>.cos.<region>.myqcloud.com and, since
//     2024, <bucket>.cos.<region>.tencentcos.cn; the default CDN domain
//     <bucket>.file.myqcloud.com; global acceleration
//     <bucket>.cos.accelerate.myqcloud.com (COS SDK docs, tencentcloud.com
//     document/product/436/37880 and 436/38073).
//
// The intranet form <bucket>.cos-internal.<region>.tencentcos.cn is left
// out on purpose: it resolves to private addresses, which the dialer
// refuses for untrusted hosts. Callers inside Tencent Cloud whose COS names
// resolve to intranet addresses must say so through Options.AllowDownload.
//
// CWP ExportTasks documents DownloadUrl only as a "download URL"; that it is
// a COS link on the same domains is UNCONFIRMED (vulnerabilities.md calls it
// a presigned link), so CWP gets the same list.
// CVM writes into the caller's bucket and hands out no URL.
var cosDownloadHosts = []string{
	"*.cos.*.myqcloud.com",
	"*.cos.accelerate.myqcloud.com",
	"*.file.myqcloud.com",
	"*.cos.*.tencentcos.cn",
}

// checkDownloadHosts validates Options.DownloadHosts: each entry a host
// pattern the download policy can match (safehttp.PatternProblem).
func checkDownloadHosts(hosts []string) error {
	const want = `want a host name such as files.example.com, "*" standing for one label (*.cos.ap-guangzhou.myqcloud.com); use Options.AllowDownload for IP addresses`
	for i, h := range hosts {
		if why := safehttp.PatternProblem(h); why != "" {
			return errs.Invalid("Options.DownloadHosts[%d]: %q: %s; %s", i, errs.ClipTo(h, 300), why, want)
		}
	}
	return nil
}

// newFetchers returns the Fetcher of each service whose answers hand out
// URLs (TCSS DownloadURL, CWP DownloadUrl), under the download policy:
// the documented COS domains and Options.DownloadHosts over https, the
// configured endpoints' hosts, and what Options.AllowDownload accepts.
func newFetchers(opts Options, eps map[string]endpoint) map[string]*transport.Fetcher {
	var configured []string
	for k, v := range opts.Endpoints {
		if v != "" {
			configured = append(configured, eps[strings.ToLower(k)].scheme+"://"+eps[strings.ToLower(k)].host)
		}
	}
	hosts := append(slices.Clone(cosDownloadHosts), opts.DownloadHosts...)
	do := transport.DownloadOptions{Hosts: hosts, Allow: opts.AllowDownload, Endpoints: configured}
	return map[string]*transport.Fetcher{
		serviceTCSS: transport.NewFetcher(opts.HTTPClient, serviceTCSS, do),
		serviceCWP:  transport.NewFetcher(opts.HTTPClient, serviceCWP, do),
	}
}

// fetch downloads a vendor-given URL of service (a TCSS or CWP result
// file) through the download policy; see Download.
func (p *Provider) fetch(ctx context.Context, service string, f export.File) (io.ReadCloser, error) {
	return p.fetchers[service].Fetch(ctx, p.loop, actionDownload, f.URL)
}

// newCommonClient is the SDK's common.NewCommonClient.
var newCommonClient = common.NewCommonClient
