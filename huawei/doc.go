// Package huawei is the cloudexport adapter for Huawei Cloud: container
// inventory and host-vulnerability exports and scan policies of HSS (Host
// Security Service, API v5) and asset exports of ROMA Connect (API v2).
//
// New returns a *Provider, which implements provider.Provider and
// provider.Downloader. Requests are signed with the Huawei Cloud SDK's own
// AK/SK signer (SDK-HMAC-SHA256) and sent with net/http under the caller's
// context; the SDK's service clients are not imported, so importing this
// package compiles only the SDK's core.
//
// # Credentials
//
// Options.AK and Options.SK (and Options.SecurityToken for temporary
// credentials) are used when set; they go together. Otherwise the SDK's
// providers are asked: the environment variables HUAWEICLOUD_SDK_AK,
// HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_SECURITY_TOKEN, then the profile file
// ~/.huaweicloud/credentials (or the path in HUAWEICLOUD_SDK_CREDENTIALS_FILE).
// The project id is Options.ProjectID, else HUAWEICLOUD_SDK_PROJECT_ID, else
// the profile's project_id (the SDK reads a profile only when it holds ak
// and sk too); it is never looked up through IAM, so New does
// not touch the network. Missing credentials make New fail with
// provider.PermissionDenied (as on every cloud), a missing project id with
// provider.FailedPrecondition, naming what is missing. Federated
// credentials (IdpId/IdTokenFile) and ECS metadata credentials are not
// supported. Secrets never appear in logs, errors or job tokens.
//
// Every request carries X-Sdk-Date, X-Project-Id, X-Security-Token (with a
// token) and Authorization "SDK-HMAC-SHA256 Access=…, SignedHeaders=…,
// Signature=…" computed by the SDK's BasicCredentials.ProcessAuthRequest.
//
// # Endpoints
//
// Options.Endpoints["hss"] and ["roma"] override the base URLs (scheme http
// or https, host, optional port and path; no user, query or fragment). Otherwise they are
// https://hss.<region>.myhuaweicloud.com and
// https://roma.<region>.myhuaweicloud.com (.myhuaweicloud.eu for
// eu-west-101). Options.Region is required unless both endpoints are given.
// Options.HTTPClient's Transport and Timeout carry every call; nil means
// a client with no overall timeout, so large downloads work; deadlines come
// from ctx, which also governs reading a downloaded body. Redirects are never
// followed, with the adapter's client or the caller's, so the signed
// request and X-Security-Token are never replayed (a 3xx is
// FailedPrecondition naming it). An API answer is read whole, at most 16 MiB
// decompressed; a result file (ListDownloadExportedFile,
// DownloadAssetArchive) streams, capped at 1 GiB decompressed. Past a cap
// the call fails with Internal (see package provider). Huawei hands out no
// download URLs, so its Options have no download policy.
//
// # Checked before sending
//
// Every id that goes into a URL path or id list is 1 to its limit in bytes
// of ASCII letters, digits and - _ . :, never "." or "..": Job.ID and
// File.ID (128), Job.Scope["project_id"] (64), ["instance_id"] (64,
// required for assets jobs), ["enterprise_project_id"] (256), the target's
// InstanceID (64), EnterpriseProject (256), AppIDs (36, the UUID form) and
// TaskIDs (32), at most 100 of each and none twice. Filter values and column
// headers are UTF-8 without control characters (cluster, container and
// image names up to 255 characters, pod names 512, headers 256). A
// create_time range is filled (open From is the epoch, open To
// 2099-01-03T03:59:59Z, the largest HSS documents), ordered and inside that
// window, and sent closed. Anything else is InvalidArgument naming the
// field, and nothing is sent.
//
// # Containers
//
// export.Containers maps to HSS ExportContainerList
// (POST /v5/{project_id}/container/export-task), polled with
// ListQueryExportTask (GET /v5/{project_id}/export-task/{task_id}) and
// downloaded with ListDownloadExportedFile
// (GET /v5/{project_id}/download/{file_id}). Filters become body fields,
// each value in the vendor's spelling; every filter takes one value:
//
//	filter             body field         values
//	cluster_container  cluster_container  true, false; one value; sent as a JSON bool
//	cluster_type       cluster_type       cce, ali, tencent, azure, aws, self_built_hw, self_built_idc; one value
//	cluster_name       cluster_name       text, 1–255 characters; one value
//	container_name     container_name     text, 1–255 characters; one value
//	pod_name           pod_name           text, 1–512 characters; one value
//	image_name         image_name         text, 1–255 characters; one value
//	status             status             running -> Running, waiting -> Waiting, terminated -> Terminated,
//	                                      isolated -> Isolated, paused -> Paused; one value
//	risky              risky              true, false; one value; sent as a JSON bool
//	create_time        create_time        export.Between; sent as {"start_time","end_time"} in epoch ms
//	cpu_limit          cpu_limit          text like 100m matching ^[0-9]+m$, 1–64 characters; one value
//	memory_limit       memory_limit       text like 300Mi matching ^[0-9]+(Mi|Gi)$, 1–64 characters; one value
//
// HSS has no match switch, so export.Like is rejected; whether HSS matches
// the name filters exactly or by substring is not documented. An open
// create_time bound is sent closed: a zero From as 0, a zero To as
// 4071095999000 (the largest create_time HSS documents).
//
// Columns become export_headers [[key, header], …], with the English
// default header unless the Column gives one; no Columns means all 16, in
// this order, so export_headers is never null or empty:
//
//	column          export_headers key  header
//	container_id    container_id        Container ID
//	container_name  container_name      Container Name
//	image_name      image_name          Image Name
//	pod_name        pod_name            Pod Name
//	cluster_name    cluster_name        Cluster Name
//	cluster_type    cluster_type        Cluster Type
//	status          status              Status
//	risky           risky               Risky
//	low_risk        low_risk            Low Risk
//	medium_risk     medium_risk         Medium Risk
//	high_risk       high_risk           High Risk
//	fatal_risk      fatal_risk          Fatal Risk
//	create_time     create_time         Create Time
//	restart_count   restart_count       Restart Count
//	cpu_limit       cpu_limit           CPU Limit
//	memory_limit    memory_limit        Memory Limit
//
// Limit becomes export_size (1..100000); 0 sends the default 100000
// explicitly. Offset and Sort are rejected. The enterprise project is the
// target's, else Options.EnterpriseProject, else none (the vendor's default).
// HSS has no dry run: DryRun validates locally and returns the zero Job, as
// on every cloud.
//
// PollJob maps ListQueryExportTask's task_status (any case): running ->
// running, success -> succeeded, failure -> failed; any other (or none) is
// an Internal error. HSS reports no progress (Progress -1, and 1 once
// succeeded); a finished task's file_id and file_name become the File's ID
// and Name (a file_name that is not a plain file name, 1–255 characters
// with no path separator, control or format character, is replaced by the
// file_id). Job.Scope holds project_id and, when set,
// enterprise_project_id. The body Download returns has a Columns method
// (rows.Describer) mapping the default headers and the export_headers keys
// to the neutral keys, so rows.NewReader reports them; pass the request's
// Columns too (rows.Options.Columns) for custom headers.
//
// Cells are read as HSS writes them (status Running, create_time in epoch
// milliseconds: the spellings of the HSS API). The downloaded body's
// NeutralCell(key, cell) method spells them in the words the filters take,
// reading the filter table above the other way, so a row matched by
// status=running says running: status (any case) Running -> running,
// Waiting -> waiting, Terminated -> terminated, Isolated -> isolated,
// Paused -> paused; cluster_type (any case) as one of cce, ali, tencent,
// azure, aws, self_built_hw, self_built_idc; risky (any case) as true or
// false; create_time from epoch milliseconds to RFC 3339 in UTC, as
// vulnerabilities spell first_seen and last_seen. It keeps what it does not
// know as written (another status, a blank cell, a time that is not whole
// epoch milliseconds up to the year 9999). The other columns are names,
// ids, counts and limits, and stay as written.
//
// # Vulnerabilities
//
// export.Vulnerabilities maps to HSS ExportVuls
// (POST /v5/{project_id}/vul/export, category=vul: one row per
// vulnerability and host), polled and downloaded as containers are. The
// filters become query parameters, each value in the vendor's spelling (Eq
// only unless a filter says Eq or Like):
//
//	filter    query parameter  values
//	category  type             linux -> linux_vul, windows -> windows_vul, web_cms, app -> app_vul,
//	                           emergency -> urgent_vul; one value
//	level     repair_priority  critical -> Critical, high -> High, medium -> Medium, low -> Low;
//	                           several values are sent as one comma list
//	status    status           unfixed -> vul_status_unfix, ignored -> vul_status_ignored,
//	                           fixed -> vul_status_fixed; one value; absent = none sent (every status)
//	name      vul_name         text, 1–256 characters; one value; Eq or Like, sent alike
//	cve_id    cve_id           text like CVE-2024-6387 matching ^(?i:CVE)-[0-9]{4}-[0-9]{4,}$,
//	                           1–64 characters; one value; Huawei only
//
// Columns become export_headers [[key, header], …], with the English
// default header unless the Column gives one; no Columns means all of them,
// in this order; the neutral keys are those Tencent's files yield too:
//
//	column      export_headers key  header
//	name        vul_name            Vulnerability Name
//	cve_id      cve_id              CVE ID
//	level       repair_priority     Level
//	category    type                Category
//	status      status              Status
//	host_id     host_id             Host ID
//	host_name   host_name           Host Name
//	host_ip     host_ip             Host IP
//	component   app_name            Component
//	first_seen  first_scan_time     First Seen
//	last_seen   scan_time           Last Seen
//
// Limit becomes export_size (1..100000; 0 sends 100000), Offset offset;
// Sort is rejected. The enterprise project is the target's, else
// Options.EnterpriseProject, else none. Cells are read as HSS writes them
// (e.g. Critical, vul_status_unfix; times in epoch milliseconds); the
// downloaded body's NeutralCell(key, cell) method spells level, category
// and status the neutral way (critical, linux, unfixed; vul_status_verified
// is checking) and first_seen and last_seen as RFC 3339 in UTC, keeping
// what it does not know.
//
// # Assets
//
// export.Assets maps to ROMA Connect ExportAsset
// (POST /v2/{project_id}/instances/{instance_id}/assets/export) with body
// {"apps":[{"id":…}],"tasks":[{"id":…}]}: both lists are always sent, [] when
// empty (the current docs mark both mandatory). The instance is the target's,
// else Options.ROMAInstanceID. A job takes 1 to 100 app and task ids in
// total, app ids of 1–36 characters (the UUID form of the docs' examples; no
// maximum is documented), task ids of 1–32, no duplicates;
// provider.Export splits larger requests. Filters, columns, sort, offset and
// limit are rejected. Job.Scope holds project_id and instance_id.
//
// ROMA allows one running export job per instance, and the adapter keeps
// that rule with a lease from Options.Locker (provider.Locker) on the key
// "huawei/roma/<project id>/<instance id>" (the project is part of every
// ROMA path, so it is part of the key). nil means a provider.LocalLocker of
// the Provider's own, which orders the Provider's creates; give every
// replica the same shared Locker (redisquota.NewLocker over one Redis) to
// order them across processes. Capabilities reports Concurrency 1. The
// rules:
//
//   - CreateExportJob takes the lease before ExportAsset, waiting for it as
//     long as ctx allows. While a job this Provider created holds the
//     instance, the waiting create polls that job itself (with backoff), so
//     creates follow each other even when nobody else polls; a lease held
//     by another process is waited for on the Locker.
//   - The lease lasts ROMALeaseTTL (2 minutes). Each PollJob of the job that
//     sees it running renews it; the PollJob that sees it end (succeeded,
//     failed, or unknown to ROMA) releases it. A create that fails releases
//     it at once, even when ctx has ended (within a few seconds). The
//     adapter starts no goroutine that outlives a call.
//   - A caller that stops polling (a Wait whose ctx ended, a crashed
//     process) leaves the lease to expire ROMALeaseTTL after the last
//     renewal; then another process may take the instance. If the job still
//     runs, ROMA refuses that process's create, which is FailedPrecondition,
//     as is a create while a job started outside cloudexport runs.
//   - Only the Provider that created a job holds its lease. A PollJob of a
//     job created elsewhere, or resumed from a token in another process,
//     neither renews nor releases any lease, so it never frees another
//     holder's instance; the creator's lease expires after ROMALeaseTTL when
//     the creator no longer polls.
//   - A lease that expired is never released for its new holder: Lockers
//     compare the holder before they free a key. A failed renewal is logged
//     (Options.Logger, warn) and does not fail the poll.
//   - When the Locker fails (Redis down), CreateExportJob fails with
//     Unavailable and sends nothing.
//
// CheckAssetJobStatus statuses are compared case-insensitively: RUNNING ->
// running, SUCCEEDED -> succeeded, FAILED -> failed, Success -> succeeded,
// Finished -> succeeded (so Running and Failed are read too); any other
// status (or none) is an Internal error naming it, as on every cloud. A
// succeeded job has one File {ID: archive_id, Name: "<archive_id>.zip"};
// without archive_id (as with Finished: the archive was already
// downloaded, so ROMA no longer returns it) it has no Files and a Message
// saying so. A failed job has the reasons joined into Message
// ("application X: code: msg; …", at most 512 bytes, as vendor text in
// errors is). progress_percent is a fraction
// (absent = -1).
//
// ROMA serves an archive once (DownloadAssetArchive,
// GET …/assets/archives/{archive_id}). The Provider remembers the archives
// it downloaded: a second Download of the same archive is FailedPrecondition
// and sends nothing. A Download that failed before ROMA answered with 2xx
// may be tried again. ROMA refusing a reused archive is FailedPrecondition
// (400) or NotFound (404, 410).
// The archive is returned as ROMA serves it, with no Columns or
// NeutralCell: assets take ids only, with no filter or column vocabulary
// for its cells to be spelled in.
//
// # Schedules
//
// GetScanSchedule serves scan.RegistryImages from HSS ListImageScanPolicy
// (type=cycle, global_image_type=registry) and the newest of the last ten
// cycle tasks of ListImageScanTask: enabled -> Enabled; scan_cycle n ->
// Period{n, Day}; is_all -> ScopeAll or ScopeSelected; registry_list ->
// Registries; scan_scope bits -> Types: 0x000f0000 -> vulnerabilities,
// 0x00000f00 -> malware, 0x0000f000 -> risks (baseline), 0x000000f0 ->
// sensitive-info, 0x0000000f -> compliance (0x7fffffff and 0x0fffff are all
// five; other bits are kept as one Type("scan-scope-0x…") holding them); the
// task's begin_time -> LastScan and task_status -> LastResult ("finished",
// "running n%", "stopped", "timed out", "error", else "task_status n",
// followed by ": <failed_reason>" when HSS gives one).
//
// scan.HostVulnerabilities comes from HSS ShowVulScanPolicy: scan_period
// one_day -> {1, Day}, three_day -> {3, Day}, one_week -> {1, Week},
// one_month -> {1, Month} (an unknown value is kept as Period{0,
// Unit(value)}); time.hour_part and minute_part -> At "HH:MM" in the
// policy's time zone (none when they are not a time of day); status (any case) open -> true, close -> false as
// Enabled (anything else: false); scan_range_type (any case) all_host ->
// all (ScopeAll), specific_host -> selected (ScopeSelected) as Scope
// (unknown kept as Scope(value)); host_ids -> HostIDs;
// scan_vul_types -> Types verbatim (linux_vul stays Type("linux_vul"), so
// nothing is lost).
//
// Vendor fields with no neutral home are read through the escape hatches
// Provider.ImageScanPolicy (rate_limit, time_scope, total_registry_num) and
// Provider.VulScanPolicy (time.timezone_offset, time.day_part,
// time.next_scan_time, total_host_num). Provider.As exposes the
// *http.Client in use.
//
// # Errors
//
// Every error is a *provider.Error with Provider "huawei", Service "hss" or
// "roma", Action the SDK operation name, VendorCode and Message from the
// body (error_code/error_msg, else code/message, also nested as in
// {"error":{…}}; error_details is appended to Message), RequestID from the
// body's request_id, else the X-Request-Id header, and HTTPStatus. One table
// gives the code; vendor-specific rows win over status rows:
//
//	APIGW.0308, APIG.0308, or "throttl", "flow control",
//	"too many requests", "over ratelimit" in code or message  ResourceExhausted
//	ROMA ExportAsset rejected because a job is running          FailedPrecondition
//	ROMA DownloadAssetArchive 400                               FailedPrecondition
//	any other answer: by HTTP status, the rules every adapter
//	shares (package provider): 5xx Unavailable, 429
//	ResourceExhausted, 401 and 403 PermissionDenied, 404 and 410
//	NotFound, 409 and 412 FailedPrecondition, other 4xx
//	InvalidArgument, 3xx an error naming the redirect
//
// A network failure is Unavailable; a malformed 2xx answer is Internal, and
// so is an HSS task_status or ROMA status the adapter does not know (or
// none), naming it, so Wait stops.
// context.Canceled and context.DeadlineExceeded are returned as they are.
//
// # Retries
//
// Calls are paced by Options.Limiter, by default an in-process limit per
// action of Options.RateLimit requests per second (20 by default). Throttled calls (ResourceExhausted) are retried following
// Options.Retry (provider.DefaultRetry when zero), with jittered backoff that
// ends as soon as ctx does. Every attempt is signed afresh.
//
// # Unconfirmed
//
// These vendor behaviours could not be checked against a primary source:
// the unit of create_time filter bounds (taken as epoch milliseconds);
// whether ListQueryExportTask and ListDownloadExportedFile need the optional
// "region" header one partner-cloud copy of the docs marks mandatory (it is
// not sent);
// whether HSS accepts an empty export_headers (never sent); how the
// containers file spells its cells (read as the API spells the same
// fields, see NeutralCell above); which task-query
// API HSS expects for container tasks (ListQueryExportTask is used); the
// name-filter matching of HSS; the ROMA code for "a job is already running"
// (any ExportAsset rejection mentioning "running" is FailedPrecondition);
// whether ROMA requires "tasks" (the SDK says no; the current API pages
// and the OpenAPI file say yes, so both lists are always sent) and whether old regions spell the id fields
// app_id/task_id (the SDK's "id" is sent); the spelling of ROMA statuses
// (RUNNING/SUCCEEDED/FAILED and Running/Success/Failed/Finished are all
// accepted; a progress_percent above 1 is read as a percentage); and
// whether ROMA rejects a second archive download with 400, 404 or 410.
// For vulnerabilities: the allowed export_headers keys (the field names of
// the ListVulnerabilities and ListVulHosts answers are used; no list is
// published), the largest export_size (100000, the containers bound, is
// used), whether type and status take comma lists (one value is sent), how
// vul_name matches, and the spelling of the file's cells.
package huawei
