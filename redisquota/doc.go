// Package redisquota shares cloudexport's rate limits and job leases between
// processes through Redis, so that N replicas of a service stay within one
// vendor quota between them and run ROMA Connect's one export job per
// instance one at a time.
//
// It is a package of its own so that programs that do not use Redis do not
// compile the Redis client. It uses github.com/redis/go-redis/v9 and
// github.com/go-redis/redis_rate/v10, and accepts any redis.UniversalClient:
// a single node, sentinel or cluster.
//
// # Rate limits
//
// NewLimiter returns a provider.Limiter for the adapters' Options.Limiter.
// Each provider.Call is paced by its Key() — provider, account fingerprint,
// region, service and action — in a GCRA schedule (redis_rate) kept at the
// Redis key "rate:" + prefix + Call.Key(), where the prefix defaults to
// DefaultRatePrefix and "rate:" is redis_rate's own. The rate is
// LimiterOptions.Rate calls per second (DefaultRate, 20, unless set),
// chosen per call by LimiterOptions.RateFor.
//
// No bursts: each Wait books the next free slot of the schedule, one
// emission interval (1 s / rate) after the previous slot on Redis's clock,
// and returns at that slot, so no one-second window holds more than the
// rate, across every replica. (In redis_rate's terms the burst is how far
// ahead a slot may be booked — a second, or less when ctx's deadline is
// sooner — not how many calls may go at once.) Because the slot is booked
// before the caller sleeps, a caller that wakes a few milliseconds late
// does not cost the others their slots: the achieved rate is the configured
// one, however many replicas queue. An earlier version asked for the
// current slot only (burst 1) and lost the lateness of every wake-up, which
// on a loaded 2-core machine put three replicas at 17.5–19.2/s for a
// configured 19.5.
//
// A strict vendor counts arrivals, not slots: the time from slot to arrival
// varies with scheduling, and a late call can arrive close to the next
// one. Against a vendor that refuses the 21st call in any second, leave
// room: at 19/s for a quota of 20 (intervals 2.6 ms longer, so 20
// intervals are 52 ms over a second), three replicas, run 4 and 6 at once
// on a loaded 2-core machine, saw no refusal in 24 runs and created at
// 18.99–19.04/s; at 19.5/s 3 runs in 12 saw one or two refusals.
//
// Wait honours its context: a caller who cannot book a slot within a
// second sleeps on a timer until it can, and a cancelled or expiring
// context ends the wait with ctx.Err() (context.DeadlineExceeded at once
// when the next slot lies beyond the deadline). A caller whose context ends
// while it sleeps leaves its booked slot unused.
//
// # Adaptive back-off
//
// Limiter implements provider.Adaptive. Each throttled answer multiplies
// the call's rate by 0.7, down to 5% of the configured rate; each answer
// that was not throttled gives back 2% until the rate is whole. The back-off
// is kept per Limiter (per replica) rather than in Redis, because Observe
// has no context to bound a Redis round trip with and the throttled answer
// reaches only the replica that sent the call; it still slows all replicas,
// since an admission at the lower rate reserves a longer interval in the
// schedule every replica waits on. Throttles are reported to
// LimiterOptions.OnThrottle and logged at debug level; Limiter.Rate says
// the rate a call is paced at now.
//
// # When Redis fails
//
// By default the limiter fails closed: Wait returns an *provider.Error with
// code Unavailable naming the call's provider, service and action, and the
// adapters do not send the call. With LimiterOptions.FailOpen, Wait instead
// paces the call in this process at its rate and lets it through, so each
// replica keeps the rate on its own until Redis is back (N replicas may then
// send up to N times the shared rate). Either way the failure is logged at
// warn level when a Logger is set.
//
// # Leases
//
// NewLocker returns a provider.Locker for the Huawei adapter's
// Options.Locker. A lease is the Redis key prefix + key (DefaultLeasePrefix,
// so "cloudexport:lease:huawei/roma/<project id>/<instance id>") set with
// SET NX PX to a random 128-bit token. Acquire polls with a growing, jittered pause until
// the key is free or its context ends. Renew and Release run Lua scripts that
// compare the token before PEXPIRE or DEL, so a holder whose lease expired
// can neither extend nor delete the next holder's. Renew of a lost lease
// fails with an error wrapping ErrLeaseLost (code FailedPrecondition); the
// holder must then stop relying on it. A holder that vanishes without
// Release frees the key when its ttl ends.
//
// The Huawei adapter takes the lease before ROMA's ExportAsset, renews it on
// each poll that sees the job running and releases it when a poll sees the
// job end (package huawei documents the rules and huawei.ROMALeaseTTL).
//
// Redis's expiry is the only clock a lease trusts, and a pause longer than
// the ttl (a stopped process, a long garbage collection) can let two holders
// believe they hold the key at once: choose a ttl well above the renewal
// period, and renew at a third of it or more often.
//
// # Tests
//
// The package's tests start a redis-server from PATH on a free loopback
// port. Where none is installed they say so and use an in-process
// github.com/alicebob/miniredis/v2 instead, which runs redis_rate's and the
// lease scripts' Lua and, with its ClockTTL mode, expires keys as Redis
// does. CI installs Debian's redis-server and sets
// REDISQUOTA_REQUIRE_REDIS_SERVER=1, which turns a missing redis-server into
// a failure instead of the fallback. The 3-replica proof of issue 10
// (replicas_test.go) runs with them: three Tencent providers export through
// one strict emulator quota of 20/s, and the slots Redis reserved for them
// hold no more than their shared 19/s in any second; three Huawei providers
// run ROMA jobs one at a time. The tests judge the Limiter by those slots,
// read from redis_rate's answers, because they hold under any load; what the
// emulator counts (throttling answers, the rate achieved) also depends on
// how promptly the machine runs each caller, so BenchmarkReplicas measures
// it.
package redisquota
