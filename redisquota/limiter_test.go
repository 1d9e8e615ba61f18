package redisquota_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/redisquota"
)

var createCall = provider.Call{Provider: "tencent", Account: "a1b2c3", Region: "ap-guangzhou", Service: "tcss", Action: "CreateComponentExportJob"}

// maxInWindow returns the most timestamps in any half-open window of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestSharedRate runs three replicas, each its own Limiter on its own Redis
// connection pool with three callers, against one call key, and counts the
// admissions in every one-second window.
//
// Admissions are at least 1/rate apart on Redis's clock; the test stamps
// them when Wait returns, which can move a stamp by the scheduling delay
// between Redis's answer and the caller. So a window of the observer's clock
// may hold one more than the rate (a delay below one emission interval moves
// at most one admission into a window), and the span of all admissions
// bounds their number exactly.
func TestSharedRate(t *testing.T) {
	const (
		replicas = 3
		callers  = 3 // per replica
		rate     = 10
		run      = 2500 * time.Millisecond
	)
	p := prefix(t)
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()

	var (
		mu   sync.Mutex
		ts   []time.Time
		errs []error
		wg   sync.WaitGroup
	)
	for range replicas {
		l := redisquota.NewLimiter(newClient(t), &redisquota.LimiterOptions{Prefix: p, Rate: rate})
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					err := l.Wait(ctx, createCall)
					now := time.Now()
					mu.Lock()
					switch {
					case err == nil:
						ts = append(ts, now)
					case errors.Is(err, context.DeadlineExceeded):
						mu.Unlock()
						return
					default:
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("Wait failed: %v", errors.Join(errs...))
	}
	if len(ts) < 2 {
		t.Fatalf("%d admissions in %v at %d/s; want at least 2", len(ts), run, rate)
	}
	if got := maxInWindow(ts, time.Second); got > rate+1 {
		t.Errorf("%d admissions in one second; want at most %d (rate %d, burst 1, plus one for stamping delay)", got, rate+1, rate)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	span := ts[len(ts)-1].Sub(ts[0])
	// n admissions need n-1 intervals of 1/rate; allow one interval of
	// stamping delay.
	if most := int(math.Floor(span.Seconds()*rate)) + 2; len(ts) > most {
		t.Errorf("%d admissions in %v; want at most %d at %d/s", len(ts), span, most, rate)
	}
	t.Logf("%d admissions in %v by %d replicas; busiest second held %d", len(ts), span.Round(time.Millisecond), replicas, maxInWindow(ts, time.Second))
}

// TestKeysIndependent checks that calls differing in any part of their key
// do not share a schedule, and that the schedule lives under the prefix.
func TestKeysIndependent(t *testing.T) {
	client := newClient(t)
	p := prefix(t)
	// One call per 100 s: a second admission of the same key cannot happen
	// within the test.
	l := redisquota.NewLimiter(client, &redisquota.LimiterOptions{Prefix: p, Rate: 0.01})
	others := map[string]provider.Call{}
	for _, part := range []string{"Provider", "Account", "Region", "Service", "Action"} {
		c := createCall
		switch part {
		case "Provider":
			c.Provider = "huawei"
		case "Account":
			c.Account = "d4e5f6"
		case "Region":
			c.Region = "ap-shanghai"
		case "Service":
			c.Service = "cwp"
		case "Action":
			c.Action = "DescribeComponentExportJob"
		}
		others[part] = c
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Wait(ctx, createCall); err != nil {
		t.Fatalf("first Wait: %v", err)
	}
	n, err := client.Exists(ctx, "rate:"+p+createCall.Key()).Result()
	if err != nil || n != 1 {
		t.Errorf("schedule key %q: exists %d, %v; want 1", "rate:"+p+createCall.Key(), n, err)
	}
	// The same key again must wait 100 s, beyond this deadline.
	short, cancelShort := context.WithTimeout(ctx, 10*time.Second)
	defer cancelShort()
	if err := l.Wait(short, createCall); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Wait on the same key = %v; want context.DeadlineExceeded", err)
	}
	for part, c := range others {
		if err := l.Wait(short, c); err != nil {
			t.Errorf("Wait on a call with another %s = %v; want nil (its own schedule)", part, err)
		}
	}
}

func TestWaitHonoursContext(t *testing.T) {
	l := redisquota.NewLimiter(newClient(t), &redisquota.LimiterOptions{Prefix: prefix(t), Rate: 0.01})
	if err := l.Wait(context.Background(), createCall); err != nil {
		t.Fatalf("first Wait: %v", err)
	}

	t.Run("cancelled while waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- l.Wait(ctx, createCall) }()
		time.Sleep(50 * time.Millisecond) // let it reach the timer (it works without)
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Wait = %v; want exactly context.Canceled", err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		other := createCall
		other.Action = "Fresh" // free: only the done ctx stops it
		if err := l.Wait(ctx, other); err != context.Canceled {
			t.Errorf("Wait = %v; want exactly context.Canceled", err)
		}
	})
	t.Run("deadline before the next slot", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Wait(ctx, createCall); err != context.DeadlineExceeded {
			t.Errorf("Wait = %v; want exactly context.DeadlineExceeded (the slot is 100 s away)", err)
		}
	})
}

func TestInvalidOptions(t *testing.T) {
	client := newClient(t)
	tests := map[string]struct {
		client bool
		opts   *redisquota.LimiterOptions
		want   string // in the message
	}{
		"nil client":          {opts: nil, want: "nil Redis client"},
		"negative rate":       {client: true, opts: &redisquota.LimiterOptions{Rate: -1}, want: "LimiterOptions.Rate is -1"},
		"NaN rate":            {client: true, opts: &redisquota.LimiterOptions{Rate: math.NaN()}, want: "LimiterOptions.Rate is NaN"},
		"infinite rate":       {client: true, opts: &redisquota.LimiterOptions{Rate: math.Inf(1)}, want: "LimiterOptions.Rate is +Inf"},
		"rate above MaxRate":  {client: true, opts: &redisquota.LimiterOptions{Rate: redisquota.MaxRate + 1}, want: "want calls per second from 0.001 to 100000"},
		"rate below MinRate":  {client: true, opts: &redisquota.LimiterOptions{Rate: 1e-12}, want: "LimiterOptions.Rate is 1e-12"},
		"RateFor is negative": {client: true, opts: &redisquota.LimiterOptions{RateFor: func(provider.Call) float64 { return -2 }}, want: "LimiterOptions.RateFor(" + createCall.Key() + ") is -2"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var l *redisquota.Limiter
			if tt.client {
				tt.opts.Prefix = prefix(t)
				l = redisquota.NewLimiter(client, tt.opts)
			} else {
				l = redisquota.NewLimiter(nil, tt.opts)
			}
			err := l.Wait(context.Background(), createCall)
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Wait = %v; want ErrInvalidArgument saying %q", err, tt.want)
			}
			if tt.client {
				keys, err := client.Keys(context.Background(), "*"+prefix(t)+"*").Result()
				if err != nil || len(keys) != 0 {
					t.Errorf("keys written: %v, %v; want none (bad options never reach Redis)", keys, err)
				}
			}
		})
	}
}

func TestRateFor(t *testing.T) {
	rates := map[string]float64{"tcss.DescribeComponentExportJob": 50}
	l := redisquota.NewLimiter(newClient(t), &redisquota.LimiterOptions{
		Rate:    5,
		RateFor: func(c provider.Call) float64 { return rates[c.Service+"."+c.Action] },
	})
	poll := createCall
	poll.Action = "DescribeComponentExportJob"
	for c, want := range map[provider.Call]float64{createCall: 5, poll: 50} {
		if got, err := l.Rate(c); err != nil || got != want {
			t.Errorf("Rate(%s) = %v, %v; want %v", c.Action, got, err, want)
		}
	}
	if got, _ := redisquota.NewLimiter(newClient(t), nil).Rate(createCall); got != redisquota.DefaultRate {
		t.Errorf("Rate with nil options = %v; want DefaultRate %d", got, redisquota.DefaultRate)
	}
}

func TestRedisDown(t *testing.T) {
	t.Run("fail closed", func(t *testing.T) {
		l := redisquota.NewLimiter(deadClient(t), nil)
		err := l.Wait(context.Background(), createCall)
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Code != provider.Unavailable {
			t.Fatalf("Wait = %v; want a *provider.Error with code Unavailable", err)
		}
		if pe.Provider != "tencent" || pe.Service != "tcss" || pe.Action != createCall.Action {
			t.Errorf("error names %q %q %q; want the call's provider, service and action", pe.Provider, pe.Service, pe.Action)
		}
	})
	t.Run("fail open paces in-process", func(t *testing.T) {
		l := redisquota.NewLimiter(deadClient(t), &redisquota.LimiterOptions{Rate: 0.01, FailOpen: true})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Wait(ctx, createCall); err != nil {
			t.Fatalf("first Wait = %v; want nil (failing open)", err)
		}
		if err := l.Wait(ctx, createCall); err != context.DeadlineExceeded {
			t.Errorf("second Wait = %v; want context.DeadlineExceeded (the local pace allows one per 100 s)", err)
		}
	})
}

func TestAdaptive(t *testing.T) {
	var (
		mu    sync.Mutex
		rates []float64
		logs  bytes.Buffer
	)
	l := redisquota.NewLimiter(newClient(t), &redisquota.LimiterOptions{
		Prefix: prefix(t),
		Rate:   20,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnThrottle: func(c provider.Call, rate float64) {
			mu.Lock()
			defer mu.Unlock()
			if c != createCall {
				t.Errorf("OnThrottle for %v; want %v", c, createCall)
			}
			rates = append(rates, rate)
		},
	})
	rate := func(c provider.Call) float64 {
		t.Helper()
		r, err := l.Rate(c)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

	l.Observe(createCall, false)
	if r := rate(createCall); r != 20 {
		t.Errorf("rate after a success = %v; want 20", r)
	}
	l.Observe(createCall, true)
	l.Observe(createCall, true)
	if r := rate(createCall); !near(r, 20*0.7*0.7) {
		t.Errorf("rate after two throttles = %v; want %v", r, 20*0.7*0.7)
	}
	other := createCall
	other.Action = "DescribeComponentExportJob"
	if r := rate(other); r != 20 {
		t.Errorf("another action's rate = %v; want 20 (back-off is per call key)", r)
	}
	for range 100 {
		l.Observe(createCall, true)
	}
	if r := rate(createCall); !near(r, 1) {
		t.Errorf("rate after 102 throttles = %v; want the floor, 5%% of 20 = 1", r)
	}
	mu.Lock()
	if len(rates) != 102 || !near(rates[0], 14) || !near(rates[101], 1) {
		t.Errorf("OnThrottle saw %d rates from %v to %v; want 102 from 14 to 1", len(rates), rates[0], rates[len(rates)-1])
	}
	mu.Unlock()
	for range 60 {
		l.Observe(createCall, false)
	}
	if r := rate(createCall); r != 20 {
		t.Errorf("rate after 60 successes = %v; want 20 again", r)
	}
	for _, want := range []string{
		`level=DEBUG msg="redisquota: throttled; backing off" call=` + createCall.Key() + ` rate=14`,
		`level=DEBUG msg="redisquota: rate recovered" call=` + createCall.Key(),
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestBackoffIsShared checks that one replica's back-off slows the others: an
// admission at the lower rate reserves a longer interval in the shared
// schedule.
func TestBackoffIsShared(t *testing.T) {
	p := prefix(t)
	opts := &redisquota.LimiterOptions{Prefix: p, Rate: 1}
	slow := redisquota.NewLimiter(newClient(t), opts)
	fast := redisquota.NewLimiter(newClient(t), opts)
	for range 20 {
		slow.Observe(createCall, true) // down to 5%: one call per 20 s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := slow.Wait(ctx, createCall); err != nil {
		t.Fatal(err)
	}
	// At its own rate fast would be admitted within 1 s; the shared
	// schedule holds it for about 20.
	short, cancelShort := context.WithTimeout(ctx, 5*time.Second)
	defer cancelShort()
	if err := fast.Wait(short, createCall); err != context.DeadlineExceeded {
		t.Errorf("other replica's Wait = %v; want context.DeadlineExceeded (the backed-off admission reserved 20 s)", err)
	}
}
