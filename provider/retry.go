package provider

import (
	"context"
	"math/rand"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Backoff computes delays that grow exponentially from Min to Max, with
// "equal jitter": each delay is half the exponential value plus a random part
// of the other half, so concurrent callers spread out.
type Backoff struct {
	Min, Max time.Duration
}

// Delay returns the delay before retry number attempt (0 for the first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = time.Millisecond
	}
	if hi < lo {
		hi = lo
	}
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		d *= 2
	}
	if d > hi {
		d = hi
	}
	half := d / 2
	return half + time.Duration(rand.Int63n(int64(d-half)+1))
}

// Sleep waits for d or until ctx is done, whichever comes first, and returns
// ctx.Err() in the second case. It leaves no timer or goroutine behind.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RetryPolicy says how adapters retry a call that failed transiently.
// The zero value is DefaultRetry.
type RetryPolicy struct {
	// MaxAttempts is the number of tries, the first included; 0 means 5,
	// 1 disables retries.
	MaxAttempts int
	// Backoff is the delay between tries; zero fields mean 200ms and 10s.
	Backoff Backoff
	// Retryable reports whether err is worth another try; nil means
	// "throttled": CodeOf(err) == ResourceExhausted.
	Retryable func(error) bool
}

// DefaultRetry retries throttled calls up to 5 times, waiting 200ms growing to 10s.
var DefaultRetry = RetryPolicy{MaxAttempts: 5, Backoff: Backoff{Min: 200 * time.Millisecond, Max: 10 * time.Second}}

// Throttled reports whether err is a rate-limit rejection (ResourceExhausted).
func Throttled(err error) bool { return CodeOf(err) == ResourceExhausted }

// Do calls fn until it succeeds, returns an error that is not retryable, the
// attempts are used up, or ctx is done. The delays between tries honour ctx.
// It returns fn's last error; once ctx is done, any failure is reported as
// ctx.Err() itself, so callers see context.Canceled or DeadlineExceeded
// rather than whatever the interrupted call made of it.
func (p RetryPolicy) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	attempts := p.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultRetry.MaxAttempts
	}
	b := p.Backoff
	if b.Min <= 0 {
		b.Min = DefaultRetry.Backoff.Min
	}
	if b.Max <= 0 {
		b.Max = DefaultRetry.Backoff.Max
	}
	retryable := p.Retryable
	if retryable == nil {
		retryable = Throttled
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if serr := Sleep(ctx, b.Delay(i-1)); serr != nil {
				return serr
			}
		}
		err = fn(ctx)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil || !retryable(err) {
			return err
		}
	}
	return err
}

// RateLimiter limits calls per action: each Call key gets its own token
// bucket of rps requests per second (burst 1 or rps, whichever is larger).
// It is safe for concurrent use; the zero value is not usable, use
// NewRateLimiter.
type RateLimiter struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	byKey map[string]*rate.Limiter
}

// NewRateLimiter returns a limiter of rps requests per second per action;
// rps <= 0 means 20, the vendors' documented default.
func NewRateLimiter(rps float64) *RateLimiter {
	if rps <= 0 {
		rps = 20
	}
	burst := int(rps)
	if burst < 1 {
		burst = 1
	}
	return &RateLimiter{rps: rate.Limit(rps), burst: burst, byKey: map[string]*rate.Limiter{}}
}

// Wait blocks until c may be sent, or ctx is done. It implements Limiter.
func (l *RateLimiter) Wait(ctx context.Context, c Call) error {
	key := c.Key()
	l.mu.Lock()
	lim, ok := l.byKey[key]
	if !ok {
		lim = rate.NewLimiter(l.rps, l.burst)
		l.byKey[key] = lim
	}
	l.mu.Unlock()
	if err := lim.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The wait would outlast ctx's deadline: say so as the deadline would.
		return context.DeadlineExceeded
	}
	return nil
}
