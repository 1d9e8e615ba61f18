// Package provider defines the contract every cloud adapter implements
// (Provider, and the optional Downloader), the error model shared by the whole
// module, and the portable machinery built on top of the contract: waiting for
// a job (Wait), splitting a request that exceeds one job's limits
// (Export), and the retry and rate-limit helpers adapters share (Backoff,
// RetryPolicy, RateLimiter).
//
// # Adapters
//
// Package tencent serves Tencent Cloud (TCSS component exports, CVM machine
// image exports, CWP vulnerability exports, TCSS registry and CWP host
// vulnerability scan schedules); package huawei serves Huawei Cloud (HSS
// container and vulnerability exports and scan policies, ROMA Connect asset
// exports).
// Nothing in this package imports an adapter.
//
// # Errors
//
// Every error that leaves the module is, or wraps, an *Error with a Code,
// except context.Canceled and context.DeadlineExceeded, which stay visible to
// errors.Is. Test a code with errors.Is(err, provider.ErrNotFound) or CodeOf.
// A request that fails local validation is rejected with ErrInvalidArgument
// before anything is sent; the message names the field and what is allowed.
//
// # Rules every adapter follows
//
// The adapters share one attempt loop, one HTTP client and one mapping from
// an answer to a code, so these hold on every cloud (providertest checks
// them against each adapter's emulator):
//
//   - HTTP status, when the vendor's own error code says nothing more
//     specific: 5xx and network failures are Unavailable (Wait rides them
//     out); 429 is ResourceExhausted (retried by the adapter per
//     Options.Retry); 401 and 403 are PermissionDenied; 404 and 410
//     NotFound; 409 and 412 FailedPrecondition; other 4xx InvalidArgument;
//     a 3xx is FailedPrecondition with a message naming the redirect (vendor
//     APIs never redirect, so the endpoint is wrong). Redirects are never
//     followed. Download's answers follow the same rules.
//   - Credentials: missing credentials are PermissionDenied, as are wrong
//     ones. Huawei reports them from New (its sources are local); Tencent
//     from the first call (its default chain may ask the instance metadata
//     service), before anything is sent.
//   - Job states: a vendor job state the adapter does not know, or none
//     (an empty answer), is Internal naming the vendor's word, so Wait stops
//     instead of polling until its ctx ends.
//   - DryRun is local, cheap and identical on every cloud: the zero Job and
//     a nil error when the request would be accepted, the validation error
//     otherwise, and nothing sent. (Tencent's CheckMachineImages asks CVM's
//     own dry run.)
//   - Options: HTTPClient supplies the Transport and Timeout of every call
//     (API calls, downloads, the vendor SDK's own client); its redirect
//     policy and cookie jar are not used. Limiter paces every call, keyed
//     by Call (Account is a fingerprint of the access key id, never the id);
//     nil means an in-process RateLimiter of RateLimit requests per second
//     per action. A Limiter that implements Adaptive is told after every
//     vendor answer whether the call was throttled. Logger gets one debug
//     line per attempt with the keys provider, service, action, attempt,
//     status, request_id, duration and, on failure, code and vendor_code;
//     never a credential, body or URL query.
//   - Redirects: an API call never follows one, with the adapter's client
//     or the caller's (the check sits beneath any client, in the
//     transport, and the caller's *http.Client is never changed), so a
//     signed request and its token are never replayed to another host.
//   - Answer sizes: an API answer is read whole, at most 16 MiB counted in
//     decompressed bytes (a compression bomb stops at the cap, as does
//     any Content-Encoding other than gzip and deflate); a larger one is
//     Internal, never a truncated success, and its body is closed. A body
//     that ends early is Unavailable. A downloaded file streams and stops
//     with Internal past 1 GiB decompressed.
//   - Downloads of a URL a vendor answer hands out (TCSS DownloadURL, CWP
//     DownloadUrl) go only over https to the service's documented download
//     hosts (COS: *.cos.<region>.myqcloud.com, *.cos.accelerate.myqcloud.com,
//     *.file.myqcloud.com, *.cos.<region>.tencentcos.cn) or ones the caller
//     adds (Options.DownloadHosts), or, over the endpoint's scheme, to the
//     host of a configured endpoint, or where Options.AllowDownload says so.
//     They never connect to a loopback, link-local (cloud metadata such as
//     169.254.169.254), private or reserved address unless the host is a
//     configured endpoint or allowed (checked on the address DNS returned),
//     and follow a redirect only on the same host without leaving https.
//     A refusal is PermissionDenied naming the host, and nothing is sent; a
//     File.URL that is not an http(s) URL is InvalidArgument.
//   - Identifiers and values are checked once, before anything is sent
//     (InvalidArgument naming the field): every filter value and column
//     header is valid UTF-8 without control, line-separator or
//     bidirectional-formatting characters, at most 1024 characters (less
//     where the vendor documents less), and a filter takes at most 100
//     values unless its vocabulary says fewer; an id that goes into a URL
//     path or an id list (Job.ID, File.ID, the path-bearing Job.Scope
//     entries, ROMA instance, app and task ids, HSS enterprise projects) is
//     1 to 128 bytes (or the vendor's limit: ROMA app ids 36, task ids 32,
//     instances 64, enterprise projects 256) of ASCII letters, digits,
//     "-", "_", "." and ":", and never "." or ".."; a time range is filled (an open From is
//     the Unix epoch, an open To the largest time the vendor documents),
//     ordered and inside that window. Ids a vendor answer names (a job id,
//     a file id) pass the same checks; one that fails is Internal. So does a
//     vendor's File.Name that is not one file name of at most 255
//     characters, or a File.Path (1024) or File.URL (8192) over its bound;
//     none may hold control or bidi characters.
//
// # Waiting
//
// Wait polls a job until it is done and reports each status to OnProgress.
// It plans each poll from the job's elapsed time and, where the vendor
// reports one, its progress, so that a finished job is noticed within a
// tenth of its run time (or within MinDelay for short jobs) in a handful of
// polls; see Wait for the rule. A job that ends in failure is reported as an
// error with code JobFailed carrying the vendor's reason, alongside the
// final status.
//
// # Exports over several jobs
//
// Export splits a request over the vendor's caps, validates every part
// before creating any job, runs the parts with as many jobs in flight as the
// limits that bind allow (the adapter's rate limiter paces the creates where
// the vendor caps no running jobs; ROMA Connect runs one job per instance),
// and lets the other parts finish when one fails: the *ExportError lists the
// failed parts with their requests for a re-run.
//
// # Rate limits
//
// Adapters wait on a Limiter before every call. The default, RateLimiter,
// keeps each action within its rate in any one-second window (no bursts)
// and, as the adapters report throttled answers through Adaptive, backs off
// and recovers like aws-sdk-go-v2's adaptive retry mode.
//
// # Leases
//
// Where a vendor runs one job at a time (ROMA Connect, per instance), the
// adapter holds a Lease from a Locker while the job runs. The default,
// LocalLocker, excludes within its own value; a shared Locker (package
// redisquota) excludes across processes. Leases expire unless renewed, so a
// holder that vanishes frees the key; a lost lease is reported with
// ErrLeaseLost.
package provider
