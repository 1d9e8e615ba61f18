// Package tencenttest is an in-process emulator of the Tencent Cloud APIs that
// package tencent calls, for tests and offline examples.
//
//	s := tencenttest.NewServer()
//	defer s.Close()
//	p, err := tencent.New(s.Options())
//
// # What is emulated
//
// One HTTP server on 127.0.0.1 answers Tencent Cloud API 3.0 requests for three
// products; the product is taken from the credential scope of the
// Authorization header and the version must match it:
//
//   - TCSS (version 2020-11-01): CreateComponentExportJob,
//     DescribeExportJobResult, DescribeExportJobDownloadURL and
//     DescribeImageRegistryTimingScanTask.
//   - CVM (version 2017-03-12): ExportImages and DescribeImages.
//   - CWP (version 2018-02-28): ExportVulList (Filters VulCategory,
//     IfEmergency, Status (required), Level, VulName; IfDetail), ExportTasks
//     (PENDING, then FINISHED with DownloadUrl and FileName, or ERROR) and
//     DescribeScanVulSetting. The file's titles and cell words are the
//     emulator's reading of an undocumented format (see cwp.go and
//     CWPColumnTitles); the adapter's title table (tencent cwpVulTitles)
//     reads the same titles.
//
// Requests are POST "/" with a JSON body and the X-TC-* headers the SDK sends.
// Answers have HTTP status 200 and the body {"Response":{...,"RequestId":"…"}}
// or, for errors, {"Response":{"Error":{"Code":"…","Message":"…"},"RequestId":"…"}}.
// Gateway checks come first: a non-POST method (UnsupportedProtocol), a
// missing X-TC-Action or X-TC-Version (MissingParameter), the signature (see
// Credentials), a product other than tcss, cvm and cwp or an action the product
// lacks (InvalidAction), a version other than the product's (NoSuchVersion).
// Each action then rejects body keys it does not know (UnknownParameter),
// values of the wrong JSON type (InvalidParameter), and validates its
// parameters with the vendor's error codes:
//
//   - CreateComponentExportJob: ImageID required
//     (InvalidParameter.MissingParameter); Limit above 10000, an unknown
//     filter Name, VulLevel or HasVul value, ExportField or By value, or an
//     Order other than asc/desc in any case (InvalidParameterValue); an image
//     with no component rows (ResourceNotFound). ExportField values are Name,
//     Version, Path, Type, VulCount and ImageID; empty means all six in that
//     order. Filters ComponentName, ComponentVersion and ComponentType compare
//     with ExactMatch true as equality and false or absent as substring;
//     VulLevel (CRITICAL, HIGH, MIDDLE, LOW) keeps rows with a vulnerability
//     of that severity; HasVul is true, false or ALL. Values of one filter are
//     alternatives; filters combine with AND. By sorts (Order asc by
//     default), then Offset and Limit (0 = 10000) page. The job's rows are
//     fixed when it is created.
//   - DescribeExportJobResult {JobId}: unknown id gives
//     InvalidParameterValue.DataNotFound, one of the codes the SDK lists for
//     this action (tcss v20201101 client.go at commit 007e3aed: FailedOperation,
//     InvalidParameter, InvalidParameterValue,
//     InvalidParameterValue.DataNotFound, LimitExceeded, OperationDenied,
//     RequestLimitExceeded; InternalError and InvalidParameter alone are the
//     list of DescribeExportJobDownloadURL). ExportStatus is RUNNING with
//     ExportProgress 0–100 while the job runs, then SUCCESS with DownloadURL,
//     or FAILURE with FailureMsg. DescribeExportJobDownloadURL {JobID} gives
//     the same link once the job succeeded and null before; an unknown id
//     gives InvalidParameter.
//   - A DownloadURL is URL()+"/download/<token>/<JobId>.xlsx", where the
//     random token stands in for a presigned COS signature. GET serves a real
//     .xlsx (sheet "Sheet1"): a header row of the titles ColumnTitle gives for
//     the requested ExportField values, then the job's rows. A wrong token
//     answers 403 AccessDenied, an unknown or unfinished job 404 NoSuchKey,
//     both as COS-style XML.
//   - DescribeImageRegistryTimingScanTask answers the TimingScanTask set by
//     SetTimingScanTask.
//   - ExportImages needs X-TC-Region (MissingParameter) and BucketName
//     (MissingParameter); exactly one of ImageIds and SnapshotIds
//     (InvalidParameter.ImageIdsSnapshotIdsMustOne; SnapshotIds alone answers
//     UnsupportedOperation as the parameter is not public); ExportFormat RAW,
//     QCOW2, VHD or VMDK, upper case (InvalidParameterValue); as many
//     FileNamePrefixList entries as ImageIds
//     (InvalidParameterValue.InvalidFileNamePrefixList); no duplicate ids
//     (InvalidParameterValue); an existing bucket
//     (InvalidParameterValue.BucketNotFound; see Bucket for the rule); a
//     RoleName not starting with "missing"
//     (AuthFailure.CamRoleNameAuthenticateFailed); ids of the form
//     img-xxxxxxxx (InvalidImageId.Malformed) that exist in Region
//     (InvalidImageId.NotFound), may be exported (Image.ExportError) and are
//     not being exported (InvalidParameterValue.InvalidImageState). It
//     answers TaskId (a counter) and CosPaths
//     "/[<prefix>_]<imageId>_system_<snapshotId>.<format in lower case>",
//     plus "_data_" paths for data disks unless OnlyExportRootDisk. DryRun
//     runs every check and answers success with only a RequestId, or the
//     common error DryRunOperation after SetDryRunOperation(true).
//   - DescribeImages {ImageIds | Filters, Offset, Limit}: ImageIds and Filters
//     together give InvalidParameter.InvalidParameterCoexistImageIdsFilters;
//     filters image-id, image-type, image-name and platform are supported
//     (others: InvalidFilter); unknown ids are left out, not an error.
//     While an export runs, its images report ImageState EXPORTING; after it
//     they report NORMAL again, or EXPORTFAILED when it failed. Of these only
//     NORMAL is among the states the SDK lists (CREATING, NORMAL,
//     CREATEFAILED, SYNCING, IMPORTING, IMPORTFAILED); EXPORTING and
//     EXPORTFAILED are assumptions (see below).
//
// # Credentials
//
// NewServer makes a random permanent key pair (Credentials);
// TemporaryCredentials issues more, with a session token. Every API request
// must carry a TC3-HMAC-SHA256 Authorization header, which the server
// recomputes from the method, "/", the query, the signed headers (which must
// include content-type and host), the body hash (or UNSIGNED-PAYLOAD when
// X-TC-Content-SHA256 says so), X-TC-Timestamp and the credential scope. A
// malformed header gives AuthFailure.InvalidAuthorization, a timestamp more
// than 5 minutes from the server clock AuthFailure.SignatureExpire, an
// unknown SecretId AuthFailure.SecretIdNotFound, a wrong signature
// AuthFailure.SignatureFailure, and a missing, wrong or unexpected
// X-TC-Token AuthFailure.TokenFailure. Download links are not signed; they
// carry their token. Options returns adapter options with the permanent
// pair.
//
// # Faults
//
// Through the embedded emulator.Base: Requests counts every request (API
// calls and downloads, valid or not); SetLatency delays every answer;
// SetJobDuration sets how long new export jobs run (default
// emulator.DefaultJobDuration); FailJobs(reason) makes new jobs fail with
// reason as TCSS FailureMsg, and CVM exports end with ImageState EXPORTFAILED;
// Inject(Fault{Action, Kind, Times}) queues a fault for an action ("" = any;
// downloads count as action "Download"). LastRequest(action) returns the last
// request for an action without its credentials. The fault kinds:
//
//   - Throttle: the error RequestLimitExceeded with HTTP 200 (downloads:
//     503 SlowDown, COS-style XML).
//   - ServerError: HTTP 502 with a plain-text body, as a gateway in front
//     of the API sends. The SDK parses the body before it looks at the
//     status, so it reports ClientError.ParseJsonError; the status is seen
//     only by a RoundTripper (downloads: the same 502).
//   - Malformed: HTTP 200 with a truncated JSON body; the SDK reports
//     ClientError.ParseJsonError too (downloads: a truncated .xlsx).
//   - Slow: the answer waits Fault.Delay longer.
//
// Faults are applied before authentication, as a gateway would. Waiting
// answers end as soon as the client gives up or Close is called.
//
// # Seeding
//
// The server starts with: component rows for SeedImageID (eight rows,
// mixing severities and rows without vulnerabilities) and SeedSmallImageID
// (two rows), replaceable with SetComponents; a timing scan task (enabled,
// 17:10–20:00 every 1, CVE/VIRUS/RISK, selected images on tcr, last scan
// "2024-10-29 17:10:00" Success), replaceable with SetTimingScanTask; and
// three CVM custom images in Region: SeedLinuxImage (system disk),
// SeedLinuxDataImage (system and data disk) and SeedWindowsImage (refused
// with UnsupportedOperation.WindowsImageExportUnsupported); add more with
// AddImage. ImageState and BucketObjects let tests look at CVM state. CWP
// starts with seven vulnerability findings of six vulnerabilities on three
// hosts (SeedHostWeb, SeedHostDB, SeedHostWin), replaceable with
// SetVulnerabilities, and a scan setting (every 3 days at 02:30, window
// 00:00–06:00, on SeedHostWeb and SeedHostDB), replaceable with
// SetScanVulSetting.
//
// # Differences from the real service
//
//   - One host serves both products; the real ones are
//     tcss.tencentcloudapi.com and cvm.tencentcloudapi.com. Only POST with
//     JSON is accepted (the real API also takes GET and legacy HmacSHA1/256
//     signatures).
//   - Whether the real DescribeExportJobResult serves CreateComponentExportJob
//     jobs, the ExportField list and the spelling of the .xlsx header (the
//     real file's titles are likely Chinese) are UNCONFIRMED; the titles here
//     are English (ColumnTitle).
//   - The image state during an export (EXPORTING) and after a failed export
//     (EXPORTFAILED) are ASSUMPTIONS, not states the SDK lists; the real API
//     has no call that reports
//     an export task by TaskId. A passing DryRun answering success with no
//     TaskId is UNCONFIRMED (the real service might answer the common error
//     DryRunOperation, which SetDryRunOperation switches to).
//   - A failed CVM export carries no reason anywhere, as in the real API:
//     the reason given to FailJobs shows only in TCSS FailureMsg.
//   - Limits the real service has but whose values are UNCONFIRMED are not
//     enforced: images per ExportImages call, concurrent export tasks
//     (LimitExceeded.ExportImageTaskLimitExceeded), image sizes.
//   - Buckets are not emulated as COS: any well-formed name exists, and
//     exported objects are only listed by BucketObjects.
//   - Component types APPLICATION_COMPONENT and the seeded values are made up.
package tencenttest
