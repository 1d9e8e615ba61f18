package provider_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/provider"
)

// tryAcquire acquires key on l within a short wait; it returns nil when the
// key stayed held. Use it only to show a key held: a free key can also miss
// a 30ms deadline on a loaded machine. acquireFree shows a key free.
func tryAcquire(t *testing.T, l provider.Locker, key string, ttl time.Duration) provider.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	lease, err := l.Acquire(ctx, key, ttl)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	if err != nil {
		t.Fatalf("Acquire(%q): %v", key, err)
	}
	return lease
}

// acquireFree acquires key on l, which must be free: a held key would keep
// Acquire waiting until the test's generous deadline.
func acquireFree(t *testing.T, l provider.Locker, key string, ttl time.Duration) provider.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lease, err := l.Acquire(ctx, key, ttl)
	if err != nil {
		t.Fatalf("Acquire(%q) of a free key: %v", key, err)
	}
	return lease
}

func TestLocalLockerExcludesUntilRelease(t *testing.T) {
	l := provider.NewLocalLocker()
	ctx := context.Background()
	first, err := l.Acquire(ctx, "k", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if tryAcquire(t, l, "k", time.Minute) != nil {
		t.Fatal("a second holder got a held key")
	}
	acquireFree(t, l, "other", time.Minute) // another key is not held up
	got := make(chan error, 1)
	go func() {
		lease, err := l.Acquire(ctx, "k", time.Minute)
		if err == nil {
			err = lease.Release(ctx)
		}
		got <- err
	}()
	if err := first.Renew(ctx, time.Minute); err != nil {
		t.Errorf("Renew of a held lease: %v", err)
	}
	if err := first.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("the waiter after Release: %v", err)
	}
}

func TestLocalLockerExpiry(t *testing.T) {
	l := provider.NewLocalLocker()
	ctx := context.Background()
	first, err := l.Acquire(ctx, "k", 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Acquire waits out the holder's ttl.
	second, err := l.Acquire(ctx, "k", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	err = first.Renew(ctx, time.Minute)
	if !errors.Is(err, provider.ErrLeaseLost) || !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Errorf("Renew of an expired lease = %v; want ErrLeaseLost with code FailedPrecondition", err)
	}
	if err := first.Release(ctx); err != nil {
		t.Errorf("Release of a lost lease = %v; want nil", err)
	}
	if tryAcquire(t, l, "k", time.Minute) != nil {
		t.Error("releasing a lost lease freed its new holder's key")
	}
	if err := second.Renew(ctx, time.Minute); err != nil {
		t.Errorf("the new holder's Renew: %v", err)
	}
	second.Release(ctx)

	// An expired lease is lost even when nobody took the key.
	third, err := l.Acquire(ctx, "k", time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if err := third.Renew(ctx, time.Minute); !errors.Is(err, provider.ErrLeaseLost) {
		t.Errorf("Renew after expiry with the key free = %v; want ErrLeaseLost", err)
	}
}

func TestLocalLockerArguments(t *testing.T) {
	l := provider.NewLocalLocker()
	ctx := context.Background()
	for _, c := range []struct {
		key string
		ttl time.Duration
	}{{"", time.Second}, {"k", 0}, {"k", time.Microsecond}} {
		if _, err := l.Acquire(ctx, c.key, c.ttl); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("Acquire(%q, %v) = %v; want ErrInvalidArgument", c.key, c.ttl, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Acquire(cancelled, "k", time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire on a cancelled context = %v; want context.Canceled", err)
	}
}

// TestLocalLockerZeroValue: &provider.LocalLocker{} is an easy mistake for
// NewLocalLocker(); it panicked on its nil map at the first Acquire. The zero
// value works as an empty LocalLocker.
func TestLocalLockerZeroValue(t *testing.T) {
	var l provider.LocalLocker
	first := acquireFree(t, &l, "k", time.Minute)
	if tryAcquire(t, &l, "k", time.Minute) != nil {
		t.Fatal("a second holder got a held key")
	}
	if err := first.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	acquireFree(t, &l, "k", time.Minute).Release(context.Background())
}
