package redisquota_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/redisquota"
)

// BenchmarkWait measures what Wait adds to a call whose slot is free: one
// Redis round trip running redis_rate's GCRA script. The rate is MaxRate so
// that no iteration waits for a slot.
func BenchmarkWait(b *testing.B) {
	l := redisquota.NewLimiter(newClient(b), &redisquota.LimiterOptions{Prefix: prefix(b), Rate: redisquota.MaxRate})
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if err := l.Wait(ctx, createCall); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLease measures one uncontended Acquire, Renew and Release: three
// Redis round trips.
func BenchmarkLease(b *testing.B) {
	l := redisquota.NewLocker(newClient(b), &redisquota.LockerOptions{Prefix: prefix(b)})
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		lease, err := l.Acquire(ctx, romaKey, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := lease.Renew(ctx, time.Minute); err != nil {
			b.Fatal(err)
		}
		if err := lease.Release(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
