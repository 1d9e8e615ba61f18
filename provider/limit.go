package provider

import (
	"context"
	"strings"
	"time"
)

// Call names one rate-limited vendor call: the quota it draws from is the
// provider's, for one account, region and action. Account is never a secret:
// adapters set it to a short fingerprint of the access key id (or leave it
// empty when no credential is resolved yet).
type Call struct {
	Provider string // "tencent" | "huawei"
	Account  string // a fingerprint, never a credential
	Region   string // the vendor region, e.g. "ap-guangzhou"; "" where the call has none
	Service  string // "tcss", "cvm", "cwp", "hss", "roma"
	Action   string // the vendor action, e.g. "CreateComponentExportJob"
}

// Key is the quota key of c: "provider/account/region/service.action", with
// empty parts left empty. Limiters that share a quota across processes key
// their state by it.
func (c Call) Key() string {
	var b strings.Builder
	b.Grow(len(c.Provider) + len(c.Account) + len(c.Region) + len(c.Service) + len(c.Action) + 4)
	b.WriteString(c.Provider)
	b.WriteByte('/')
	b.WriteString(c.Account)
	b.WriteByte('/')
	b.WriteString(c.Region)
	b.WriteByte('/')
	b.WriteString(c.Service)
	b.WriteByte('.')
	b.WriteString(c.Action)
	return b.String()
}

// appendKey appends c's Key to b, for lookups that need no string.
func (c Call) appendKey(b []byte) []byte {
	b = append(b, c.Provider...)
	b = append(b, '/')
	b = append(b, c.Account...)
	b = append(b, '/')
	b = append(b, c.Region...)
	b = append(b, '/')
	b = append(b, c.Service...)
	b = append(b, '.')
	return append(b, c.Action...)
}

// Limiter paces calls to a vendor. Wait blocks until c may be sent, or ctx is
// done; it must return ctx.Err() (or context.DeadlineExceeded when the wait
// would outlast ctx's deadline) and nothing else on a done ctx. It must be
// safe for concurrent use. The in-process *RateLimiter is the default; a
// limiter shared by many replicas (for example over Redis) implements the same
// interface.
type Limiter interface {
	Wait(ctx context.Context, c Call) error
}

// Adaptive is implemented by limiters that adapt to the vendor's answers: the
// adapters' attempt loop calls Observe after every answer, with throttled true
// when the vendor refused the call for its rate (a ResourceExhausted error).
type Adaptive interface {
	Observe(c Call, throttled bool)
}

// Locker grants exclusive, expiring leases on a named resource, such as ROMA
// Connect's one running export job per instance. The in-process default,
// LocalLocker, is per Provider value unless shared; a shared Locker (for
// example over Redis, package redisquota) makes the rule hold across
// replicas.
type Locker interface {
	// Acquire blocks until key is free and returns a lease on it that expires
	// after ttl unless renewed, or ctx's error.
	Acquire(ctx context.Context, key string, ttl time.Duration) (Lease, error)
}

// Lease is one holder's exclusive hold on a key.
type Lease interface {
	// Renew extends the lease to ttl from now. When the lease was lost (it
	// expired), Renew must return an error wrapping ErrLeaseLost with code
	// FailedPrecondition.
	Renew(ctx context.Context, ttl time.Duration) error
	// Release gives the key up. Releasing a lost lease must not free the key
	// for its new holder, and is not an error.
	Release(ctx context.Context) error
}
