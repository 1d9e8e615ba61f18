package emulator

import (
	"context"
	"testing"
	"time"
)

func TestRateLimitWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	r := rateLimit{n: 3, window: time.Second}
	for _, tc := range []struct {
		action string
		at     int // ms after t0
		want   bool
	}{
		{"A", 0, true},
		{"A", 100, true},
		{"A", 200, true},
		{"A", 300, false},  // a fourth within the second of the first
		{"B", 300, true},   // another action has its own window
		{"A", 999, false},  // still within 1s of the first accepted
		{"A", 1000, true},  // the first has left the window; refusals did not count
		{"A", 1099, false}, // 100, 200, 1000 are within the second
		{"A", 1100, true},
		{"A", 1250, true},
		{"A", 1999, false},
	} {
		if got := r.allow(tc.action, ms(tc.at)); got != tc.want {
			t.Errorf("%s at %dms: allowed %v, want %v", tc.action, tc.at, got, tc.want)
		}
	}
	var off rateLimit
	for i := 0; i < 3; i++ {
		if !off.allow("A", t0) {
			t.Fatalf("the zero rateLimit refused request %d", i)
		}
	}
}

func TestBeginThrottlesOverTheRateAndCounts(t *testing.T) {
	var b Base
	b.Init()
	b.SetRateLimit(2)
	ctx := context.Background()
	var kinds []FaultKind
	for i := 0; i < 3; i++ {
		f, ok := b.Begin(ctx, "A")
		if !ok {
			t.Fatal("Begin returned !ok on a live context")
		}
		var k FaultKind
		if f != nil {
			k = f.Kind
		}
		kinds = append(kinds, k)
	}
	if kinds[0] != 0 || kinds[1] != 0 || kinds[2] != Throttle {
		t.Errorf("faults %v; want none, none, Throttle", kinds)
	}
	b.Inject(Fault{Action: "B", Kind: Throttle})
	if f, _ := b.Begin(ctx, "B"); f == nil || f.Kind != Throttle {
		t.Errorf("injected throttle: %v", f)
	}
	if got := b.Throttled(); got != 2 {
		t.Errorf("Throttled() = %d, want 2 (one over the rate, one injected)", got)
	}
	if got := b.Requests(); got != 4 {
		t.Errorf("Requests() = %d, want 4", got)
	}
	b.SetRateLimit(0)
	if f, _ := b.Begin(ctx, "A"); f != nil {
		t.Errorf("SetRateLimit(0) still throttles: %v", f)
	}
}

func TestSetRateLimitWindow(t *testing.T) {
	for _, tc := range []struct {
		rps    float64
		n      int
		window time.Duration
	}{
		{20, 20, time.Second},
		{0.5, 1, 2 * time.Second},
		{2.5, 2, 800 * time.Millisecond},
		{0, 0, 0},
		{-1, 0, 0},
	} {
		var b Base
		b.SetRateLimit(tc.rps)
		if b.limit.n != tc.n || b.limit.window != tc.window {
			t.Errorf("SetRateLimit(%v): %d per %v, want %d per %v", tc.rps, b.limit.n, b.limit.window, tc.n, tc.window)
		}
	}
}
