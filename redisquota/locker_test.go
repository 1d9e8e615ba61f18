package redisquota_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/redisquota"
)

const romaKey = "huawei/roma/roma-instance-1"

func newLocker(t *testing.T) *redisquota.Locker {
	t.Helper()
	return redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: prefix(t), MinPoll: time.Millisecond, MaxPoll: 20 * time.Millisecond})
}

func acquire(t *testing.T, l *redisquota.Locker, key string, ttl time.Duration) provider.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lease, err := l.Acquire(ctx, key, ttl)
	if err != nil {
		t.Fatalf("Acquire(%q): %v", key, err)
	}
	return lease
}

// heldByOther reports whether Acquire on key by another locker stays blocked
// for a while: it gives up after 300ms and expects context.DeadlineExceeded.
// Only a held key can block it, however slowly the machine runs; to show
// that a key is free, use isFree, which does not race a deadline.
func heldByOther(t *testing.T, l *redisquota.Locker, key string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	lease, err := l.Acquire(ctx, key, time.Minute)
	if err == nil {
		lease.Release(context.Background())
		return false
	}
	if err != context.DeadlineExceeded {
		t.Fatalf("Acquire while held = %v; want context.DeadlineExceeded", err)
	}
	return true
}

// isFree reports whether the key is free: nobody holds it in Redis.
// Acquire with a short deadline would say "held" whenever the machine is too
// slow to finish one round trip in time.
func isFree(t *testing.T, client *redis.Client, rkey string) bool {
	t.Helper()
	n, err := client.Exists(context.Background(), rkey).Result()
	if err != nil {
		t.Fatalf("Exists(%q): %v", rkey, err)
	}
	return n == 0
}

// TestLeaseExclusive has four lockers on their own connection pools (four
// replicas) take the same lease 15 times each, and checks that no two ever
// hold it at once and that every acquisition happened.
func TestLeaseExclusive(t *testing.T) {
	const (
		replicas = 4
		rounds   = 15
	)
	p := prefix(t)
	var (
		holders, most, total atomic.Int64
		wg                   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range replicas {
		l := redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: p, MinPoll: time.Millisecond, MaxPoll: 10 * time.Millisecond})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				lease, err := l.Acquire(ctx, romaKey, 10*time.Second)
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				n := holders.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				total.Add(1)
				time.Sleep(2 * time.Millisecond) // hold it while others try
				holders.Add(-1)
				if err := lease.Release(ctx); err != nil {
					t.Errorf("Release: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("at most %d holders at once; want 1", most.Load())
	}
	if total.Load() != replicas*rounds {
		t.Errorf("%d acquisitions; want %d", total.Load(), replicas*rounds)
	}
}

func TestLeaseKey(t *testing.T) {
	client := newClient(t)
	l := redisquota.NewLocker(client, nil)
	lease := acquire(t, l, romaKey+"-key-test", time.Minute)
	defer lease.Release(context.Background())
	want := "cloudexport:lease:" + romaKey + "-key-test"
	if n, err := client.Exists(context.Background(), want).Result(); err != nil || n != 1 {
		t.Errorf("Exists(%q) = %d, %v; want 1", want, n, err)
	}
	if got := lease.(*redisquota.Lease).Key(); got != romaKey+"-key-test" {
		t.Errorf("Key() = %q; want the key given to Acquire", got)
	}
}

// TestLeaseExpires checks that a holder that vanishes without Release frees
// the key when its ttl ends, that its Renew then fails as lost, and that its
// Release does not free the new holder's key.
func TestLeaseExpires(t *testing.T) {
	client := newClient(t)
	gone, next, third := newLocker(t), newLocker(t), newLocker(t)
	vanished := acquire(t, gone, romaKey, 200*time.Millisecond)

	// next blocks until the ttl ends, then holds the key.
	taken := acquire(t, next, romaKey, time.Minute)

	err := vanished.Renew(context.Background(), time.Minute)
	if !errors.Is(err, redisquota.ErrLeaseLost) || !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Errorf("Renew of the expired lease = %v; want ErrLeaseLost with code FailedPrecondition", err)
	}
	if err := vanished.Release(context.Background()); err != nil {
		t.Errorf("Release of the expired lease = %v; want nil", err)
	}
	if !heldByOther(t, third, romaKey) {
		t.Error("the expired holder's Release freed the new holder's key")
	}
	if err := taken.Renew(context.Background(), time.Minute); err != nil {
		t.Errorf("Renew by the new holder = %v; want nil", err)
	}
	if err := taken.Release(context.Background()); err != nil {
		t.Fatalf("Release by the holder: %v", err)
	}
	if !isFree(t, client, prefix(t)+romaKey) {
		t.Error("key still held after its holder's Release")
	}
}

// TestLeaseRenew checks that Renew extends the lease beyond its first ttl.
// It compares the key's time to live with the first ttl rather than
// sleeping past it: a lease of a few hundred milliseconds could expire
// before Renew on a loaded machine.
func TestLeaseRenew(t *testing.T) {
	client := newClient(t)
	p := prefix(t)
	holder := redisquota.NewLocker(client, &redisquota.LockerOptions{Prefix: p})
	other := redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: p})
	lease := acquire(t, holder, romaKey, time.Minute)
	if err := lease.Renew(context.Background(), time.Hour); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	left, err := client.PTTL(context.Background(), p+romaKey).Result()
	if err != nil || left <= time.Minute || left > time.Hour {
		t.Errorf("PTTL after Renew(1h) of a 1m lease = %v, %v; want more than the first ttl, at most an hour", left, err)
	}
	if !heldByOther(t, other, romaKey) {
		t.Error("the renewed key was free")
	}
	if err := lease.Release(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestAcquireHonoursContext(t *testing.T) {
	holder, waiter := newLocker(t), newLocker(t)
	lease := acquire(t, holder, romaKey, time.Minute)
	defer lease.Release(context.Background())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Acquire(ctx, romaKey, time.Minute)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it poll (it works without)
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Acquire = %v; want exactly context.Canceled", err)
	}
}

func TestLockerInvalid(t *testing.T) {
	l := newLocker(t)
	tests := map[string]struct {
		l    *redisquota.Locker
		key  string
		ttl  time.Duration
		want string
	}{
		"nil client":   {l: redisquota.NewLocker(nil, nil), key: romaKey, ttl: time.Second, want: "nil Redis client"},
		"empty key":    {l: l, key: "", ttl: time.Second, want: "lease key has 0 bytes; want 1 to 512"},
		"long key":     {l: l, key: strings.Repeat("k", 513), ttl: time.Second, want: "lease key has 513 bytes"},
		"zero ttl":     {l: l, key: romaKey, ttl: 0, want: "lease ttl is 0s; want at least 1ms"},
		"sub-ms ttl":   {l: l, key: romaKey, ttl: time.Microsecond, want: "lease ttl is 1µs"},
		"poll reverse": {l: redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{MinPoll: time.Second, MaxPoll: time.Millisecond}), key: romaKey, ttl: time.Second, want: "MinPoll 1s and MaxPoll 1ms"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := tt.l.Acquire(context.Background(), tt.key, tt.ttl)
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Acquire = %v; want ErrInvalidArgument saying %q", err, tt.want)
			}
		})
	}
	lease := acquire(t, l, romaKey, time.Minute)
	defer lease.Release(context.Background())
	if err := lease.Renew(context.Background(), 0); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("Renew(0) = %v; want ErrInvalidArgument", err)
	}
}

func TestLockerRedisDown(t *testing.T) {
	l := redisquota.NewLocker(deadClient(t), nil)
	_, err := l.Acquire(context.Background(), romaKey, time.Second)
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("Acquire = %v; want code Unavailable", err)
	}
}

// TestAcquireHugePolls: the pause between polls doubled without a bound
// check, so MaxPoll near the largest Duration wrapped it negative and the
// next poll's jitter (rand.N of a negative) panicked. Options never panic.
func TestAcquireHugePolls(t *testing.T) {
	p := prefix(t)
	holder := redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: p})
	lease := acquire(t, holder, romaKey, 300*time.Millisecond)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() { // keep the key held, so the waiter polls again and again
		defer close(renewed)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				lease.Renew(context.Background(), 300*time.Millisecond)
			}
		}
	}()
	defer func() { close(stop); <-renewed; lease.Release(context.Background()) }()

	waiter := redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: p, MinPoll: 1 << 62, MaxPoll: math.MaxInt64})
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	if _, err := waiter.Acquire(ctx, romaKey, time.Second); err != context.DeadlineExceeded {
		t.Errorf("Acquire of a held key = %v; want context.DeadlineExceeded", err)
	}
}

// TestLockerMinPollAboveDefaultMaxPoll: MaxPoll 0 means the default, so a
// MinPoll above DefaultMaxPoll with MaxPoll unset is a valid choice; it was
// refused as "MinPoll 2s and MaxPoll 1s", a MaxPoll the caller never set.
func TestLockerMinPollAboveDefaultMaxPoll(t *testing.T) {
	l := redisquota.NewLocker(newClient(t), &redisquota.LockerOptions{Prefix: prefix(t), MinPoll: 2 * time.Second})
	lease := acquire(t, l, romaKey, time.Minute)
	if err := lease.Release(context.Background()); err != nil {
		t.Error(err)
	}
}
