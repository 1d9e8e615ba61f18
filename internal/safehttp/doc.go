// Package safehttp holds the HTTP safety rules every vendor call and every
// download of this module goes through: which vendor-given URLs may be
// fetched and at which addresses (Policy), that signed API calls never follow
// a redirect (NoRedirects, RefuseRedirects), and that no answer body is read
// past a cap measured in decompressed bytes (BufferAnswers, LimitBodies).
//
// It knows no vendor SDK; the adapters and Download wire it in.
//
// # Downloads
//
// A vendor answer may name a URL to fetch (TCSS DescribeExportJobResult
// DownloadURL, CWP ExportTasks DownloadUrl). Such a URL is fetched only when
// Policy.Check allows it:
//
//   - over https from a host matching one of the service's documented
//     download host patterns (DownloadHosts), or one the caller adds;
//   - or from the host of an endpoint the caller configured (then http is
//     allowed too, and so are loopback and private addresses: the emulators
//     are such endpoints);
//   - or when the caller's Allow function says so.
//
// The client from Policy.Client follows no redirect to another host and
// never downgrades https to http, and refuses at dial time, on the address
// DNS actually returned, to connect to a loopback, link-local (cloud
// metadata such as 169.254.169.254 or Tencent's 169.254.0.23), private,
// shared (100.64.0.0/10), unspecified, multicast or reserved address, unless
// the host is trusted. Checking at dial time means DNS rebinding cannot move
// an allowed name onto a forbidden address. Every refusal is a
// PermissionDenied *errs.Error that names the host.
//
// # API calls and redirects
//
// Signed API requests must never be replayed to another host (the Tencent
// SDK's http.Client would resend the body and X-TC-Token on a 307; a
// caller's plain http.Client forwards Huawei's X-Security-Token). The rule is
// the simplest one that is safe: an API call follows no redirect at all,
// same host or not, because a redirect would replay a signature. The 3xx
// becomes a PermissionDenied error naming the Location host and carrying the
// HTTP status. NoRedirects applies it to a copy of an *http.Client;
// RefuseRedirects applies it in a RoundTripper, for SDKs that own their
// client (the Tencent SDK has no way to set CheckRedirect).
//
// # Answer sizes
//
// Caps are in decompressed bytes. Go's transport decompresses gzip itself
// when it asked for it; when it did not (a caller or SDK set
// Accept-Encoding, or the server sent Content-Encoding unasked, including
// "deflate", which the Tencent SDK would inflate above the transport), these
// wrappers decompress gzip and deflate themselves, remove Content-Encoding
// and Content-Length, and count the decompressed bytes. Any other encoding
// is refused, since its size cannot be bounded here.
//
// Exceeding a cap is an Internal error (never a truncated success, and not
// ResourceExhausted, which provider.Wait and the rate limiter read as
// throttling and would retry). The underlying body is closed by the wrapper
// itself on a read error, on reaching the cap, at EOF and when the request's
// context ends, so an SDK that never closes a failed body (the Tencent SDK's
// TryReadErr) leaks neither a goroutine nor a connection.
//
// BufferAnswers reads a whole API answer inside RoundTrip (the SDKs read it
// whole anyway), so every failure is returned by RoundTrip as a typed error
// the SDK wraps as its cause instead of flattening into a message string.
// LimitBodies streams, for downloads.
package safehttp
