package redisquota

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/provider"
)

// DefaultLeasePrefix is the prefix LockerOptions.Prefix defaults to: the
// lease on a ROMA Connect instance is the Redis key
// "cloudexport:lease:huawei/roma/<project id>/<instance id>".
const DefaultLeasePrefix = "cloudexport:lease:"

// MaxKeyLen is the longest lease key Acquire accepts, in bytes, not counting
// the prefix.
const MaxKeyLen = 512

// ErrLeaseLost is in the chain of the error Renew returns when the lease
// expired and the key is free or held by another holder:
// errors.Is(err, ErrLeaseLost) holds, and so does
// errors.Is(err, provider.ErrFailedPrecondition). It is provider.ErrLeaseLost,
// which every Locker of the module uses.
var ErrLeaseLost = provider.ErrLeaseLost

// Default polling bounds of Acquire while the key is held.
const (
	DefaultMinPoll = 20 * time.Millisecond
	DefaultMaxPoll = time.Second
)

// LockerOptions configure a Locker. The zero value, and a nil pointer, mean:
// prefix DefaultLeasePrefix, polls from DefaultMinPoll growing to
// DefaultMaxPoll, no logging.
type LockerOptions struct {
	// Prefix is put before the key passed to Acquire to name the Redis key.
	// "" = DefaultLeasePrefix.
	Prefix string

	// MinPoll and MaxPoll bound the pause between attempts while another
	// holder has the key: it starts at MinPoll, doubles up to MaxPoll, is
	// jittered, and never outlasts the holder's remaining time to live.
	// 0 = DefaultMinPoll and DefaultMaxPoll (or MinPoll, if that is
	// longer).
	MinPoll, MaxPoll time.Duration

	// Logger receives acquisitions, releases and lost leases at debug
	// level. nil = no logging. Lease tokens are never logged.
	Logger *slog.Logger
}

// Locker is a provider.Locker whose leases are Redis keys, so that one
// holder at a time has a key across every process using the same Redis
// server and prefix. Create it with NewLocker; it is safe for concurrent use.
type Locker struct {
	client redis.UniversalClient
	opts   LockerOptions
}

var _ provider.Locker = (*Locker)(nil)

// NewLocker returns a Locker that keeps its leases in client, which may be a
// single-node, sentinel or cluster client (each lease is one Redis key).
// opts may be nil. Invalid options are reported by Acquire as
// provider.ErrInvalidArgument.
func NewLocker(client redis.UniversalClient, opts *LockerOptions) *Locker {
	l := &Locker{client: client}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.Prefix == "" {
		l.opts.Prefix = DefaultLeasePrefix
	}
	if l.opts.MinPoll == 0 {
		l.opts.MinPoll = DefaultMinPoll
	}
	if l.opts.MaxPoll == 0 {
		l.opts.MaxPoll = max(DefaultMaxPoll, l.opts.MinPoll)
	}
	return l
}

// The scripts change a lease key only while it still holds the caller's
// token, so that a holder whose lease expired cannot extend or delete the
// next holder's.
var (
	renewScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)
)

// Acquire blocks until key is free, then holds it for ttl with a fresh
// random token (Redis SET key token NX PX ttl) and returns the lease, an
// *Lease. While another holder has the key it polls with a growing,
// jittered pause (LockerOptions.MinPoll to MaxPoll).
//
// key must be 1 to MaxKeyLen bytes and ttl at least a millisecond; otherwise
// Acquire returns provider.ErrInvalidArgument naming the argument. On a done
// ctx it returns ctx.Err(). When Redis fails it returns an *provider.Error
// with code Unavailable.
func (l *Locker) Acquire(ctx context.Context, key string, ttl time.Duration) (provider.Lease, error) {
	switch {
	case l.client == nil:
		return nil, errs.Invalid("redisquota: NewLocker was given a nil Redis client")
	case key == "" || len(key) > MaxKeyLen:
		return nil, errs.Invalid("redisquota: lease key has %d bytes; want 1 to %d", len(key), MaxKeyLen)
	case ttl < time.Millisecond:
		return nil, errs.Invalid("redisquota: lease ttl is %v; want at least 1ms", ttl)
	case l.opts.MinPoll < 0 || l.opts.MaxPoll < l.opts.MinPoll:
		return nil, errs.Invalid("redisquota: LockerOptions.MinPoll %v and MaxPoll %v; want 0 <= MinPoll <= MaxPoll", l.opts.MinPoll, l.opts.MaxPoll)
	}
	token, err := newToken()
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Message: "redisquota: make a lease token", Err: err}
	}
	rkey := l.opts.Prefix + key
	pause := l.opts.MinPoll
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ok, err := l.client.SetNX(ctx, rkey, token, ttl).Result()
		if err != nil {
			return nil, l.failed(ctx, "acquire lease "+key, err)
		}
		if ok {
			l.log("lease acquired", key)
			return &Lease{locker: l, key: key, rkey: rkey, token: token}, nil
		}
		// Held: wait no longer than the holder's remaining time to live.
		wait := pause/2 + rand.N(pause/2+1)
		left, err := l.client.PTTL(ctx, rkey).Result()
		if err != nil {
			return nil, l.failed(ctx, "acquire lease "+key, err)
		}
		switch {
		case left == -2: // gone since SET NX: try again at once
			continue
		case left >= 0 && left < wait:
			wait = left + time.Millisecond
		}
		if err := provider.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		// Double the pause up to MaxPoll, without wrapping it negative when
		// MaxPoll is near the largest Duration.
		if pause > l.opts.MaxPoll/2 {
			pause = l.opts.MaxPoll
		} else {
			pause *= 2
		}
	}
}

// Lease is one holder's hold on a key, returned by Locker.Acquire. It
// implements provider.Lease and is safe for concurrent use.
type Lease struct {
	locker *Locker
	key    string // as given to Acquire
	rkey   string // with the prefix
	token  string // never logged or shown
}

var _ provider.Lease = (*Lease)(nil)

// Key returns the key the lease holds, as given to Acquire (without the
// prefix).
func (l *Lease) Key() string { return l.key }

// Renew sets the lease to expire ttl from now, if it still holds the key
// (a Lua script compares the token, then PEXPIRE). When the lease was lost
// (it expired, and the key is free or another holder's) Renew returns an
// *provider.Error with code FailedPrecondition wrapping ErrLeaseLost; the
// caller should stop what the lease guarded, or Acquire again. ttl must be
// at least a millisecond. On a done ctx it returns ctx.Err(); when Redis
// fails, an *provider.Error with code Unavailable.
func (l *Lease) Renew(ctx context.Context, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return errs.Invalid("redisquota: lease ttl is %v; want at least 1ms", ttl)
	}
	n, err := renewScript.Run(ctx, l.locker.client, []string{l.rkey}, l.token, ttl.Milliseconds()).Int64()
	if err != nil {
		return l.locker.failed(ctx, "renew lease "+l.key, err)
	}
	if n == 0 {
		l.locker.log("lease lost", l.key)
		return &errs.Error{
			Code:    errs.FailedPrecondition,
			Message: "redisquota: lease on " + l.key + " expired and is no longer held",
			Err:     ErrLeaseLost,
		}
	}
	return nil
}

// Release gives the key up, if the lease still holds it (a Lua script
// compares the token, then DEL). Releasing a lost lease does nothing and
// returns nil: it never deletes another holder's key. On a done ctx it
// returns ctx.Err(); when Redis fails, an *provider.Error with code
// Unavailable, and the key frees itself when its ttl ends.
func (l *Lease) Release(ctx context.Context) error {
	n, err := releaseScript.Run(ctx, l.locker.client, []string{l.rkey}, l.token).Int64()
	if err != nil {
		return l.locker.failed(ctx, "release lease "+l.key, err)
	}
	if n == 0 {
		l.locker.log("released a lease that was already lost", l.key)
	} else {
		l.locker.log("lease released", l.key)
	}
	return nil
}

func (l *Locker) failed(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &errs.Error{Code: errs.Unavailable, Message: "redisquota: " + what, Err: err}
}

func (l *Locker) log(msg, key string) {
	if l.opts.Logger != nil {
		l.opts.Logger.LogAttrs(context.Background(), slog.LevelDebug, "redisquota: "+msg, slog.String("key", key))
	}
}

// newToken returns 128 random bits in hex: the value only this holder knows.
func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := cryptorand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
