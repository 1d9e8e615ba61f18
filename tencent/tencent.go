package tencent

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/export"
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
	region      string
	common      map[string]*common.Client // by service: every service but CVM
	cvm         *cvm.Client
	lazy        *lazyCredential // nil when Options held static credentials
	fingerprint string          // of Options.SecretID
	http        *http.Client    // every vendor exchange: the SDK clients' transport, and Download
	loop        *transport.Loop
	log         *slog.Logger
}

var (
	_ provider.Provider   = (*Provider)(nil)
	_ provider.Downloader = (*Provider)(nil)
)

// New returns a provider configured by opts. It checks opts but makes no
// network call: credentials from the SDK's default chain are resolved on the
// first call. It fails with ErrInvalidArgument when opts are malformed (an
// endpoint that is not an http or https base URL, a secret id without a key,
// a malformed region).
func New(opts Options) (*Provider, error) {
	if opts.Region != "" && !regionPattern.MatchString(opts.Region) {
		return nil, errs.Invalid("Options.Region: %q is not a Tencent Cloud region name such as ap-guangzhou", opts.Region)
	}
	if (opts.SecretID == "") != (opts.SecretKey == "") {
		return nil, errs.Invalid("Options.SecretID and Options.SecretKey: give both, or neither to use the SDK's default credential chain")
	}
	if opts.Token != "" && opts.SecretID == "" {
		return nil, errs.Invalid("Options.Token: a token needs Options.SecretID and Options.SecretKey")
	}
	if opts.RateLimit < 0 {
		return nil, errs.Invalid("Options.RateLimit: %v is negative; use 0 for the default of 20 requests per second", opts.RateLimit)
	}
	eps, err := parseEndpoints(opts.Endpoints)
	if err != nil {
		return nil, err
	}

	p := &Provider{
		region:      opts.Region,
		fingerprint: transport.Fingerprint(opts.SecretID),
		http:        transport.NewClient(opts.HTTPClient),
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
	p.common, p.cvm, err = newClients(cred, opts.Region, eps, p.http.Transport, timeout)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Name returns "tencent".
func (p *Provider) Name() string { return Name }

// Capabilities reports the export kinds served (components through TCSS,
// machine-images through CVM) and the registry-images schedule. The filter
// and column lists come from the same tables that translate requests.
func (p *Provider) Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Exports: map[export.Kind]provider.Limits{
			export.KindComponents: {
				MaxLimit: componentMaxLimit,
				Offset:   true,
				Sort:     true,
				Filters:  componentFilters.Names(),
				Columns:  componentColumns.Keys(),
			},
			export.KindMachineImages: {},
		},
		Schedules: []scan.Kind{scan.RegistryImages},
	}
}

// CreateExportJob validates req and starts one job: TCSS
// CreateComponentExportJob for export.Components, CVM ExportImages for
// export.MachineImages. A request that fails validation is rejected with
// ErrInvalidArgument and nothing is sent; other kinds are ErrUnsupported.
//
// DryRun: components are validated locally only (TCSS has no dry run) and
// machine images are checked by CVM (ExportImages with DryRun); both return
// a zero Job and a nil error when the request would be accepted.
func (p *Provider) CreateExportJob(ctx context.Context, req export.Request) (export.Job, error) {
	switch t := req.Target.(type) {
	case export.Components:
		job, err := p.createComponents(ctx, t, req)
		return job, errs.Attribute(err, Name, serviceTCSS)
	case export.MachineImages:
		job, err := p.createImages(ctx, t, req)
		return job, errs.Attribute(err, Name, serviceCVM)
	case nil:
		return export.Job{}, errs.Attribute(errs.Invalid("Target: no target given; want export.Components or export.MachineImages"), Name, "")
	default:
		return export.Job{}, &errs.Error{Code: errs.Unsupported, Provider: Name, Message: fmt.Sprintf("tencent does not serve %s exports; it serves components (TCSS) and machine-images (CVM)", t.Kind())}
	}
}

// PollJob reports a job's status: TCSS DescribeExportJobResult for
// components, CVM DescribeImages over the exported images for machine
// images. A job that ended in failure is a Status with StateFailed.
func (p *Provider) PollJob(ctx context.Context, job export.Job) (export.Status, error) {
	if err := checkJob(job); err != nil {
		return export.Status{}, err
	}
	switch job.Kind {
	case export.KindComponents:
		return p.pollComponents(ctx, job)
	default:
		return p.pollImages(ctx, job)
	}
}

// jobServices names the service whose jobs each export kind is.
var jobServices = map[export.Kind]string{
	export.KindComponents:    serviceTCSS,
	export.KindMachineImages: serviceCVM,
}

// checkJob validates a job handed back by a caller.
func checkJob(job export.Job) error {
	if job.Provider != Name {
		return errs.Invalid("Job.Provider: %q is not a tencent job", job.Provider)
	}
	if job.ID == "" {
		return errs.Invalid("Job.ID: empty; pass a job returned by CreateExportJob or export.ParseToken")
	}
	if svc, ok := jobServices[job.Kind]; !ok || svc != job.Service {
		return errs.Invalid("Job: kind %q on service %q is not a tencent job; want components on tcss or machine-images on cvm", job.Kind, job.Service)
	}
	return nil
}

// GetScanSchedule reads the registry-images timed scan (TCSS
// DescribeImageRegistryTimingScanTask). Other kinds are ErrUnsupported.
func (p *Provider) GetScanSchedule(ctx context.Context, q scan.Query) (scan.Schedule, error) {
	switch q.Kind {
	case scan.RegistryImages:
		t, err := p.RegistryScanTask(ctx)
		if err != nil {
			return scan.Schedule{}, err
		}
		return t.Schedule(), nil
	case "":
		return scan.Schedule{}, errs.Invalid("Query.Kind: empty; want %s", scan.RegistryImages)
	default:
		return scan.Schedule{}, &errs.Error{Code: errs.Unsupported, Provider: Name, Message: fmt.Sprintf("tencent serves %s schedules only, not %s", scan.RegistryImages, q.Kind)}
	}
}

// As exposes the vendor SDK clients for calls this library does not model:
// target may be a **common.Client (the TCSS generic client) or a
// **v20170312.Client (the CVM client). Both are configured with this
// provider's endpoints, credentials and transport, and with the SDK's own
// retries off. It reports whether target was set.
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
