package emulator

import (
	"math"
	"time"
)

// rateLimit enforces a strict per-action rate: at most n requests of one
// action are accepted in any window of length window. Requests it refuses
// do not count towards the window. The zero value enforces nothing.
type rateLimit struct {
	n        int
	window   time.Duration
	accepted map[string][]time.Time // per action, the accept times of the last n, oldest first
}

// allow reports whether a request for action arriving at now is within the
// limit, and if so counts it. Callers hold Base.mu.
func (r *rateLimit) allow(action string, now time.Time) bool {
	if r.n <= 0 {
		return true
	}
	if r.accepted == nil {
		r.accepted = map[string][]time.Time{}
	}
	log := r.accepted[action]
	if len(log) >= r.n && now.Sub(log[len(log)-r.n]) < r.window {
		return false
	}
	if len(log) >= r.n {
		log = append(log[:0], log[len(log)-r.n+1:]...)
	}
	r.accepted[action] = append(log, now)
	return true
}

// SetRateLimit makes the server enforce, strictly, at most rps requests per
// second for each action, as TCSS documents 20 per second per action: a
// request that would be the (rps+1)th accepted in any one-second window (a
// sliding window) is answered with the vendor's throttling error (the same
// answer as an injected Throttle fault) and does not count. A rate below 1,
// or with a fraction, is enforced as n = max(1, floor(rps)) requests in any
// window of n/rps seconds. Downloads count under their own action name.
// rps <= 0 removes the limit, which is the default.
func (b *Base) SetRateLimit(rps float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !(rps > 0) || math.IsInf(rps, 0) {
		b.limit = rateLimit{}
		return
	}
	n := max(1, int(math.Min(math.Floor(rps), 1e6)))
	b.limit = rateLimit{n: n, window: time.Duration(float64(n) / rps * float64(time.Second))}
}

// Throttled reports how many requests the server has answered with the
// vendor's throttling error, whether because of SetRateLimit or an injected
// Throttle fault.
func (b *Base) Throttled() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.throttled
}
