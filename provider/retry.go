package provider

import (
	"context"
	"log/slog"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Backoff computes delays that grow exponentially from Min to Max, with
// "equal jitter": each delay is half the exponential value plus a random part
// of the other half, so concurrent callers spread out.
type Backoff struct {
	Min, Max time.Duration // the first retry's delay, and the cap no delay exceeds
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
		if d > hi/2 {
			d = hi // doubling would pass hi, or overflow when hi is near the largest Duration
			break
		}
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

// DefaultRetry tries a throttled call up to 5 times in all (the first try and
// 4 retries), waiting 200ms growing to 10s between tries.
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

// RateLimiter paces calls per action and adapts to the vendor's answers. It
// implements Limiter and Adaptive.
//
// # Pacing
//
// Each Call key (see Call.Key) gets its own pace of rps calls per second with
// a burst of 1: calls are spaced evenly, (1s + Guard) / rps apart, and no
// rps+1 calls are let through within 1s + Guard of each other even when the
// machine wakes a waiting caller late. So any one-second window at the vendor
// holds at most rps calls even when the network delays the first of them by
// up to Guard, and a lone client never exceeds a vendor's strict "rps per
// second" rule; many replicas need a shared Limiter.
//
// # Adapting
//
// Like aws-sdk-go-v2's adaptive retry mode, the pace of a key drops when the
// vendor throttles it and climbs back as calls succeed: Observe with
// throttled true multiplies the key's rate by Backoff (at most once per
// Cooldown, so that a volley of answers to calls already in flight counts as
// one signal), never below MinRate; every successful answer after that raises
// the rate linearly, by rps per Recovery of elapsed time, up to rps again,
// and ten times slower from 90% of the rate the vendor last refused, where
// it probes for the vendor's limit (CUBIC's plateau, made linear).
// OnThrottle and the Logger (at debug level) see every throttled answer.
//
// It is safe for concurrent use; the zero value is not usable, use
// NewRateLimiter or NewAdaptiveRateLimiter.
type RateLimiter struct {
	rps  float64
	opts RateLimiterOptions
	now  func() time.Time // time.Now; tests move it
	// epoch is now() at construction; grants are kept as offsets from it
	// (monotonic when now is), which hold no pointer for the GC to scan.
	epoch time.Time
	mu    sync.Mutex
	keys  map[string]*keyPace
	// slowed counts the keys whose rate is below rps (under mu), so that
	// Observe of a successful answer, which changes nothing while every
	// key runs at rps, returns without a lookup.
	slowed atomic.Int64
}

// keyPace is the pace of one Call key.
type keyPace struct {
	lim       *rate.Limiter
	rate      float64         // the current rate, rps when not backed off
	lastCut   time.Time       // when the rate was last cut
	lastRaise time.Time       // when the rate was last raised (or cut)
	ceiling   float64         // the rate when the vendor last throttled
	granted   []time.Duration // when the last calls were let through (since epoch), oldest first
}

// RateLimiterOptions tunes NewAdaptiveRateLimiter. The zero value gives the
// defaults named on each field.
type RateLimiterOptions struct {
	// Guard is added to each second's worth of spacing, so that network
	// jitter up to Guard cannot put rps+1 calls into one second at the
	// vendor; 0 means 25ms, a negative value means none.
	Guard time.Duration
	// Backoff multiplies a key's rate after a throttled answer; 0 means 0.7
	// (CUBIC's beta, as aws-sdk-go-v2 uses). It must be in (0, 1).
	Backoff float64
	// MinRate is the floor a key's rate is never cut below, in calls per
	// second; 0 means a tenth of rps.
	MinRate float64
	// Cooldown is the least time between two cuts of a key's rate; 0 means
	// one second.
	Cooldown time.Duration
	// Recovery is how long a key's rate takes, with calls succeeding, to
	// climb from 0 back to rps below 90% of the rate the vendor last
	// refused (ten times as long above it); 0 means 10 seconds. With the
	// defaults, one cut from rps climbs back to 90% of rps in about 2
	// seconds and to rps about 9 seconds later.
	Recovery time.Duration
	// OnThrottle, if set, is called after every throttled answer with the
	// call and the key's rate (calls per second) from then on. It runs on
	// the caller's goroutine and must not block.
	OnThrottle func(c Call, rate float64)
	// Logger, if set, gets a debug record for every throttled answer, cut
	// and full recovery. Keys are never secrets (Call holds none).
	Logger *slog.Logger
}

// NewRateLimiter returns a limiter of rps requests per second per action
// with the default options (see RateLimiter); rps <= 0 (or NaN) means 20, the
// vendors' documented default.
func NewRateLimiter(rps float64) *RateLimiter {
	return NewAdaptiveRateLimiter(rps, RateLimiterOptions{})
}

// NewAdaptiveRateLimiter returns a limiter of rps requests per second per
// action, tuned by opts; rps <= 0 (or NaN) means 20. Out-of-range options
// (NaN included) take their defaults.
func NewAdaptiveRateLimiter(rps float64, opts RateLimiterOptions) *RateLimiter {
	// The range checks are written so that NaN, which fails every
	// comparison, takes the default too: a NaN rate paces nothing.
	if !(rps > 0) {
		rps = 20
	}
	if opts.Guard == 0 {
		opts.Guard = 25 * time.Millisecond
	}
	if opts.Guard < 0 {
		opts.Guard = 0
	}
	if !(opts.Backoff > 0 && opts.Backoff < 1) {
		opts.Backoff = 0.7
	}
	if !(opts.MinRate > 0 && opts.MinRate <= rps) {
		opts.MinRate = rps / 10
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = time.Second
	}
	if opts.Recovery <= 0 {
		opts.Recovery = 10 * time.Second
	}
	return &RateLimiter{rps: rps, opts: opts, now: time.Now, epoch: time.Now(), keys: map[string]*keyPace{}}
}

// limit is the x/time/rate limit that spaces calls of rate r per second by
// (1s + Guard) / r.
func (l *RateLimiter) limit(r float64) rate.Limit {
	return rate.Limit(r * float64(time.Second) / float64(time.Second+l.opts.Guard))
}

// key returns c's pace, creating it at the full rate; callers hold l.mu.
func (l *RateLimiter) key(c Call) *keyPace {
	// The key is built in a stack buffer and looked up without converting
	// it to a string (the compiler does not allocate for m[string(b)]);
	// only a new key is allocated, once.
	var buf [128]byte
	k := c.appendKey(buf[:0])
	kp, ok := l.keys[string(k)]
	if !ok {
		kp = &keyPace{lim: rate.NewLimiter(l.limit(l.rps), 1), rate: l.rps}
		l.keys[string(k)] = kp
	}
	return kp
}

// Wait blocks until c may be sent, or ctx is done. It implements Limiter: on
// a done ctx it returns ctx.Err(), and when the wait would outlast ctx's
// deadline it returns context.DeadlineExceeded at once.
func (l *RateLimiter) Wait(ctx context.Context, c Call) error {
	l.mu.Lock()
	kp := l.key(c)
	l.mu.Unlock()
	if err := kp.lim.Wait(ctx); err != nil {
		return waitErr(ctx)
	}
	// The token bucket spaces the calls as they are scheduled; a caller the
	// machine woke late (a stalled CPU, a GC pause) could still go out in a
	// bunch with those after it. So also count the calls actually let
	// through, and hold this one while a full window's worth went out
	// within the window.
	for {
		d := l.admit(kp, l.now())
		if d <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return context.DeadlineExceeded
		}
		if err := Sleep(ctx, d); err != nil {
			return err
		}
	}
}

func waitErr(ctx context.Context) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The wait would outlast ctx's deadline: say so as the deadline would.
	return context.DeadlineExceeded
}

// admit lets a call of kp's key through at now, and records it, when fewer
// than n calls of the key went through in the window before now, where at
// the key's rate r, n = max(1, floor(r)) and the window is n/r seconds
// stretched by Guard per second. Otherwise it returns how long to wait
// before asking again. A key's pace, once made, lives as long as l.
func (l *RateLimiter) admit(kp *keyPace, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := max(1, int(min(kp.rate, 1e6)))
	window := time.Duration(float64(n) / kp.rate * float64(time.Second+l.opts.Guard))
	at := now.Sub(l.epoch)
	if len(kp.granted) >= n {
		if d := kp.granted[len(kp.granted)-n] + window - at; d > 0 {
			return d
		}
	}
	// Only the last n grants are read, and n never exceeds keep. Trim in
	// bulk once twice that many have piled up, so a call copies nothing in
	// the usual case (trimming on every call copied keep-1 timestamps each
	// time, a million at the highest rates).
	if keep := max(1, int(min(l.rps, 1e6))); len(kp.granted) >= 2*keep {
		kp.granted = append(kp.granted[:0], kp.granted[len(kp.granted)-keep+1:]...)
	}
	kp.granted = append(kp.granted, at)
	return 0
}

// Observe adapts c's pace to the vendor's answer; throttled reports that the
// vendor refused the call for its rate. It implements Adaptive.
func (l *RateLimiter) Observe(c Call, throttled bool) {
	if !throttled && l.slowed.Load() == 0 {
		return // every key runs at rps: a success changes nothing
	}
	now := l.now()
	l.mu.Lock()
	kp := l.key(c)
	before := kp.rate
	cut := false
	switch {
	case throttled && now.Sub(kp.lastCut) >= l.opts.Cooldown:
		kp.ceiling = kp.rate
		kp.rate = max(kp.rate*l.opts.Backoff, l.opts.MinRate)
		kp.lastCut, kp.lastRaise = now, now
		cut = true
	case !throttled && kp.rate < l.rps:
		step := l.rps * float64(now.Sub(kp.lastRaise)) / float64(l.opts.Recovery)
		if kp.rate >= 0.9*kp.ceiling {
			step /= 10 // near the rate the vendor last refused: probe slowly
		}
		kp.rate = min(l.rps, kp.rate+step)
		kp.lastRaise = now
	}
	r := kp.rate
	if r != before {
		kp.lim.SetLimitAt(now, l.limit(r))
		switch {
		case before == l.rps:
			l.slowed.Add(1)
		case r == l.rps:
			l.slowed.Add(-1)
		}
	}
	l.mu.Unlock()

	if throttled && l.opts.OnThrottle != nil {
		l.opts.OnThrottle(c, r)
	}
	if lg := l.opts.Logger; lg != nil {
		switch {
		case cut:
			lg.Debug("rate limit backed off after a throttled answer", "key", c.Key(), "from", before, "to", r)
		case throttled:
			lg.Debug("throttled answer; rate already cut", "key", c.Key(), "rate", r)
		case r == l.rps && before < l.rps:
			lg.Debug("rate limit recovered", "key", c.Key(), "rate", r)
		}
	}
}

// Rate reports the current rate of c's key in calls per second: rps unless
// throttled answers have cut it.
func (l *RateLimiter) Rate(c Call) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var buf [128]byte
	if kp, ok := l.keys[string(c.appendKey(buf[:0]))]; ok {
		return kp.rate
	}
	return l.rps
}
