package provider

import (
	"math"
	"testing"
	"time"
)

// TestRateLimiterScheduleHasNoBurst reserves 3*rps calls that all arrive at
// once and checks the schedule x/time/rate hands out: no one-second window
// (at the vendor, which may see the first call late by up to Guard) holds
// more than rps calls.
func TestRateLimiterScheduleHasNoBurst(t *testing.T) {
	for _, rps := range []float64{1, 5, 20, 100} {
		l := NewRateLimiter(rps)
		l.mu.Lock()
		lim := l.key(Call{Action: "A"}).lim
		l.mu.Unlock()
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var at []time.Time
		for i := 0; i < 3*int(rps); i++ {
			r := lim.ReserveN(t0, 1)
			if !r.OK() {
				t.Fatalf("rps %v: reservation %d refused", rps, i)
			}
			at = append(at, t0.Add(r.DelayFrom(t0)))
		}
		n := int(rps)
		for i := n; i < len(at); i++ {
			// calls i-n .. i are n+1 calls: they must span more than a second plus the guard.
			if span := at[i].Sub(at[i-n]); span < time.Second+l.opts.Guard-time.Microsecond { // x/time/rate rounds to the nanosecond
				t.Fatalf("rps %v: calls %d..%d within %v; want at least %v", rps, i-n, i, span, time.Second+l.opts.Guard)
			}
		}
		if at[1].Sub(at[0]) <= 0 {
			t.Errorf("rps %v: the second call is not paced after the first (burst above 1)", rps)
		}
	}
}

// TestRateLimiterAdapts checks the multiplicative cut on a throttled answer,
// the cooldown that counts a volley as one signal, the floor, the callback,
// and the linear recovery as calls succeed.
func TestRateLimiterAdapts(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type seen struct {
		key  string
		rate float64
	}
	var got []seen
	l := NewAdaptiveRateLimiter(20, RateLimiterOptions{OnThrottle: func(c Call, r float64) { got = append(got, seen{c.Key(), r}) }})
	l.now = func() time.Time { return now }
	a, b := Call{Provider: "p", Action: "A"}, Call{Provider: "p", Action: "B"}
	step := func(d time.Duration, c Call, throttled bool) float64 {
		now = now.Add(d)
		l.Observe(c, throttled)
		return l.Rate(c)
	}
	for _, tc := range []struct {
		name      string
		after     time.Duration
		call      Call
		throttled bool
		want      float64
	}{
		{"success at full rate stays", 0, a, false, 20},
		{"throttle cuts by 0.7", 0, a, true, 14},
		{"a second throttle within the cooldown does not cut again", 100 * time.Millisecond, a, true, 14},
		{"another action is untouched", 0, b, false, 20},
		{"after the cooldown it cuts again", time.Second, a, true, 9.8},
		{"success 1s later recovers 2/s (20 per 10s)", time.Second, a, false, 11.8},
		{"still below 90% of the refused 14: fast", time.Second, a, false, 13.8},
		{"from 90% of the refused 14: ten times slower", time.Second, a, false, 14},
		{"recovery stops at rps", 10 * time.Minute, a, false, 20},
	} {
		if r := step(tc.after, tc.call, tc.throttled); r < tc.want-1e-9 || r > tc.want+1e-9 {
			t.Fatalf("%s: rate %v, want %v", tc.name, r, tc.want)
		}
	}
	want := []seen{{"p///.A", 14}, {"p///.A", 14}, {"p///.A", 9.8}}
	if len(got) != len(want) {
		t.Fatalf("OnThrottle calls %v, want %v", got, want)
	}
	for i := range want {
		if got[i].key != want[i].key || got[i].rate < want[i].rate-1e-9 || got[i].rate > want[i].rate+1e-9 {
			t.Errorf("OnThrottle call %d: %v, want %v", i, got[i], want[i])
		}
	}
	for i := 0; i < 20; i++ {
		step(2*time.Second, a, true)
	}
	if r := l.Rate(a); r != 2 {
		t.Errorf("after many throttles the rate is %v; want the floor of rps/10 = 2", r)
	}
	var _ Adaptive = l
	var _ Limiter = l
}

// TestRateLimiterAdmitCountsCallsLetThrough checks the second line of
// defence: calls the machine let out late, in a bunch, are held so that no
// rps+1 go out within a second plus the guard.
func TestRateLimiterAdmitCountsCallsLetThrough(t *testing.T) {
	l := NewRateLimiter(3)
	c := Call{Action: "A"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	window := time.Second + l.opts.Guard
	pace := func(c Call) *keyPace {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.key(c)
	}
	for _, tc := range []struct {
		at   int // ms after t0
		want time.Duration
	}{
		{0, 0},
		{500, 0},
		{510, 0},                             // three within the window: fine
		{520, window - 520*time.Millisecond}, // a fourth waits for the first to leave the window
		{1025, 0},
		{1100, window - 600*time.Millisecond}, // 500, 510, 1025 are within the window
	} {
		if got := l.admit(pace(c), ms(tc.at)); got != tc.want {
			t.Errorf("admit at %dms: wait %v, want %v", tc.at, got, tc.want)
		}
	}
	if got := l.admit(pace(Call{Action: "B"}), ms(1100)); got != 0 {
		t.Errorf("another action waits %v", got)
	}
}

// Observe skips a success while no key is slowed; the count of slowed keys
// must follow every cut and every full recovery, or a slowed key would
// never climb back (too low) or every success would take the slow path
// (too high).
func TestRateLimiterCountsSlowedKeys(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewRateLimiter(20)
	l.now = func() time.Time { return now }
	a, b := Call{Action: "A"}, Call{Action: "B"}
	for _, tc := range []struct {
		name      string
		after     time.Duration
		call      Call
		throttled bool
		want      int64
	}{
		{"success at full rate", 0, a, false, 0},
		{"a is cut", 0, a, true, 1},
		{"a is cut again after the cooldown", 2 * time.Second, a, true, 1},
		{"b is cut", 0, b, true, 2},
		{"a climbs part way", time.Second, a, false, 2},
		{"a recovers fully", 10 * time.Minute, a, false, 1},
		{"b recovers fully", 0, b, false, 0},
		{"success at full rate again", time.Second, b, false, 0},
	} {
		now = now.Add(tc.after)
		l.Observe(tc.call, tc.throttled)
		if got := l.slowed.Load(); got != tc.want {
			t.Fatalf("%s: %d slowed keys, want %d", tc.name, got, tc.want)
		}
	}
}

// The limiter looks keys up by appendKey; a limiter shared across processes
// keys its state by Key: both must spell a call alike.
func TestAppendKeyIsKey(t *testing.T) {
	for _, c := range []Call{
		{},
		{Provider: "huawei", Region: "cn-north-4", Service: "hss", Action: "ExportContainerList"},
		{Provider: "tencent", Account: "0123456789abcdef", Region: "ap-guangzhou", Service: "tcss", Action: "CreateComponentExportJob"},
	} {
		if got, want := string(c.appendKey(nil)), c.Key(); got != want {
			t.Errorf("appendKey(%+v) = %q, Key = %q", c, got, want)
		}
	}
}

// TestRateLimiterNaNTakesTheDefaults feeds NaN, which every range check
// (x <= 0, x >= 1) lets through, as rps and as each option: it must take
// the default like any out-of-range value. A NaN rate is no rate at all:
// x/time/rate and the window count then let every call through, so a NaN
// floor or factor would switch pacing off at the first throttled answer.
func TestRateLimiterNaNTakesTheDefaults(t *testing.T) {
	nan := math.NaN()
	c := Call{Action: "A"}
	for _, tc := range []struct {
		name string
		rps  float64
		opts RateLimiterOptions
		want float64 // the rate after one throttled answer
	}{
		{"rps", nan, RateLimiterOptions{}, 20 * 0.7},
		{"MinRate", 10, RateLimiterOptions{MinRate: nan}, 10 * 0.7},
		{"Backoff", 10, RateLimiterOptions{Backoff: nan}, 10 * 0.7},
	} {
		l := NewAdaptiveRateLimiter(tc.rps, tc.opts)
		l.Observe(c, true)
		if got := l.Rate(c); !(math.Abs(got-tc.want) <= 1e-9) { // NaN fails every comparison
			t.Errorf("%s NaN: rate after a throttled answer = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestRateLimiterRecoveryTime pins what RateLimiterOptions.Recovery's doc
// says of the defaults: after one cut from rps, calls succeeding every 100ms
// bring the rate back to 90% of rps in about 2 seconds and to rps about
// 9 seconds later (the doc used to say the cut was made good in about 3
// seconds).
func TestRateLimiterRecoveryTime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewRateLimiter(20)
	l.now = func() time.Time { return now }
	c := Call{Provider: "p", Action: "A"}
	l.Observe(c, true)
	var at90, atFull time.Duration
	for elapsed := time.Duration(0); elapsed < time.Minute && atFull == 0; {
		now = now.Add(100 * time.Millisecond)
		elapsed += 100 * time.Millisecond
		l.Observe(c, false)
		r := l.Rate(c)
		if at90 == 0 && r >= 18-1e-9 {
			at90 = elapsed
		}
		if r == 20 {
			atFull = elapsed
		}
	}
	if at90 < 1900*time.Millisecond || at90 > 2100*time.Millisecond {
		t.Errorf("90%% of rps after %v; want about 2s", at90)
	}
	if atFull < 10500*time.Millisecond || atFull > 12500*time.Millisecond {
		t.Errorf("full rps after %v; want about 11s", atFull)
	}
}
