package provider_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/provider"
)

func TestBackoffGrowsWithinBounds(t *testing.T) {
	b := provider.Backoff{Min: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	for attempt, ceil := range []time.Duration{10, 20, 40, 80, 80, 80} {
		ceil *= time.Millisecond
		for i := 0; i < 50; i++ {
			d := b.Delay(attempt)
			if d < ceil/2 || d > ceil {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", attempt, d, ceil/2, ceil)
			}
		}
	}
}

// A Max near the largest Duration ("no cap") must not let the doubling
// overflow: Delay then stays within [Max/2, Max] instead of panicking in
// rand.Int63n on a negative range.
func TestBackoffDoesNotOverflow(t *testing.T) {
	for _, tc := range []struct {
		b       provider.Backoff
		attempt int
	}{
		{provider.Backoff{Min: time.Second, Max: math.MaxInt64}, 40},
		{provider.Backoff{Min: time.Second, Max: math.MaxInt64}, 100},
		{provider.Backoff{Min: 1 << 62, Max: math.MaxInt64}, 1},
	} {
		if d := tc.b.Delay(tc.attempt); d < tc.b.Max/2 || d > tc.b.Max {
			t.Errorf("%+v: Delay(%d) = %v, want within [Max/2, Max]", tc.b, tc.attempt, d)
		}
	}
}

func TestRetryDo(t *testing.T) {
	throttled := &provider.Error{Code: provider.ResourceExhausted}
	for _, tc := range []struct {
		name      string
		errs      []error
		wantCalls int
		wantErr   error
	}{
		{"success first", []error{nil}, 1, nil},
		{"throttled then ok", []error{throttled, throttled, nil}, 3, nil},
		{"gives up", []error{throttled, throttled, throttled, throttled}, 3, provider.ErrResourceExhausted},
		{"not retryable", []error{&provider.Error{Code: provider.InvalidArgument}, nil}, 1, provider.ErrInvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			p := provider.RetryPolicy{MaxAttempts: 3, Backoff: provider.Backoff{Min: time.Microsecond, Max: time.Microsecond}}
			err := p.Do(context.Background(), func(context.Context) error {
				err := tc.errs[calls]
				calls++
				return err
			})
			if calls != tc.wantCalls || !errors.Is(err, tc.wantErr) && err != tc.wantErr {
				t.Errorf("calls %d, err %v; want %d, %v", calls, err, tc.wantCalls, tc.wantErr)
			}
		})
	}
}

func TestRetryDoReportsTheContextsError(t *testing.T) {
	for name, fnErr := range map[string]error{
		"retryable":     &provider.Error{Code: provider.ResourceExhausted},
		"not retryable": &provider.Error{Code: provider.Unavailable, Message: "connection reset"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		p := provider.RetryPolicy{Backoff: provider.Backoff{Min: time.Hour, Max: time.Hour}}
		calls := 0
		err := p.Do(ctx, func(context.Context) error {
			calls++
			cancel()
			return fnErr
		})
		if err != context.Canceled || calls != 1 {
			t.Errorf("%s: Do = %v after %d calls; want context.Canceled itself after 1", name, err, calls)
		}
	}
}

func TestRateLimiterIsPerAction(t *testing.T) {
	l := provider.NewRateLimiter(1) // burst 1
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := l.Wait(ctx, provider.Call{Action: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx, provider.Call{Action: "B"}); err != nil {
		t.Fatalf("another action shares A's budget: %v", err)
	}
	short, cancel2 := context.WithTimeout(ctx, time.Millisecond)
	defer cancel2()
	if err := l.Wait(short, provider.Call{Action: "A"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second A call within the second: %v, want it to exceed the deadline", err)
	}
}
