// Package emulator holds what the vendor emulators (tencenttest, huaweitest)
// share: request counting, injected faults, answer latency, and jobs that
// progress over time.
package emulator

import (
	"context"
	"sync"
	"time"
)

// FaultKind is a kind of injected fault.
type FaultKind int

// The kinds of fault an emulator can inject.
const (
	Throttle    FaultKind = iota + 1 // the vendor's rate-limit rejection
	ServerError                      // an HTTP 5xx answer
	Malformed                        // a 200 answer whose body is not valid JSON
	Slow                             // the answer is delayed by Fault.Delay
)

// Fault is one injected fault. It applies to the next Times requests for
// Action ("" = any action); Times 0 means once.
type Fault struct {
	Action string
	Kind   FaultKind
	Times  int
	Delay  time.Duration // Slow only
}

// DefaultJobDuration is how long an emulated job runs unless told otherwise.
const DefaultJobDuration = 2 * time.Second

// Base is embedded by emulator servers. Its zero value is not usable; call Init.
type Base struct {
	mu          sync.Mutex
	requests    int64
	latency     time.Duration
	jobDuration time.Duration
	failReason  string
	faults      []Fault
	last        map[string]Recorded
	limit       rateLimit // see SetRateLimit
	throttled   int64     // throttling answers given, see Throttled
}

// Init sets the defaults.
func (b *Base) Init() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobDuration = DefaultJobDuration
}

// Requests reports how many API requests the server has received, valid or not.
func (b *Base) Requests() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.requests
}

// SetLatency delays every answer by d; 0 removes the delay.
func (b *Base) SetLatency(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.latency = d
}

// SetJobDuration sets how long jobs created from now on run before they end.
func (b *Base) SetJobDuration(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobDuration = d
}

// FailJobs makes jobs created from now on fail with reason; "" makes them succeed again.
func (b *Base) FailJobs(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failReason = reason
}

// Inject queues a fault.
func (b *Base) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults = append(b.faults, f)
}

// Begin records one request for action, waits out the configured latency
// (returning false if ctx ends first), and returns the fault to apply, if any:
// an injected one, or a Throttle fault when the request is over the rate set
// by SetRateLimit. A Slow fault is waited out here too and not returned.
func (b *Base) Begin(ctx context.Context, action string) (*Fault, bool) {
	b.mu.Lock()
	now := time.Now()
	b.requests++
	delay := b.latency
	var hit *Fault
	for i := range b.faults {
		f := &b.faults[i]
		if f.Action != "" && f.Action != action {
			continue
		}
		c := *f
		hit = &c
		f.Times--
		if f.Times <= 0 {
			b.faults = append(b.faults[:i], b.faults[i+1:]...)
		}
		break
	}
	if (hit == nil || hit.Kind == Slow) && !b.limit.allow(action, now) {
		hit = &Fault{Action: action, Kind: Throttle, Times: 1}
	}
	if hit != nil && hit.Kind == Throttle {
		b.throttled++
	}
	b.mu.Unlock()
	if hit != nil && hit.Kind == Slow {
		delay += hit.Delay
		hit = nil
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, false
		case <-t.C:
		}
	}
	return hit, true
}

// NewJob returns a job that starts now with the current duration and failure setting.
func (b *Base) NewJob() Job {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Job{Start: time.Now(), Duration: b.jobDuration, FailReason: b.failReason}
}

// Job is an emulated job's timeline.
type Job struct {
	Start      time.Time
	Duration   time.Duration
	FailReason string // non-empty: the job fails at the end with this reason
}

// Progress is the job's fraction done at now, 0..1.
func (j Job) Progress(now time.Time) float64 {
	if j.Duration <= 0 {
		return 1
	}
	p := float64(now.Sub(j.Start)) / float64(j.Duration)
	if p > 1 {
		p = 1
	}
	if p < 0 {
		p = 0
	}
	return p
}

// Done reports whether the job has ended at now.
func (j Job) Done(now time.Time) bool { return j.Progress(now) >= 1 }

// Failed reports whether the job has ended in failure at now.
func (j Job) Failed(now time.Time) bool { return j.Done(now) && j.FailReason != "" }
