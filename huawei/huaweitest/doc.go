// Package huaweitest is an in-process emulator of the Huawei Cloud HSS v5 and
// ROMA Connect v2 operations the huawei adapter calls, for tests and offline
// examples. It pairs with package huawei the way net/http/httptest pairs with
// net/http:
//
//	srv := huaweitest.NewServer()
//	defer srv.Close()
//	p, err := huawei.New(srv.Options())
//
// # What is emulated
//
// Both services answer on one URL (Server.URL); the path prefix (/v5 for HSS,
// /v2 for ROMA) picks the service. Routing is by hand, as in Go 1.21. The
// operations, named as in the SDK (these names are the Action of a Fault and
// the argument of LastRequest):
//
//	ExportContainerList       POST /v5/{project_id}/container/export-task
//	ExportVuls                POST /v5/{project_id}/vul/export
//	ListQueryExportTask       GET  /v5/{project_id}/export-task/{task_id}
//	ListDownloadExportedFile  GET  /v5/{project_id}/download/{file_id}
//	ListImageScanPolicy       GET  /v5/{project_id}/image/scanner-policies
//	ListImageScanTask         GET  /v5/{project_id}/image/tasks
//	ShowVulScanPolicy         GET  /v5/{project_id}/vulnerability/scan-policy
//	ExportAsset               POST /v2/{project_id}/instances/{instance_id}/assets/export
//	CheckAssetJobStatus       GET  /v2/{project_id}/instances/{instance_id}/assets/jobs/{job_id}
//	DownloadAssetArchive      GET  /v2/{project_id}/instances/{instance_id}/assets/archives/{archive_id}
//
// Any other method or path answers 404 APIGW.0101. Every answer carries an
// X-Request-Id header. Error bodies are {"error_code","error_msg"}; ROMA's add
// "error_details" and "request_id".
//
// ExportContainerList validates like the vendor page: export_size 1..100000,
// enterprise_project_id 1..256 characters, cluster_type and status enums
// (status capitalised: Running, Waiting, Terminated, Isolated, Paused), name
// lengths (pod_name 1..512, the others 1..255), cpu_limit "<n>m",
// memory_limit "<n>Mi|Gi", create_time bounds in epoch milliseconds, and a
// non-empty export_headers of [key, header] pairs with known keys. Unknown JSON
// fields are rejected. Any violation is 400 HSS.0001. The task holds the
// matching rows (names match as substrings, other filters exactly) limited to
// export_size; ListQueryExportTask reports running, then success with file_id
// and file_name (hss-container-list-<task>.xlsx) or failure.
// ListDownloadExportedFile serves a real .xlsx: one sheet, the requested header
// texts as the first row, the rows' cells in the requested key order (risky as
// true/false, create_time as epoch milliseconds). Files may be downloaded any
// number of times.
//
// ExportAsset takes {"apps":[{"id":…}],"tasks":[{"id":…}]}: both lists must be
// present (the current docs mark both mandatory; send [] for none), not both
// empty, at most 100 ids in total, app ids 1..36 characters (the UUID form of
// the docs' examples) and task ids 1..32 (OpenAPI); unknown fields (such as
// the older docs' app_id) are rejected.
// Violations are 400 ROMA.00110001. CheckAssetJobStatus reports id, type
// "exportAsset", status, progress_percent (a fraction 0..1), begin_time and,
// when done, end_time (RFC 3339), archive_id on success and reasons on
// failure. DownloadAssetArchive serves a real .zip: manifest.csv with columns
// type,id,name (type "application" or "task"), then apps/<id>.json and
// tasks/<id>.json.
//
// # Credentials
//
// NewServer makes a random AK/SK pair, a project id and a ROMA instance id;
// Options returns them with Region "cn-north-4" and both endpoints set. Every
// request must carry X-Sdk-Date (20060102T150405Z, within 15 minutes of the
// server clock) and "Authorization: SDK-HMAC-SHA256 Access=<AK>,
// SignedHeaders=<…>, Signature=<hex>"; the server recomputes the SDK signer's
// signature (method, path with a trailing slash, sorted query, the signed
// headers, the SHA-256 of the body or X-Sdk-Content-Sha256) and compares.
// Failures are 401 APIGW.0301 "Incorrect IAM authentication information: …":
// "Get secretKey failed,ak:<AK>,err:ak not exist" for an unknown AK, "verify
// aksk signature fail" for a bad signature. A path project other than the
// server's, or an X-Project-Id header that differs from the path project, is
// 403 APIGW.0302; an unknown ROMA instance is 404 ROMA.00110002.
//
// # Faults
//
// Inject queues faults (emulator.Base). Requests are routed, recorded
// (LastRequest), counted (Requests) and delayed (SetLatency, Slow) before
// authentication, so a fault applies even to a request that would fail it:
//
//	Throttle     429 APIGW.0308 "The throttling threshold has been reached: …"
//	ServerError  500 HSS.1000 (HSS) or ROMA.00000500 (ROMA)
//	Malformed    200 with a truncated JSON body
//	Slow         the answer waits Fault.Delay, or ends when the request's context does
//
// FailJobs(reason) makes jobs created afterwards fail when they end: HSS tasks
// report task_status "failure", ROMA jobs FAILED with a reason whose error_msg
// is reason. SetJobDuration sets how long new jobs run (default 2s; tests use
// tens of milliseconds).
//
// # Seeding
//
// A new server holds eight containers across cce, self_built_idc and aws
// clusters plus one outside any cluster, in every status, one of them in
// enterprise project "ep-edge"; an image scan policy (enabled, scan_cycle 7,
// scan_scope 0x000f0f00, rate_limit 100, time_scope 0, two registries of which
// swr-prod is selected); image tasks with two finished cycle scans (the newer
// one a day old), a failed manual scan and a registry sync; a host
// vulnerability policy (one_week on day_part 2 at 02:30, timezone_offset -480,
// all_host, open); and a ROMA instance with three applications and four tasks
// (Apps, Tasks); and seven vulnerability findings of six vulnerabilities on
// three hosts (SeedHSSHostWeb, SeedHSSHostDB and, in ep-edge, SeedHSSHostWin).
// Replace any of it with SetContainers, SetImageScanPolicy,
// SetImageScanTasks, SetVulScanPolicy, SetAssets and SetVulnerabilities.
//
// # One job, one download
//
// Only one export job may be running per ROMA instance: ExportAsset while
// another job of the instance is running answers 409 ROMA.00112001 ("An asset
// job is already running …"). An archive can be downloaded once: the second
// DownloadAssetArchive answers 410 ROMA.00112002 ("… has already been
// downloaded …"), and CheckAssetJobStatus then reports SUCCEEDED without
// archive_id, or Finished with SetROMAStatusStyle(true), which also switches
// the other states to the older documentation's Running, Success and Failed.
//
// # Differences from the real services
//
// The vendor documents neither the HTTP status nor the code for a second
// running job, a second download, an unknown HSS task or file, an unknown
// asset id, or a project mismatch; the codes above marked in the source as
// "(emulator)" are this package's choice. Unknown application or task ids are
// accepted by ExportAsset and make the job fail with one reason per id
// (ROMA.00110006); the real service may reject them up front. The real
// instance-not-found answer has been seen as 500; this server answers 404. The
// container .xlsx layout (sheet name, cell formats) and the archive layout are
// the emulator's own; the real ones are undocumented. The gateway checks
// (signature, throttling) are simplified: no AK lock-out, no security tokens,
// no derived (V11) signing, and the same policy answers type=cycle and
// type=manual. Only the operations above exist.
package huaweitest
