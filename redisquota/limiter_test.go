package redisquota_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/redisquota"
)

var createCall = provider.Call{Provider: "tencent", Account: "a1b2c3", Region: "ap-guangzhou", Service: "tcss", Action: "CreateComponentExportJob"}

// TestSharedRate runs three replicas, each its own Limiter on its own Redis
// connection pool with three callers, against one call key, and checks the
// slots Redis reserved (see slotLog): no one-second window holds more than
// the rate, and no Wait returned before its slot. Both hold however late the
// machine runs the callers, so the test asks for a number of admissions
// rather than running for a time.
func TestSharedRate(t *testing.T) {
	const (
		replicas = 3
		callers  = 3 // per replica
		rounds   = 3 // admissions per caller: 27, 2.6 s at the rate
		rate     = 10
	)
	p := prefix(t)
	key := "rate:" + p + createCall.Key() // redis_rate puts "rate:" first
	var log slotLog
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // only against a hang
	defer cancel()

	var (
		mu    sync.Mutex
		early []string
		errs  []error
		wg    sync.WaitGroup
	)
	for range replicas {
		client := newClient(t)
		log.watch(client)
		l := redisquota.NewLimiter(client, &redisquota.LimiterOptions{Prefix: p, Rate: rate})
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					rctx, rec := withSlotRecord(ctx)
					err := l.Wait(rctx, createCall)
					returned := time.Now()
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					switch s, ok := rec.get(); {
					case !ok:
						early = append(early, "Wait returned nil without an admission from Redis")
					case returned.Before(s.earliest):
						early = append(early, fmt.Sprintf("Wait returned %v before its slot", s.earliest.Sub(returned)))
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
	for _, e := range early {
		t.Error(e)
	}
	slots := log.slots(t, key)
	if want := replicas * callers * rounds; len(slots) != want {
		t.Errorf("Redis granted %d slots; want %d, one per Wait", len(slots), want)
	}
	if got := mostInWindow(slots, time.Second); got > rate {
		t.Errorf("%d slots in one second across %d replicas; want at most the rate, %d", got, replicas, rate)
	}
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
