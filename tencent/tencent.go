package tencent

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/transport"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// Name is the provider's name, as Provider.Name returns it and as it appears
// in jobs, schedules and errors.
const Name = "tencent"

// Provider is the Tencent Cloud adapter. It implements provider.Provider and
// provider.Downloader. It is safe for concurrent use.
type Provider struct {
	front // Capabilities, CreateExportJob, PollJob, Download, GetScanSchedule

	region      string
	common      map[string]*common.Client // by service: every service but CVM
	cvm         *cvm.Client
	lazy        *lazyCredential               // nil when Options held static credentials
	fingerprint string                        // of Options.SecretID
	api         *http.Client                  // every API exchange: the SDK clients' transport; never a vendor-given URL (see fetch)
	fetchers    map[string]*transport.Fetcher // by service: vendor-given URLs (TCSS, CWP)
	loop        *transport.Loop
	log         *slog.Logger
}

var (
	_ provider.Provider   = (*Provider)(nil)
	_ provider.Downloader = (*Provider)(nil)
)

// front gives Provider the methods of provider.Provider (but Name) and
// provider.Downloader from the table.
type front = door.Front[*Provider]

// New returns a provider configured by opts. It checks opts but makes no
// network call: credentials from the SDK's default chain are resolved on the
// first call. It fails with ErrInvalidArgument when opts are malformed (an
// endpoint that is not an http or https base URL, a secret id without a key,
// a malformed region).
func New(opts Options) (*Provider, error) {
	if len(opts.Region) > maxRegionLen {
		return nil, errs.Invalid("Options.Region: %d bytes; want a Tencent Cloud region name of at most %d, such as ap-guangzhou", len(opts.Region), maxRegionLen)
	}
	if opts.Region != "" && !regionPattern.MatchString(opts.Region) {
		return nil, errs.Invalid("Options.Region: %q is not a Tencent Cloud region name such as ap-guangzhou", opts.Region)
	}
	if (opts.SecretID == "") != (opts.SecretKey == "") {
		return nil, errs.Invalid("Options.SecretID and Options.SecretKey: give both, or neither to use the SDK's default credential chain")
	}
	if opts.Token != "" && opts.SecretID == "" {
		return nil, errs.Invalid("Options.Token: a token needs Options.SecretID and Options.SecretKey")
	}
	if err := check.Rate("Options.RateLimit", opts.RateLimit, "the default of 20 requests per second"); err != nil {
		return nil, errs.Attribute(err, Name, "")
	}
	eps, err := parseEndpoints(opts.Endpoints)
	if err != nil {
		return nil, err
	}
	if err := checkDownloadHosts(opts.DownloadHosts); err != nil {
		return nil, err
	}

	p := &Provider{
		region:      opts.Region,
		fingerprint: transport.Fingerprint(opts.SecretID),
		api:         transport.NewClient(opts.HTTPClient),
		log:         opts.Logger,
	}
	retry := opts.Retry
	if retry.Retryable == nil {
		retry.Retryable = throttled
	}
	p.loop = &transport.Loop{Provider: Name, Region: opts.Region, Limiter: transport.NewLimiter(opts.Limiter, opts.RateLimit),
		Retry: retry, Log: opts.Logger, Account: p.account, Classify: classify}

	var cred common.CredentialIface
	if opts.SecretID != "" {
		cred = common.NewTokenCredential(opts.SecretID, opts.SecretKey, opts.Token)
	} else {
		p.lazy = &lazyCredential{chain: common.DefaultProviderChain()}
		cred = p.lazy
	}
	var timeout time.Duration
	if opts.HTTPClient != nil {
		timeout = opts.HTTPClient.Timeout
	}
	p.common, p.cvm, err = newClients(cred, opts.Region, eps, p.api.Transport, timeout)
	if err != nil {
		return nil, err
	}
	p.fetchers = newFetchers(opts, eps)
	p.front = door.Bind(table, p)
	return p, nil
}

// Name returns "tencent".
func (p *Provider) Name() string { return Name }

// table is the adapter's front door: the table of the export kinds and
// schedules it serves, from which Capabilities, the request, job and query
// checks and the dispatch all follow. A new kind is a row here.
var table = &door.Door[*Provider]{
	Provider: Name,
	Kinds: []door.Kind[*Provider]{
		{Kind: export.KindComponents, Service: serviceTCSS, Spec: componentSpec,
			Create: (*Provider).createComponents, Poll: (*Provider).pollComponents, Download: (*Provider).downloadURL},
		{Kind: export.KindMachineImages, Service: serviceCVM, Spec: imageSpec,
			Create: (*Provider).createImages, Poll: (*Provider).pollImages, Download: (*Provider).downloadImages},
		{Kind: export.KindVulnerabilities, Service: serviceCWP, Spec: vulnSpec,
			Create: (*Provider).createVulns, Poll: (*Provider).pollVulns, Download: (*Provider).downloadURL},
	},
	Schedules: []door.Schedule[*Provider]{
		{Kind: scan.RegistryImages, Service: serviceTCSS, Read: (*Provider).registrySchedule},
		{Kind: scan.HostVulnerabilities, Service: serviceCWP, Read: (*Provider).hostVulSchedule},
	},
}

func (p *Provider) registrySchedule(ctx context.Context) (scan.Schedule, error) {
	t, err := p.RegistryScanTask(ctx)
	if err != nil {
		return scan.Schedule{}, err
	}
	return t.Schedule(), nil
}

// CommonClient returns the SDK's generic client of one service this
// provider calls through it, "tcss" or "cwp", configured as As describes,
// for actions this library does not model. Another service is an
// ErrInvalidArgument naming the ones there are.
func (p *Provider) CommonClient(service string) (*common.Client, error) {
	if c, ok := p.common[service]; ok && service != "" {
		return c, nil
	}
	names := make([]string, 0, len(p.common))
	for s := range p.common {
		names = append(names, strconv.Quote(s))
	}
	slices.Sort(names)
	return nil, &errs.Error{Code: errs.InvalidArgument, Provider: Name, Message: fmt.Sprintf("CommonClient: service %q is not one called through the generic client; use %s (CVM has its typed client: As(**v20170312.Client))", service, strings.Join(names, " or "))}
}

// As exposes the vendor SDK clients for calls this library does not model:
// target may be a **common.Client (the TCSS generic client; CommonClient
// gives CWP's) or a **v20170312.Client (the CVM client). Both are
// configured with this provider's endpoints, credentials and transport,
// and with the SDK's own retries off. It reports whether target was set.
func (p *Provider) As(target any) bool {
	switch t := target.(type) {
	case **common.Client:
		*t = p.common[serviceTCSS]
		return true
	case **cvm.Client:
		*t = p.cvm
		return true
	}
	return false
}
