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
// Wait polls a job until it is done, with a delay that grows from MinDelay to
// MaxDelay with jitter, and reports each status to OnProgress. A job that ends
// in failure is reported as an error with code JobFailed carrying the vendor's
// reason, alongside the final status.
package provider
