package huawei

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	hwprovider "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/door"
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
	front // Capabilities, CreateExportJob, PollJob, Download, GetScanSchedule

	region     string
	projectID  string
	entProject string
	romaInst   string
	endpoints  map[string]endpoint // by service
	client     *http.Client
	cred       *auth.BasicCredentials
	loop       *transport.Loop

	// ExportContainerList's path in projectID and its usual query, built
	// once (see containersQuery); never changed.
	containersPath         string
	containersDefaultQuery url.Values

	// serialWait tunes how CreateExportJob waits for the previous ROMA job
	// of an instance to end.
	serialWait provider.WaitOptions

	roma romaLeases // ROMA's one running job per instance (lease.go)

	mu         sync.Mutex
	downloaded map[string]bool // ROMA archives: true = served, false = being fetched
}

var _ provider.Provider = (*Provider)(nil)
var _ provider.Downloader = (*Provider)(nil)

// front gives Provider the methods of provider.Provider (but Name) and
// provider.Downloader from the table.
type front = door.Front[*Provider]

// New returns a provider for opts. It does not touch the network.
//
// Credentials come from opts.AK/SK/SecurityToken, else from the SDK's
// providers (the environment variables HUAWEICLOUD_SDK_AK, _SK,
// _SECURITY_TOKEN, then the profile file); the project id from
// opts.ProjectID, else HUAWEICLOUD_SDK_PROJECT_ID or the profile's
// project_id (read only from a profile that holds ak and sk too).
// Missing credentials are a PermissionDenied error and a missing project id
// a FailedPrecondition error, each naming what is missing; inconsistent
// options (AK without SK, a bad endpoint URL, no region when an endpoint
// must be derived) are InvalidArgument.
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
	if err := check.Rate("Options.RateLimit", opts.RateLimit, "the default of 20 requests per second per action"); err != nil {
		return nil, errs.Attribute(err, Name, "")
	}
	p := &Provider{
		region:     opts.Region,
		projectID:  project,
		entProject: opts.EnterpriseProject,
		romaInst:   opts.ROMAInstanceID,
		endpoints:  map[string]endpoint{},
		client:     transport.NewStreamingClient(opts.HTTPClient), // send reads and closes every body
		cred:       cred,
		serialWait: provider.WaitOptions{MinDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second},
		roma:       newROMALeases(opts.Locker),
		downloaded: map[string]bool{},

		containersPath: "/v5/" + project + "/container/export-task",
	}
	p.containersDefaultQuery = entQuery(p.entProject, "export_size", strconv.Itoa(maxExportSize))
	for svc, u := range eps {
		p.endpoints[svc] = endpoint{origin: u.Scheme + "://" + u.Host, scheme: u.Scheme, host: u.Host, path: u.Path}
	}
	account := transport.Fingerprint(ak)
	p.loop = &transport.Loop{Provider: Name, Region: opts.Region, Limiter: transport.NewLimiter(opts.Limiter, opts.RateLimit),
		Retry: opts.Retry, Log: opts.Logger, Account: func() string { return account }}
	p.front = door.Bind(table, p)
	return p, nil
}

// endpoint is a service's base URL, split as the request builder takes it.
type endpoint struct {
	origin string // scheme://host[:port]
	scheme string
	host   string // host[:port]
	path   string // "" or a path without a trailing slash
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
			Message: fmt.Sprintf("no project id: set Options.ProjectID, the environment variable %s, or project_id with ak and sk in the profile file ~/.huaweicloud/credentials (path in %s; the SDK reads no profile without ak and sk)", envProjectID, envCredentialsFile)}
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
			why = append(why, src.name+": "+credentialsReason(err))
			continue
		}
		if bc, ok := c.(*auth.BasicCredentials); ok {
			return bc, ""
		}
		why = append(why, src.name+": not basic credentials")
	}
	return nil, strings.Join(why, "; ")
}

// credentialsReason is the text of a credential provider's error that New
// may show: the SDK's own credential errors, which name fields and paths,
// and file-system errors. Any other (the INI parser's quotes the line it
// could not read, which may be a secret) is replaced by a summary.
func credentialsReason(err error) string {
	var ce *sdkerr.CredentialsTypeError
	var pe *fs.PathError
	if errors.As(err, &ce) || errors.As(err, &pe) {
		return err.Error()
	}
	return "the credentials file could not be parsed (the parser's message is withheld: it quotes the file)"
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

// checkID validates an identifier that goes into a URL path or query
// with the module's one id rule (internal/check.ID): 1 to max bytes of
// ASCII letters, digits and - _ . :, never "." or "..".
func checkID(field, v string, max int) error {
	return errs.Attribute(check.ID(field, v, max), Name, "")
}

// Name returns "huawei".
func (p *Provider) Name() string { return Name }

// table is the adapter's front door: the table of the export kinds and
// schedules it serves, from which Capabilities, the request, job and query
// checks and the dispatch all follow. A new kind is a row here.
var table = &door.Door[*Provider]{
	Provider: Name,
	Kinds: []door.Kind[*Provider]{
		{Kind: export.KindContainers, Service: ServiceHSS, Spec: containerSpec,
			Create: (*Provider).createContainers, Poll: (*Provider).pollContainers, Download: (*Provider).downloadContainers,
			IDs: []door.ID{{Name: "EnterpriseProject", Max: check.HSSProjectIDLen}}, Scope: hssScope},
		{Kind: export.KindAssets, Service: ServiceROMA, Spec: assetSpec,
			Create: (*Provider).createAssets, Poll: (*Provider).pollAssets, Download: (*Provider).downloadAssets,
			IDs: assetIDs, Scope: romaScope},
		{Kind: export.KindVulnerabilities, Service: ServiceHSS, Spec: vulnSpec,
			Create: (*Provider).createVulns, Poll: (*Provider).pollContainers, Download: (*Provider).downloadContainers,
			IDs: []door.ID{{Name: "EnterpriseProject", Max: check.HSSProjectIDLen}}, Scope: hssScope},
	},
	Schedules: []door.Schedule[*Provider]{
		{Kind: scan.RegistryImages, Service: ServiceHSS, Read: (*Provider).registrySchedule},
		{Kind: scan.HostVulnerabilities, Service: ServiceHSS, Read: (*Provider).hostVulSchedule},
	},
}

// hssScope are the Job.Scope entries an HSS job's calls put in a path or
// query, checked at the door.
var hssScope = []door.ID{
	{Name: "project_id", Max: maxProjectIDLen},
	{Name: "enterprise_project_id", Max: check.HSSProjectIDLen},
}

// romaScope are the Job.Scope entries a ROMA job's calls put in a path,
// checked at the door: the instance is required.
var romaScope = []door.ID{
	{Name: "project_id", Max: maxProjectIDLen},
	{Name: "instance_id", Max: check.ROMAInstanceIDLen, Required: true},
}

// maxProjectIDLen bounds a project id (Options.ProjectID, Job.Scope).
const maxProjectIDLen = 64

// jobProject is the project a job lives in: its scope's, else the provider's.
func (p *Provider) jobProject(job export.Job) string {
	if pid := job.Scope["project_id"]; pid != "" {
		return pid
	}
	return p.projectID
}

// statusFrom starts the Status of job from the vendor's status word, looked
// up in table: no progress yet. A word the table does not know (or none) is
// door.UnknownState's error, as on every cloud.
func statusFrom(job export.Job, table vocab.Enums, service, action, field, word string) (export.Status, error) {
	st := export.Status{Job: job, State: export.StateRunning, Progress: -1}
	state, ok := table.ToNeutral(word)
	if !ok {
		return st, door.UnknownState(Name, service, action, field, word, table.Vendor())
	}
	st.State = export.State(state)
	return st, nil
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
