// Package tencent is the cloudexport adapter for Tencent Cloud: component
// exports of container images through TCSS (Tencent Container Security
// Service, API 2020-11-01), machine-image exports through CVM (API
// 2017-03-12), host-vulnerability exports through CWP (Cloud Workload
// Protection, API 2018-02-28), the TCSS registry-image scan schedule and the
// CWP host-vulnerability scan schedule.
//
// New returns a *Provider, which implements provider.Provider and
// provider.Downloader:
//
//	p, err := tencent.New(tencent.Options{Region: "ap-guangzhou"})
//	job, err := p.CreateExportJob(ctx, export.Request{
//		Target:  export.Components{ImageID: "sha256:…"},
//		Filters: []export.Filter{export.Eq("vul_level", "high", "critical")},
//		Columns: export.Cols("name", "version", "vul_count"),
//	})
//	st, err := provider.Wait(ctx, p, job, nil)
//	rc, err := p.Download(ctx, job, st.Files[0])
//
// # Credentials
//
// Options.SecretID and Options.SecretKey (and Options.Token for temporary
// credentials) are used as given. When they are empty, the SDK's default
// chain is used: the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY
// environment variables, then the ~/.tencentcloud/credentials profile, then
// the role of the CVM instance the program runs on. The chain is consulted
// on the first call, not in New, and its answer is kept; a chain that finds
// nothing fails that call with ErrPermissionDenied. The SDK's CVM-role
// lookup (an HTTP GET of the instance metadata service) does not take a
// context, so ctx cannot cut it short. Requests are signed with
// TC3-HMAC-SHA256 by the SDK. Credentials never appear in logs, errors or
// jobs.
//
// # Endpoints
//
// Calls go to https://tcss.tencentcloudapi.com,
// https://cvm.tencentcloudapi.com and https://cwp.tencentcloudapi.com.
// Options.Endpoints["tcss"], ["cvm"] and ["cwp"] replace them with a base
// URL such as "http://127.0.0.1:9000" (scheme http or https, host,
// optional port and path; no query). The international site is
// "https://tcss.intl.tencentcloudapi.com". Options.HTTPClient's Transport
// carries every request and its Timeout bounds each API call (rounded up to
// whole seconds, as the SDK counts them; 60 seconds when it has none); its
// other fields are not used, and the client itself is never modified;
// Download goes through the same transport. API calls never follow a
// redirect (a 3xx is FailedPrecondition naming it, and the signed request
// and X-TC-Token are never replayed), and an answer is read whole inside
// the transport, at most 16 MiB decompressed: a larger one, a compression
// bomb, or a body that fails mid-read is an error, and the body is closed
// even though the SDK never closes one it failed to read (see package
// provider).
//
// # Downloads
//
// Download fetches the URL a TCSS (DownloadURL) or CWP (DownloadUrl) answer
// handed out only if the download policy allows it, and sends nothing
// otherwise (PermissionDenied naming the host):
//
//   - over https from the COS domains those links use:
//     *.cos.<region>.myqcloud.com, *.cos.accelerate.myqcloud.com,
//     *.file.myqcloud.com and *.cos.<region>.tencentcos.cn, plus the
//     patterns in Options.DownloadHosts ("*" is one DNS label, never in
//     the last two; New refuses a scheme, port, path or IP address there);
//   - from the host of a configured Options.Endpoints entry, over its
//     scheme (the emulator serves its files there);
//   - or when Options.AllowDownload(u) returns true: for a proxy, a
//     private mirror or domain, or COS's intranet domain
//     (*.cos-internal.<region>.tencentcos.cn), which resolves to private
//     addresses.
//
// Whatever the name, the connection is refused when the address DNS
// returned is loopback, link-local (the metadata service at
// 169.254.169.254 or 169.254.0.23), private or reserved, unless the host is
// a configured endpoint or allowed by AllowDownload (when
// Options.HTTPClient's Transport is not an *http.Transport, no dialer can be
// installed and only literal IP hosts are checked). A redirect is followed
// only on the same host and never from https to http. The body streams,
// ctx governs reading it, and it fails with Internal past 1 GiB
// decompressed.
//
// # Checked before sending
//
// Every filter value is UTF-8 text without control characters, at most
// 1024 characters (256 for components' name, version and type) and at most
// 100 values per filter; Job.ID is 1 to 128 bytes of ASCII letters, digits
// and - _ . :. Anything else is InvalidArgument naming the field, and no
// request is sent. The SDK's shared
// common.DefaultHttpClient must be left nil: New refuses to run with it set,
// because the SDK would modify that shared client.
//
// Options.Region is sent with every call. TCSS ignores it; CVM requires it,
// and a machine-images request without it is rejected with
// ErrInvalidArgument naming Options.Region.
//
// # Components (TCSS)
//
// export.Components{ImageID} maps to CreateComponentExportJob. ImageID is
// required (at most 256 characters, no spaces). Filters become TCSS
// AssetFilters, each value in the vendor's spelling; a filter takes Eq only
// unless it says Eq or Like, and up to 100 values unless it says one:
//
//	filter     AssetFilters.Name  values
//	name       ComponentName      text, 1–256 characters; Eq or Like
//	version    ComponentVersion   text, 1–256 characters; Eq or Like
//	type       ComponentType      text, 1–256 characters; Eq or Like
//	vul_level  VulLevel           critical -> CRITICAL, high -> HIGH, medium -> MIDDLE, low -> LOW
//	has_vul    HasVul             true, false; one value
//
// Eq sends ExactMatch true and Like sends ExactMatch false. Columns become
// ExportField names; no columns means all six, in this order:
//
//	column     ExportField  header
//	name       Name         Name
//	version    Version      Version
//	path       Path         Path
//	type       Type         Type
//	vul_count  VulCount     Vulnerabilities
//	image_id   ImageID      Image ID
//
// TCSS writes its own column titles, so a Column with a Header other than
// the one above (or empty) is rejected with ErrInvalidArgument.
// Sort becomes By (the vendor column name) and Order asc or desc. Offset is
// sent as is; Limit is 1..10000 and 0 leaves the vendor default (10000).
//
// TCSS has no remote dry run: a DryRun request is validated locally, nothing
// is sent, and CreateExportJob returns a zero Job and a nil error, as for
// every kind on every cloud.
//
// The Job has Service "tcss", ID the TCSS JobId and Scope {"image_id"}.
// PollJob calls DescribeExportJobResult: ExportStatus (any case) RUNNING ->
// running, SUCCESS -> succeeded, FAILURE -> failed; ExportProgress
// 0..100 becomes Progress 0..1 (-1 when absent); DownloadURL becomes the
// one File, named after the URL's file name or "<job id>.xlsx"; FailureMsg
// becomes Message (at most 512 bytes). Download fetches File.URL with an HTTP GET. Its cells
// are kept as TCSS writes them: no column has a neutral vocabulary to
// spell them in (vul_level and has_vul are filters, not columns; type is
// free text such as SYSTEM_COMPONENT, filtered as written), so the body's
// NeutralCell returns every cell unchanged.
//
// # Machine images (CVM)
//
// export.MachineImages maps to ExportImages: ImageIDs (each img- and eight
// lower-case letters or digits, no repeats) to ImageIds, Bucket (required) to
// BucketName, FilePrefixes (one per image when given) to
// FileNamePrefixList, RootDiskOnly to OnlyExportRootDisk, Role to RoleName,
// and Format (any case; default raw) to ExportFormat, always sent: raw ->
// RAW, qcow2 -> QCOW2, vhd -> VHD, vmdk -> VMDK. Filters, columns, sort, Offset and
// Limit are rejected. DryRun is local, as for every kind (a zero Job and a
// nil error, nothing sent); CheckMachineImages sends ExportImages with
// DryRun true for CVM's own check of the bucket and images.
//
// The Job has Service "cvm", ID the TaskId in decimal and Scope keys
// "image_ids" and "cos_paths" (comma-joined lists), "bucket" and "format".
// CVM has no API that reports on an export TaskId, so PollJob asks
// DescribeImages for the images (as Tencent's Terraform provider does): all
// NORMAL is succeeded, with one File{Name, Path} per COS path; any state
// ending in FAILED (CREATEFAILED, IMPORTFAILED, …) or an image missing from
// the answer is failed, naming the image; anything else is running, with
// Progress the fraction of images back in NORMAL. Download is not offered
// for these files: they are objects in the caller's own COS bucket at
// File.Path, and Download returns ErrUnsupported saying so.
//
// # Vulnerabilities (CWP)
//
// export.Vulnerabilities maps to CWP ExportVulList (its EnterpriseProject
// is a Huawei notion and is ignored, so one request runs on both clouds).
// The filters become CWP Filters, each value in the vendor's spelling (as
// for components, Eq only unless a filter says Eq or Like):
//
//	filter    Filter.Name  values
//	category  VulCategory  linux -> 4, windows -> 5, web_cms -> 1, app -> 2,
//	                       emergency -> IfEmergency=yes; one value; emergency is sent
//	                       as the filter IfEmergency with value yes, not as a VulCategory
//	level     Level        critical -> 4, high -> 3, medium -> 2, low -> 1
//	status    Status       unfixed -> 0, ignored -> 1, fixed -> 3
//	name      VulName      text, 1–256 characters; one value; Eq or Like
//	cve_id    -            rejected with ErrInvalidArgument: CWP has no CVE filter
//	                       (cve_id is a Huawei HSS filter)
//
// CWP marks Status required; a request without a status filter sends
// Status 0, 1, 3 and 5 (5: being checked), every state, because users
// expect "all". IfDetail 1 is always sent, for one row per vulnerability
// and host. CWP has no column choice, sort or paging: Columns, Sort, Offset
// and Limit are rejected.
//
// The Job has Service "cwp" and ID the TaskId. PollJob reads ExportTasks:
// Status (any case) PENDING -> running, FINISHED -> succeeded, ERROR ->
// failed; a FINISHED task has one File{Name, URL} (the DownloadUrl;
// FileName when it is a plain file name), an ERROR task no reason (CWP
// gives none; Message says so), and another Status is an Internal error.
// Download fetches the DownloadUrl.
//
// CWP does not document its file's columns. The body Download returns has
// a Columns method (rows.Describer) mapping the titles this package expects
// (the console's Chinese field names, and English ones) to neutral keys,
// the keys Huawei's files yield too, so rows.NewReader reports them:
//
//	file column  Chinese title  English title
//	name         漏洞名称       Vulnerability Name
//	cve_id       CVE编号        CVE ID
//	level        危害等级       Threat Level
//	category     漏洞类型       Vulnerability Type
//	status       处理状态       Status
//	host_id      主机UUID       Host UUID
//	host_name    主机名称       Host Name
//	host_ip      主机IP         Host IP
//	component    影响组件       Component
//	first_seen   首次发现时间   First Detected
//	last_seen    最近检测时间   Last Detected
//
// Cells are read as CWP writes them (e.g. 严重, 待处理; times in China
// Standard Time); the body's NeutralCell(key, cell) method spells level,
// category and status the neutral way (critical, linux, unfixed; 5 and
// 检测中 are checking) and first_seen and last_seen as RFC 3339 in UTC,
// keeping what it does not know.
//
// # Scan schedules
//
// GetScanSchedule(scan.Query{Kind: scan.RegistryImages}) reads
// DescribeImageRegistryTimingScanTask:
//
//	Enable                Enabled
//	ScanTime, ScanEndTime At, Until, normalised to HH:MM ("3:00:00" is "03:00")
//	ScanPeriod n          Period{n, Day}
//	ScanType              Types: CVE -> vulnerabilities, VIRUS -> malware, RISK -> risks (any case); others verbatim
//	ScanScope             Scope: 0 -> all, 1 -> selected, 2 -> recommended, other n -> "scope-n";
//	                      absent with the deprecated All true: all
//	Images (ImageInfo)    Images: RegistryType, InstanceId, InstanceName, Namespace,
//	                      ImageName, ImageTag, ImageDigest, ImageRepoAddress
//	Id                    AssetIDs
//	ExcludeImageAssetIds  ExcludedIDs
//	RegistryType          Registries: one Registry{Type, Selected: true} per type
//	Namespace             Namespaces
//	Latest                LatestOnly
//	ContainerRunning      RunningOnly
//	LastScanTime          LastScan, read as China Standard Time (UTC+8)
//	ScanResult            LastResult
//
// GetScanSchedule(scan.Query{Kind: scan.HostVulnerabilities}) reads CWP
// DescribeScanVulSetting:
//
//	EnableScan 1          Enabled
//	TimerInterval n       Period{n, Day}
//	TimerTime             At, normalised to HH:MM
//	EndTime               Until, when it is a time of day (the scan window's end)
//	Uuids                 HostIDs, Scope selected; empty = all hosts (Scope all)
//	                      Types: vulnerabilities
//
// The categories and levels scanned, emergency vulnerabilities, the
// window's StartTime, ScanMethod and ClickTimeout have no neutral home:
// HostVulScanSetting returns them (Categories and Levels in the neutral
// vocabulary of vulnerabilities exports).
//
// # Errors
//
// Vendor error codes become provider codes by one table (errorCodes): a code
// matches an entry equal to it or extending it with ".", and the longest
// entry wins.
//
//	AuthFailure*, UnauthorizedOperation*            PermissionDenied
//	InvalidParameter*, InvalidParameterValue*,
//	MissingParameter, UnknownParameter,
//	InvalidImageId.Malformed                        InvalidArgument
//	ResourceNotFound*, InvalidParameterValue.DataNotFound,
//	InvalidImageId.NotFound, InvalidParameterValue.BucketNotFound  NotFound
//	InvalidParameterValue.InvalidBucketPermissionForExport,
//	AuthFailure.CamRoleNameAuthenticateFailed,
//	InternalError.ErrRoleNotExist                   PermissionDenied
//	RequestLimitExceeded*, LimitExceeded* (incl.
//	ExportImageTaskLimitExceeded)                   ResourceExhausted
//	ResourceInUse, OperationDenied, FailedOperation*,
//	ResourceUnavailable, ResourceInsufficient,
//	UnsupportedOperation* (e.g. Windows, shared or
//	encrypted images), InvalidParameterValue.InvalidImageState  FailedPrecondition
//	ActionOffline, InvalidAction                    Unsupported
//	InternalError*                                  Internal
//	network failures (no answer)                    Unavailable
//
// An answer the SDK cannot read is classified by its HTTP status, by the
// rules every adapter shares (package provider: 5xx Unavailable, 429
// ResourceExhausted, 401 and 403 PermissionDenied, 404 NotFound, a 3xx an
// error naming the redirect); a 200 that is not JSON is Internal. An
// ExportStatus the adapter does not know is Internal, naming it. Every *provider.Error keeps
// Provider "tencent", Service, Action, VendorCode, Message (the vendor's,
// at most 512 bytes), RequestID and HTTPStatus. The SDK's own error is not kept in the chain (its text would
// repeat these fields, and for broken answers it quotes the body); a network
// failure keeps its cause. A cancelled or expired ctx is returned as
// ctx.Err(), so errors.Is(err, context.Canceled) holds.
//
// PollJob of a TCSS job the service does not know is NotFound when the
// service answers InvalidParameterValue.DataNotFound, which the SDK lists for
// DescribeExportJobResult and the emulator sends. Should the service answer
// plain InvalidParameter instead (also listed), the adapter cannot tell an
// unknown job from a malformed request, and the error is InvalidArgument.
//
// # Rate limits and retries
//
// Calls are paced by Options.Limiter, by default an in-process limit per
// action of Options.RateLimit requests per second (default 20, the
// documented vendor limit). The SDK's own retries and its
// region breaker are off; throttled calls (RequestLimitExceeded and its
// sub-codes, or HTTP 429) are retried with Options.Retry (default
// provider.DefaultRetry: 5 tries, jittered backoff from 200ms to 10s, waits
// honour ctx). A Retry.Retryable of the caller's replaces that test. Each
// attempt is logged at debug level through Options.Logger with the keys
// every adapter uses (provider, service, action, attempt, status,
// request_id, duration, code, vendor_code; never credentials, bodies or the
// query of a download URL).
//
// # Escape hatch
//
// As(**common.Client) yields the TCSS generic client,
// CommonClient("tcss") or CommonClient("cwp") the generic client of either
// service, and As(**v20170312.Client) the CVM client, all configured like
// the provider. RegistryScanTask returns the TCSS timed-scan task as TCSS
// states it (TimingScanTask), HostVulScanSetting the CWP
// host-vulnerability scan setting (DescribeScanVulSetting, field for
// field). Vendor fields with no neutral home, reachable there:
//
//   - ImageInfo.Force, the per-image force-scan flag (a string);
//   - All, the deprecated scan-all switch (used for Scope only when
//     ScanScope is absent);
//   - the raw spellings of ScanTime, ScanEndTime, ScanType, ScanScope and
//     LastScanTime;
//   - RequestId.
//
// # Unconfirmed vendor behaviour
//
// These points come from SDK comments and examples, not from a statement of
// Tencent's, and are marked UNCONFIRMED in the vendor notes:
//
//   - ExportField values: no list is documented; the names used are the
//     fields of TCSS ImageComponent. The full list of By values is also
//     undocumented.
//   - ExactMatch: the SDK comment calls it "fuzzy query or not"; this
//     package sends true for Eq, as the field's name says.
//   - VulLevel values for this API: the spellings other TCSS APIs use
//     (CRITICAL, HIGH, MIDDLE, LOW).
//   - DescribeExportJobResult is documented for compliance export jobs; this
//     package polls component export jobs with it.
//   - ScanPeriod's unit: taken to be days.
//   - CVM export progress: the image state during an export (EXPORTING is
//     not in the SDK) and whether it leaves NORMAL at once; a poll made
//     before CVM marks the image busy may report success early.
//   - A passing CVM DryRun may answer with the error code DryRunOperation;
//     both that and a plain answer count as passing.
//   - How many images one ExportImages call accepts.
//   - Whether DownloadURL is presigned and how long it stays valid.
//   - CWP's vulnerability file: its column titles (cwpVulTitles holds our
//     reading, in one place, so that a report fixes it in one line), its
//     cell words and time zone, and whether it has a row cap.
//   - CWP Level 4: the ExportVulList comment calls it notice (提示), the
//     DescribeScanVulSetting and VulInfoList comments critical (严重); this
//     package reads critical.
//   - CWP Filter.ExactMatch: commented "fuzzy search"; true is sent for Eq.
//   - CWP IfDetail 1 read as one row per vulnerability and host.
//   - CWP DescribeScanVulSetting StartTime and EndTime: their form (a time
//     of day is assumed for Until).
package tencent
