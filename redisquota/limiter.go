package redisquota

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/provider"
)

// DefaultRatePrefix is the prefix LimiterOptions.Prefix defaults to.
const DefaultRatePrefix = "cloudexport:rate:"

// DefaultRate is the rate, in calls per second per Call key, that
// LimiterOptions.Rate defaults to: the documented per-action quota of
// Tencent TCSS.
const DefaultRate = 20

// MinRate and MaxRate bound the rate the limiter accepts, in calls per
// second: one call per 1000 s at least, and no more than 100,000 a second,
// above which the emission interval (one second divided by the rate) would
// round to nothing in Redis's microsecond clock.
const (
	MinRate = 0.001
	MaxRate = 100000
)

// Adaptive back-off constants; see the package documentation.
const (
	backoffFactor = 0.7  // each throttle multiplies the rate by this
	minFactor     = 0.05 // the rate never falls below this share of the configured one
	recoverStep   = 0.02 // each answer that was not throttled adds this share back
)

// LimiterOptions configure a Limiter. The zero value, and a nil pointer,
// mean: prefix DefaultRatePrefix, DefaultRate calls per second for every
// call, fail closed, no logging.
type LimiterOptions struct {
	// Prefix is put before Call.Key() to name the Redis key that holds a
	// call's schedule. "" = DefaultRatePrefix. The go-redis/redis_rate
	// package puts its own "rate:" in front, so the key a Call uses is
	// "rate:" + Prefix + Call.Key().
	Prefix string

	// Rate is the number of calls per second allowed for each Call key, in
	// total across every Limiter that shares the Redis server and Prefix.
	// 0 = DefaultRate. It must be in [MinRate, MaxRate].
	Rate float64

	// RateFor, when set, chooses the rate of one call, for example from a
	// map keyed by c.Service + "." + c.Action. A result of 0 means Rate.
	// It is called on every Wait and must be safe for concurrent use and
	// return the same answer for the same key on every replica.
	RateFor func(c provider.Call) float64

	// FailOpen chooses what Wait does when Redis cannot be reached or
	// answers with an error. false (the default, fail closed) returns the
	// error, an *provider.Error with code Unavailable. true paces the call
	// in this process only, at its rate, and lets it through: each replica
	// then keeps the rate on its own, so N replicas may send N times the
	// shared rate until Redis is back. Either way Logger hears of it.
	FailOpen bool

	// OnThrottle, when set, is called each time Observe reports a throttled
	// call, with the rate (calls per second) this Limiter paces that call at
	// from now on. It is called synchronously and must not block.
	OnThrottle func(c provider.Call, rate float64)

	// Logger receives throttles and back-offs at debug level and Redis
	// failures at warn level. nil = no logging. Call keys are logged; they
	// hold no credential.
	Logger *slog.Logger
}

// Limiter is a provider.Limiter whose schedule lives in Redis, so that every
// process using the same Redis server and prefix shares one quota per Call
// key. It also implements provider.Adaptive. Create it with NewLimiter; it is
// safe for concurrent use.
type Limiter struct {
	client redis.UniversalClient
	gcra   *redis_rate.Limiter
	opts   LimiterOptions

	mu     sync.Mutex
	factor map[string]float64       // Call key -> adaptive share of the rate, only while below 1
	local  map[string]*rate.Limiter // Call key -> in-process pacing used when failing open
}

var (
	_ provider.Limiter  = (*Limiter)(nil)
	_ provider.Adaptive = (*Limiter)(nil)
)

// NewLimiter returns a Limiter that keeps its schedules in client, which may
// be a single-node, sentinel or cluster client (each Call key is one Redis
// key, so cluster slots are no concern). opts may be nil. Invalid options
// are reported by Wait as provider.ErrInvalidArgument, before any Redis
// call.
func NewLimiter(client redis.UniversalClient, opts *LimiterOptions) *Limiter {
	l := &Limiter{client: client, factor: map[string]float64{}, local: map[string]*rate.Limiter{}}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.Prefix == "" {
		l.opts.Prefix = DefaultRatePrefix
	}
	if client != nil {
		l.gcra = redis_rate.NewLimiter(client)
	}
	return l
}

// Wait blocks until c may be sent under its shared rate, or ctx is done.
//
// On a done ctx it returns ctx.Err(), and it returns
// context.DeadlineExceeded at once when the next free slot lies beyond ctx's
// deadline. Invalid options or an invalid rate from RateFor give an
// *provider.Error with code InvalidArgument naming the field. When Redis
// fails it returns an *provider.Error with code Unavailable naming c's
// provider, service and action, unless FailOpen is set (see
// LimiterOptions.FailOpen).
//
// Each call reserves the next free slot of the key's GCRA schedule, one
// emission interval (one second divided by the rate) after the previous
// slot on Redis's clock, and Wait returns at that slot. Slots are never
// closer than one interval, so no one-second window holds more than the
// rate: no bursts. A slot is reserved at most a second ahead, and never past
// ctx's deadline; callers further back sleep until one is within reach and
// ask again. Because a slot is booked ahead, a caller that wakes a little
// late for it does not cost the others their slots, so the achieved rate
// stays at the configured one however many replicas wait; a caller whose
// ctx is cancelled while it sleeps leaves its slot unused. The flip side: a
// caller that wakes late still goes, so a process the machine stalls (a CPU
// quota, a pause) can send the calls of several slots together with the
// punctual callers of the next; a strict vendor may then throttle one.
// Observe's adaptive back-off then applies to the slots reserved after it.
func (l *Limiter) Wait(ctx context.Context, c provider.Call) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.client == nil {
		return errs.Invalid("redisquota: NewLimiter was given a nil Redis client")
	}
	key := l.opts.Prefix + c.Key()
	for {
		r, err := l.Rate(c) // again on each try: Observe may have changed it
		if err != nil {
			return err
		}
		// Rate 1 per interval rather than r per second: redis_rate takes
		// whole rates, and r may be fractional once backed off. The burst
		// is how far ahead a slot may be reserved (see Wait's doc), never
		// beyond ctx's deadline.
		step := interval(r)
		limit := redis_rate.Limit{Rate: 1, Burst: reserveSlots(ctx, step), Period: step}
		res, err := l.gcra.Allow(ctx, key, limit)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if l.opts.FailOpen {
				l.log(slog.LevelWarn, "redis unavailable; pacing this call in-process", c, r, err)
				return l.waitLocal(ctx, c, r)
			}
			l.log(slog.LevelWarn, "redis unavailable; refusing the call (fail closed)", c, r, err)
			return unavailable(c, "wait for the shared rate", err)
		}
		if res.Allowed > 0 {
			// The reserved slot is the schedule's time before this
			// admission: ResetAfter (the new end of the schedule) less
			// the interval this admission added.
			return sleep(ctx, res.ResetAfter-step)
		}
		// Every slot within reach is reserved; try again when one is.
		if err := sleep(ctx, max(res.RetryAfter, time.Millisecond)); err != nil {
			return err
		}
	}
}

// reserveAhead is how far ahead of now Wait reserves a slot in the shared
// schedule.
const reserveAhead = time.Second

// reserveSlots is the GCRA burst that lets Wait reserve slots up to
// reserveAhead ahead, or up to ctx's deadline if that is sooner: a burst of
// b admits a call whose slot lies at most b-1 intervals of t ahead.
func reserveSlots(ctx context.Context, t time.Duration) int {
	ahead := reserveAhead
	if dl, ok := ctx.Deadline(); ok {
		ahead = min(ahead, time.Until(dl))
	}
	if ahead <= 0 || t <= 0 {
		return 1
	}
	return 1 + int(ahead/t)
}

// Rate returns the rate, in calls per second, that Wait currently paces c
// at: its configured rate (RateFor, then Rate, then DefaultRate) times this
// Limiter's adaptive share, which is 1 until Observe reports a throttle.
// It fails with provider.ErrInvalidArgument when the configured rate is not
// in [MinRate, MaxRate].
func (l *Limiter) Rate(c provider.Call) (float64, error) {
	r, field := l.opts.Rate, "LimiterOptions.Rate"
	if l.opts.RateFor != nil {
		if v := l.opts.RateFor(c); v != 0 {
			r, field = v, "LimiterOptions.RateFor("+c.Key()+")"
		}
	}
	if r == 0 {
		r = DefaultRate
	}
	if math.IsNaN(r) || r < MinRate || r > MaxRate {
		return 0, errs.Invalid("redisquota: %s is %v; want calls per second from %v to %d, or 0 for %d", field, r, MinRate, MaxRate, DefaultRate)
	}
	l.mu.Lock()
	f, ok := l.factor[c.Key()]
	l.mu.Unlock()
	if ok {
		r *= f
	}
	return r, nil
}

// Observe adapts c's rate to the vendor's answer, as the adapters report it
// after every attempt. A throttled answer multiplies the rate this Limiter
// paces c at by 0.7 (never below 5% of the configured rate), calls
// OnThrottle and logs at debug level; every other answer gives back 2% of
// the configured rate until it is whole again.
//
// The back-off is kept in this process, not in Redis: Observe has no
// context to bound a Redis call with, and the throttled answer reaches the
// replica that sent the call. It still slows every replica, because an
// admission at the lower rate reserves a longer interval in the shared
// schedule that all replicas wait on.
func (l *Limiter) Observe(c provider.Call, throttled bool) {
	key := c.Key()
	l.mu.Lock()
	f, ok := l.factor[key]
	if !ok {
		f = 1
	}
	switch {
	case throttled:
		f = math.Max(f*backoffFactor, minFactor)
		l.factor[key] = f
	case !ok:
		l.mu.Unlock()
		return
	case f+recoverStep >= 1:
		delete(l.factor, key)
		f = 1
	default:
		f += recoverStep
		l.factor[key] = f
	}
	l.mu.Unlock()

	if !throttled {
		if f == 1 {
			l.log(slog.LevelDebug, "rate recovered", c, 0, nil)
		}
		return
	}
	r, err := l.Rate(c)
	if err != nil {
		return // Wait reports the bad rate
	}
	l.log(slog.LevelDebug, "throttled; backing off", c, r, nil)
	if l.opts.OnThrottle != nil {
		l.opts.OnThrottle(c, r)
	}
}

// waitLocal paces c at r in this process only; Wait uses it when Redis
// fails and FailOpen is set.
func (l *Limiter) waitLocal(ctx context.Context, c provider.Call, r float64) error {
	l.mu.Lock()
	lim, ok := l.local[c.Key()]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(r), 1)
		l.local[c.Key()] = lim
	} else if lim.Limit() != rate.Limit(r) {
		lim.SetLimit(rate.Limit(r))
	}
	res := lim.Reserve()
	l.mu.Unlock()
	if err := sleep(ctx, res.Delay()); err != nil {
		res.Cancel()
		return err
	}
	return nil
}

func (l *Limiter) log(level slog.Level, msg string, c provider.Call, r float64, err error) {
	if l.opts.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("call", c.Key())}
	if r > 0 {
		attrs = append(attrs, slog.Float64("rate", r))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	l.opts.Logger.LogAttrs(context.Background(), level, "redisquota: "+msg, attrs...)
}

// interval is the emission interval of rate r: the time one call reserves.
func interval(r float64) time.Duration {
	return time.Duration(float64(time.Second) / r)
}

// sleep waits d, or until ctx is done. When ctx's deadline comes before d
// ends it returns context.DeadlineExceeded at once instead of sleeping.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		if err := ctx.Err(); err != nil {
			return err
		}
		return context.DeadlineExceeded
	}
	return provider.Sleep(ctx, d)
}

// unavailable wraps a Redis failure for c.
func unavailable(c provider.Call, what string, err error) error {
	return &errs.Error{
		Code:     errs.Unavailable,
		Provider: c.Provider,
		Service:  c.Service,
		Action:   c.Action,
		Message:  "redisquota: " + what,
		Err:      err,
	}
}
