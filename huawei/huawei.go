package huawei

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	hwprovider "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/transport"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// Name is the provider name reported by Name, in Job.Provider and in errors.
const Name = "huawei"

// The services the adapter calls, as they appear in Job.Service, in errors
// and as keys of Options.Endpoints.
const (
	ServiceHSS  = "hss"
	ServiceROMA = "roma"
)

// The environment variables the SDK's credential providers read.
const (
	envAK              = "HUAWEICLOUD_SDK_AK"
	envSK              = "HUAWEICLOUD_SDK_SK"
	envSecurityToken   = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	envProjectID       = "HUAWEICLOUD_SDK_PROJECT_ID"
	envCredentialsFile = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
)

// Provider is the Huawei Cloud adapter. It implements provider.Provider and
// provider.Downloader. It is safe for concurrent use.
type Provider struct {
	region     string
	projectID  string
	entProject string
	romaInst   string
	endpoints  map[string]*url.URL
	client     *http.Client
	cred       *auth.BasicCredentials
	loop       *transport.Loop

	// serialWait tunes how CreateExportJob waits for the previous ROMA job
	// of an instance to end.
	serialWait provider.WaitOptions

	mu         sync.Mutex
	instances  map[string]*romaInstance // by project id + "/" + instance id
	downloaded map[string]bool          // ROMA archives: true = served, false = being fetched
}

var _ provider.Provider = (*Provider)(nil)
var _ provider.Downloader = (*Provider)(nil)

// New returns a provider for opts. It does not touch the network.
//
// Credentials come from opts.AK/SK/SecurityToken, else from the SDK's
// providers (the environment variables HUAWEICLOUD_SDK_AK, _SK,
// _SECURITY_TOKEN, then the profile file); the project id from
// opts.ProjectID, else HUAWEICLOUD_SDK_PROJECT_ID or the profile's
// project_id. Missing credentials or project id are a FailedPrecondition
// error naming what is missing; inconsistent options (AK without SK, a bad
// endpoint URL, no region when an endpoint must be derived) are
// InvalidArgument.
func New(opts Options) (*Provider, error) {
	ak, sk, token, project, err := resolveCredentials(opts)
	if err != nil {
		return nil, err
	}
	cred, err := auth.NewBasicCredentialsBuilder().WithAk(ak).WithSk(sk).WithSecurityToken(token).WithProjectId(project).SafeBuild()
	if err != nil {
		// The SDK's messages name fields, never their values.
		return nil, &provider.Error{Code: provider.InvalidArgument, Provider: Name, Message: "credentials: " + err.Error()}
	}
	eps, err := resolveEndpoints(opts)
	if err != nil {
		return nil, err
	}
	if opts.ROMAInstanceID != "" {
		if err := checkID("Options.ROMAInstanceID", opts.ROMAInstanceID, 64); err != nil {
			return nil, err
		}
	}
	if opts.EnterpriseProject != "" {
		if err := checkID("Options.EnterpriseProject", opts.EnterpriseProject, 256); err != nil {
			return nil, err
		}
	}
	if opts.RateLimit < 0 {
		return nil, invalid("Options.RateLimit: %v is negative; use 0 for the default of 20 requests per second per action", opts.RateLimit)
	}
	p := &Provider{
		region:     opts.Region,
		projectID:  project,
		entProject: opts.EnterpriseProject,
		romaInst:   opts.ROMAInstanceID,
		endpoints:  eps,
		client:     transport.NewClient(opts.HTTPClient),
		cred:       cred,
		serialWait: provider.WaitOptions{MinDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second},
		instances:  map[string]*romaInstance{},
		downloaded: map[string]bool{},
	}
	account := transport.Fingerprint(ak)
	p.loop = &transport.Loop{Provider: Name, Region: opts.Region, Limiter: transport.NewLimiter(opts.Limiter, opts.RateLimit),
		Retry: opts.Retry, Log: opts.Logger, Account: func() string { return account }}
	return p, nil
}

// resolveCredentials finds AK, SK, security token and project id in opts,
// then the SDK's environment provider, then its profile provider.
func resolveCredentials(o Options) (ak, sk, token, project string, err error) {
	switch {
	case o.AK != "" && o.SK != "":
		ak, sk, token = o.AK, o.SK, o.SecurityToken
	case o.AK != "" || o.SK != "":
		missing := "Options.SK"
		if o.AK == "" {
			missing = "Options.AK"
		}
		return "", "", "", "", invalid("credentials: Options.AK and Options.SK go together; %s is empty", missing)
	default:
		c, why := chainCredentials()
		if c == nil {
			return "", "", "", "", &provider.Error{Code: provider.PermissionDenied, Provider: Name,
				Message: fmt.Sprintf("no credentials: set Options.AK and Options.SK, or the environment variables %s and %s (and %s for temporary credentials), or ak/sk in the profile file ~/.huaweicloud/credentials (path in %s): %s",
					envAK, envSK, envSecurityToken, envCredentialsFile, why)}
		}
		if c.AK == "" || c.SK == "" {
			return "", "", "", "", &provider.Error{Code: provider.PermissionDenied, Provider: Name,
				Message: fmt.Sprintf("the SDK's credential providers found federated credentials (IdpId/IdTokenFile), which this adapter does not support; set %s and %s or Options.AK and Options.SK", envAK, envSK)}
		}
		ak, sk, token, project = c.AK, c.SK, c.SecurityToken, c.ProjectId
	}
	if o.ProjectID != "" {
		project = o.ProjectID
	}
	if project == "" {
		project = os.Getenv(envProjectID)
	}
	if project == "" {
		if c, err := hwprovider.BasicCredentialProfileProvider().GetCredentials(); err == nil {
			if bc, ok := c.(*auth.BasicCredentials); ok {
				project = bc.ProjectId
			}
		}
	}
	if project == "" {
		return "", "", "", "", &provider.Error{Code: provider.FailedPrecondition, Provider: Name,
			Message: fmt.Sprintf("no project id: set Options.ProjectID, the environment variable %s, or project_id in the profile file ~/.huaweicloud/credentials (path in %s)", envProjectID, envCredentialsFile)}
	}
	if err := checkID("Options.ProjectID", project, 64); err != nil {
		return "", "", "", "", err
	}
	return ak, sk, token, project, nil
}

// chainCredentials asks the SDK's environment provider, then its profile
// provider. It returns nil and the reasons when neither has credentials.
func chainCredentials() (*auth.BasicCredentials, string) {
	var why []string
	for _, src := range []struct {
		name string
		get  func() (auth.ICredential, error)
	}{
		{"environment", hwprovider.BasicCredentialEnvProvider().GetCredentials},
		{"profile", hwprovider.BasicCredentialProfileProvider().GetCredentials},
	} {
		c, err := src.get()
		if err != nil {
			why = append(why, src.name+": "+err.Error())
			continue
		}
		if bc, ok := c.(*auth.BasicCredentials); ok {
			return bc, ""
		}
		why = append(why, src.name+": not basic credentials")
	}
	return nil, strings.Join(why, "; ")
}

var regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// resolveEndpoints returns the base URL of every service: Options.Endpoints
// where given, else the public endpoint of the region.
func resolveEndpoints(o Options) (map[string]*url.URL, error) {
	if o.Region != "" && (!regionPattern.MatchString(o.Region) || len(o.Region) > 64) {
		return nil, invalid("Options.Region: %q is not a region id such as \"cn-north-4\"", o.Region)
	}
	known := []string{ServiceHSS, ServiceROMA}
	out, err := transport.Endpoints(o.Endpoints, known)
	if err != nil {
		return nil, err
	}
	for _, svc := range known {
		if out[svc] != nil {
			continue
		}
		if o.Region == "" {
			return nil, invalid("Options.Region: required unless Options.Endpoints gives both %q and %q (e.g. \"cn-north-4\")", ServiceHSS, ServiceROMA)
		}
		u, _ := url.Parse(defaultEndpoint(svc, o.Region))
		out[svc] = u
	}
	return out, nil
}

// defaultEndpoint is the public endpoint of svc in region, following the
// SDK's region tables (eu-west-101 lives under myhuaweicloud.eu).
func defaultEndpoint(svc, region string) string {
	domain := "myhuaweicloud.com"
	if region == "eu-west-101" {
		domain = "myhuaweicloud.eu"
	}
	return "https://" + svc + "." + region + "." + domain
}

// checkID validates an identifier that goes into a URL path or query.
func checkID(field, v string, max int) error {
	if v == "" {
		return invalid("%s: empty; want 1 to %d characters", field, max)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalid("%s: %d characters; want at most %d", field, n, max)
	}
	if strings.ContainsAny(v, "/?#%\\") || strings.IndexFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return invalid("%s: %q holds a character not allowed in an id (/ ? # %% \\ or a control character)", field, v)
	}
	return nil
}

// Name returns "huawei".
func (p *Provider) Name() string { return Name }

// Capabilities reports the exports and schedules the adapter serves, derived
// from its translation tables: containers (HSS ExportContainerList: up to
// 100000 rows, no offset, no sort), assets (ROMA ExportAsset: at most 100 app
// and task ids per job, one job per instance at a time), and the
// registry-image and host-vulnerability scan schedules.
func (p *Provider) Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Exports: map[export.Kind]provider.Limits{
			export.KindContainers: {
				MaxLimit: maxExportSize,
				Offset:   false,
				Sort:     false,
				Filters:  containerFilters.Names(),
				Columns:  containerColumns.Keys(),
			},
			export.KindAssets: {
				MaxIDs:      maxAssetIDs,
				Concurrency: 1,
			},
		},
		Schedules: scheduleKinds(),
	}
}

// CreateExportJob validates req and starts one export job: HSS
// ExportContainerList for export.Containers, ROMA Connect ExportAsset for
// export.Assets. Other targets are Unsupported. A request that fails
// validation is InvalidArgument and nothing is sent. A DryRun request is
// validated locally only (neither vendor has a dry run) and returns a Job
// without an ID.
//
// ROMA allows one running export job per instance: a create for an instance
// waits (honouring ctx) until the previous job this Provider started there
// has ended.
func (p *Provider) CreateExportJob(ctx context.Context, req export.Request) (export.Job, error) {
	switch t := req.Target.(type) {
	case export.Containers:
		job, err := p.createContainers(ctx, req, t)
		return job, errs.Attribute(err, Name, ServiceHSS)
	case export.Assets:
		job, err := p.createAssets(ctx, req, t)
		return job, errs.Attribute(err, Name, ServiceROMA)
	case nil:
		return export.Job{}, invalid("Target: no target given; want export.Containers or export.Assets")
	default:
		return export.Job{}, &provider.Error{Code: provider.Unsupported, Provider: Name,
			Message: fmt.Sprintf("huawei does not serve %s exports; it serves %s and %s", t.Kind(), export.KindContainers, export.KindAssets)}
	}
}

// PollJob reports the job's status: HSS ListQueryExportTask for containers,
// ROMA CheckAssetJobStatus for assets. A job that ended in failure is a
// Status with StateFailed, not an error.
func (p *Provider) PollJob(ctx context.Context, job export.Job) (export.Status, error) {
	if err := p.checkJob(job); err != nil {
		return export.Status{}, err
	}
	switch job.Kind {
	case export.KindContainers:
		return p.pollContainers(ctx, job)
	default:
		return p.pollAssets(ctx, job)
	}
}

// Download opens one result file of a finished job, streamed: HSS
// ListDownloadExportedFile (f.ID is the file_id) or ROMA DownloadAssetArchive
// (f.ID is the archive_id). ctx governs reading the body too. ROMA serves an
// archive once: a second Download of an archive this Provider already fetched
// is FailedPrecondition, and nothing is sent.
func (p *Provider) Download(ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error) {
	if err := p.checkJob(job); err != nil {
		return nil, err
	}
	switch job.Kind {
	case export.KindContainers:
		return p.downloadContainers(ctx, job, f)
	default:
		return p.downloadAssets(ctx, job, f)
	}
}

// checkJob checks that job was made by this adapter and that the ids its
// calls put in a path are safe: ID, the project and, for assets, the ROMA
// instance.
func (p *Provider) checkJob(job export.Job) error {
	if job.Provider != Name {
		return invalid("Job.Provider: %q; want %q (a job of another provider)", job.Provider, Name)
	}
	switch {
	case job.Kind == export.KindContainers && job.Service == ServiceHSS:
	case job.Kind == export.KindAssets && job.Service == ServiceROMA:
	default:
		return invalid("Job: kind %q with service %q; want %s/%s or %s/%s", job.Kind, job.Service, export.KindContainers, ServiceHSS, export.KindAssets, ServiceROMA)
	}
	if err := checkID("Job.ID", job.ID, 128); err != nil {
		return err
	}
	if pid := job.Scope["project_id"]; pid != "" {
		if err := checkID(`Job.Scope["project_id"]`, pid, 64); err != nil {
			return err
		}
	}
	if job.Kind == export.KindAssets {
		return checkID(`Job.Scope["instance_id"]`, job.Scope["instance_id"], maxInstanceLen)
	}
	return nil
}

// jobProject is the project a job lives in: its scope's, else the provider's.
func (p *Provider) jobProject(job export.Job) string {
	if pid := job.Scope["project_id"]; pid != "" {
		return pid
	}
	return p.projectID
}

// statusFrom starts the Status of job from the vendor's status word, looked
// up in table: no progress yet, and an unknown word leaves the job running
// with "unknown <what> <word>" in Message.
func statusFrom(job export.Job, table vocab.Enums, what, word string) export.Status {
	st := export.Status{Job: job, State: export.StateRunning, Progress: -1}
	if state, ok := table.ToNeutral(word); ok {
		st.State = export.State(state)
	} else {
		st.Message = fmt.Sprintf("unknown %s %q", what, word)
	}
	return st
}

// As exposes what this library does not model. It supports **http.Client
// (the client requests go through). For vendor fields with no neutral home
// see ImageScanPolicy and VulScanPolicy. It reports whether target was set.
func (p *Provider) As(target any) bool {
	switch t := target.(type) {
	case **http.Client:
		*t = p.client
		return true
	}
	return false
}

func invalid(format string, args ...any) *provider.Error {
	return &provider.Error{Code: provider.InvalidArgument, Provider: Name, Message: fmt.Sprintf(format, args...)}
}

func scheduleKinds() []scan.Kind {
	out := make([]scan.Kind, len(schedules))
	for i, s := range schedules {
		out[i] = s.kind
	}
	return out
}
