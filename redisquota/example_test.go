package redisquota_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/redisquota"
)

// Every replica builds the same Limiter on the same Redis and hands it to its
// adapters (Options.Limiter); between them they then send at most 20
// CreateComponentExportJob calls per second per account and region, and up
// to 50 polls.
func ExampleNewLimiter() {
	client := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer client.Close()

	rates := map[string]float64{ // service.action -> calls per second
		"tcss.DescribeComponentExportJob": 50,
	}
	limiter := redisquota.NewLimiter(client, &redisquota.LimiterOptions{
		Rate:    20,
		RateFor: func(c provider.Call) float64 { return rates[c.Service+"."+c.Action] },
		OnThrottle: func(c provider.Call, rate float64) {
			log.Printf("%s throttled; now %.1f calls/s", c.Key(), rate)
		},
		Logger: slog.Default(),
	})

	// The adapters call Wait before every request; a caller may too.
	call := provider.Call{Provider: "tencent", Region: "ap-guangzhou", Service: "tcss", Action: "CreateComponentExportJob"}
	if err := limiter.Wait(context.Background(), call); err != nil {
		log.Fatal(err) // Unavailable when Redis is down (fail closed)
	}
}

// A replica takes the instance's lease before it creates a ROMA export job,
// renews it while the job runs and releases it once the job has ended, so
// that one job runs per instance across all replicas.
func ExampleNewLocker() {
	client := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer client.Close()
	locker := redisquota.NewLocker(client, nil)

	ctx := context.Background()
	lease, err := locker.Acquire(ctx, "huawei/roma/my-instance", 30*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer lease.Release(ctx)

	done := make(chan struct{}) // closed when the job has ended
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			if err := lease.Renew(ctx, 30*time.Second); err != nil {
				log.Fatal(err) // lost: another replica may start a job now
			}
		}
	}
}

// Two lockers stand for two replicas; the second gets the lease only once
// the first releases it. (An in-process Redis keeps the example
// self-contained.)
func ExampleLocker_Acquire() {
	srv, err := miniredis.Run()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	replica := func() *redisquota.Locker {
		return redisquota.NewLocker(redis.NewClient(&redis.Options{Addr: srv.Addr()}), nil)
	}
	a, b := replica(), replica()

	ctx := context.Background()
	first, err := a.Acquire(ctx, "huawei/roma/my-instance", time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = b.Acquire(short, "huawei/roma/my-instance", time.Minute)
	fmt.Println("while held:", err)

	first.Release(ctx)
	second, err := b.Acquire(ctx, "huawei/roma/my-instance", time.Minute)
	fmt.Println("after release:", err)
	second.Release(ctx)
	// Output:
	// while held: context deadline exceeded
	// after release: <nil>
}
