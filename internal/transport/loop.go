package transport

import (
	"context"
	"log/slog"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/provider"
)

// Loop runs vendor calls: for each attempt it waits for the Limiter, sends,
// classifies the outcome, tells an adaptive Limiter about the answer and
// logs one line; it retries per Retry. A Loop is configured once by an
// adapter's New and is safe for concurrent use.
type Loop struct {
	Provider string           // "tencent", "huawei"
	Region   string           // Call.Region
	Limiter  provider.Limiter // never nil
	Retry    provider.RetryPolicy
	Log      *slog.Logger // nil = no logging

	// Account returns Call.Account, the fingerprint of the access key id,
	// or "" when no credential is resolved yet. nil = always "".
	Account func() string

	// Classify turns an attempt's error into a *errs.Error when the vendor
	// code understands it better than the generic Classify (the SDK's
	// errors); nil, or a nil result, falls back to Classify.
	Classify func(c provider.Call, x *Exchange, err error) *errs.Error
}

// NewLimiter returns l, or an in-process provider.RateLimiter of rps when l
// is nil: what Options.Limiter and Options.RateLimit mean on every cloud.
func NewLimiter(l provider.Limiter, rps float64) provider.Limiter {
	if l != nil {
		return l
	}
	return provider.NewRateLimiter(rps)
}

// Do runs one vendor call (service, action) through the loop. send performs
// one attempt with the ctx it is given (which carries the attempt's
// Exchange, so the client of NewClient records the answer) and returns nil,
// a *errs.Error, or a raw error for Classify. Do returns nil, a
// *errs.Error, or ctx's error once ctx is done (never an error made of an
// interrupted call).
func (l *Loop) Do(ctx context.Context, service, action string, send func(ctx context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := provider.Call{Provider: l.Provider, Region: l.Region, Service: service, Action: action}
	adaptive, _ := l.Limiter.(provider.Adaptive)
	attempt := 0
	return l.Retry.Do(ctx, func(ctx context.Context) error {
		attempt++
		if l.Account != nil {
			c.Account = l.Account()
		}
		if err := l.Limiter.Wait(ctx, c); err != nil {
			return err
		}
		actx, x := WithExchange(ctx)
		logging := l.Log != nil && l.Log.Enabled(ctx, slog.LevelDebug)
		var start time.Time
		if logging {
			start = time.Now()
		}
		err := send(actx)
		if err != nil && ctx.Err() != nil {
			return err // Retry.Do reports ctx.Err()
		}
		var e *errs.Error
		if err != nil {
			if l.Classify != nil {
				e = l.Classify(c, x, err)
			}
			if e == nil {
				e = Classify(c, x, err)
			}
		}
		status, rid := x.Answer()
		if adaptive != nil && (status != 0 || e != nil && e.VendorCode != "") {
			adaptive.Observe(c, e != nil && e.Code == errs.ResourceExhausted)
		}
		if logging {
			l.log(ctx, c, attempt, status, rid, time.Since(start), e)
		}
		if e != nil {
			return e
		}
		return nil
	})
}

// log writes the attempt's one debug line; Do calls it when l.Log is
// enabled at debug level. Keys: provider, service,
// action, attempt, status, request_id, duration and, on failure, code and
// vendor_code. No request or answer body, credential or URL query is
// logged.
func (l *Loop) log(ctx context.Context, c provider.Call, attempt, status int, rid string, d time.Duration, e *errs.Error) {
	attrs := []slog.Attr{
		slog.String("provider", c.Provider), slog.String("service", c.Service), slog.String("action", c.Action),
		slog.Int("attempt", attempt), slog.Int("status", status), slog.String("request_id", rid), slog.Duration("duration", d),
	}
	msg := "vendor call"
	if e != nil {
		msg = "vendor call failed"
		if e.RequestID != "" {
			attrs[5] = slog.String("request_id", e.RequestID)
		}
		attrs = append(attrs, slog.String("code", e.Code.String()), slog.String("vendor_code", e.VendorCode))
	}
	l.Log.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}
