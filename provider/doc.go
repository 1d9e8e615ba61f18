// Package provider defines the contract every cloud adapter implements
// (Provider, and the optional Downloader), the error model shared by the whole
// module, and the portable machinery built on top of the contract: waiting for
// a job with backoff (Wait), splitting a request that exceeds one job's limits
// (Export), and the retry and rate-limit helpers adapters share (Backoff,
// Retry, RateLimiter).
//
// # Adapters
//
// Package tencent serves Tencent Cloud (TCSS component exports, CVM machine
// image exports, TCSS registry scan schedules); package huawei serves Huawei
// Cloud (HSS container exports and scan policies, ROMA Connect asset exports).
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
package provider
