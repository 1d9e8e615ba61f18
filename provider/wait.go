package provider

import (
	"context"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// WaitOptions tunes Wait. The zero value is ready to use.
type WaitOptions struct {
	MinDelay, MaxDelay time.Duration       // bounds of the delay between polls; defaults 1s and 30s
	OnProgress         func(export.Status) // called with every status polled, the last included
}

// maxPollFailures bounds the transient poll errors Wait tolerates in a row.
const maxPollFailures = 5

// Wait polls job until it is done or ctx ends.
//
// # When it polls
//
// Wait aims to notice a finished job within a tenth of its run time (or
// within MinDelay for jobs shorter than ten MinDelays) with as few polls as
// that allows. Elapsed time is counted from job.Created (the adapters set it
// when they create the job); a job without Created, or with Created in the
// future, counts from the call to Wait and is polled at once.
//
//   - The first poll of a job created less than MinDelay ago is MinDelay
//     after its creation: sooner, the vendor has nothing to say.
//   - Without a usable progress (the vendor reports none, or it has not
//     moved since the last poll), the delay is a tenth of the elapsed time,
//     so a job that ends just after a poll is noticed within 10% of its run
//     time.
//   - With a progress p (0 < p < 1) after elapsed time e, the job is
//     expected to end after e/p, so r = e(1-p)/p remains. The next poll is at
//     the expected end plus 2% of e when that is near (r within a tenth of
//     e, or within two MinDelays), else halfway to it (r/2, or e/10 if that
//     is longer): a progress proportional to time is trusted, an uneven one
//     is corrected at every poll.
//   - Every delay is at least MinDelay and at most MaxDelay; there is no
//     random jitter (the adapters' rate limiters spread concurrent pollers).
//
// Transient poll errors (Unavailable, ResourceExhausted) are tolerated a few
// times in a row, each followed by a tenth of the elapsed time (within the
// same bounds).
//
// On success it returns the final status. When the job fails it returns the
// final status and an error with code JobFailed that carries the vendor's
// reason. When ctx ends it returns the last status seen and ctx's error.
func Wait(ctx context.Context, p Provider, job export.Job, opts *WaitOptions) (export.Status, error) {
	if p == nil {
		return export.Status{}, errs.Invalid("provider is nil; want the Provider an adapter's New returned")
	}
	return wait(ctx, p, job, opts, job.Created, nil)
}

// wait is Wait with the job's start time given (Export knows when it created
// a job even when the adapter leaves Created zero) and, for Export, the
// durations its sibling jobs showed.
func wait(ctx context.Context, p Provider, job export.Job, opts *WaitOptions, created time.Time, sib *durations) (export.Status, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if o.MinDelay <= 0 {
		o.MinDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 30 * time.Second
	}
	if o.MaxDelay < o.MinDelay {
		o.MaxDelay = o.MinDelay
	}
	pl := newPlan(o, created, time.Now(), sib)
	last := export.Status{Job: job, State: export.StateRunning, Progress: -1}
	failures := 0
	for {
		if d := time.Until(pl.next()); d > 0 {
			if err := Sleep(ctx, d); err != nil {
				return last, err
			}
			continue // an estimate may have come in meanwhile: plan again
		}
		st, err := p.PollJob(ctx, job)
		now := time.Now()
		switch {
		case err == nil:
			failures = 0
			last = st
			if o.OnProgress != nil {
				o.OnProgress(st)
			}
			if st.State == export.StateFailed {
				return st, jobFailed(st)
			}
			if st.Done() {
				return st, nil
			}
			pl.polled(now, st.Progress)
		case ctx.Err() != nil:
			return last, ctx.Err()
		case (CodeOf(err) == Unavailable || CodeOf(err) == ResourceExhausted) && failures < maxPollFailures:
			failures++
			pl.polled(now, -1)
		default:
			return last, err
		}
	}
}

// plan decides when a job is polled next; see Wait's documentation.
type plan struct {
	o        WaitOptions
	start    time.Time // the job's creation, or when waiting began
	begin    time.Time // when waiting began
	fresh    bool      // start is the job's creation, less than MinDelay before begin
	polls    int
	last     time.Time // the last poll's answer
	progress float64   // the last usable progress, -1 when none
	moved    bool      // the last poll's progress was ahead of the one before
	sib      *durations
}

func newPlan(o WaitOptions, created, now time.Time, sib *durations) *plan {
	pl := &plan{o: o, start: now, begin: now, progress: -1, sib: sib}
	if !created.IsZero() && !created.After(now) {
		pl.start = created
		pl.fresh = now.Sub(created) < o.MinDelay
	}
	return pl
}

// polled records a poll answered at now with progress p (-1 for none or for
// a failed poll).
func (pl *plan) polled(now time.Time, p float64) {
	pl.polls++
	pl.last = now
	usable := p > 0 && p < 1
	pl.moved = usable && p > pl.progress
	if usable {
		pl.progress = p
		if pl.sib != nil && p >= minSiblingProgress {
			pl.sib.observe(time.Duration(float64(now.Sub(pl.start)) / p))
		}
	}
}

// next returns when the next poll is due; a time not after now means at once.
func (pl *plan) next() time.Time {
	o := pl.o
	if pl.polls == 0 {
		if !pl.fresh {
			return pl.begin
		}
		at := pl.start.Add(o.MinDelay)
		if d, ok := pl.sib.estimate(); ok {
			// Siblings of the same export took d: poll when this one should
			// be done, but not later than MaxDelay into the wait.
			at = later(at, pl.start.Add(d+d/50))
			if limit := pl.begin.Add(o.MaxDelay); at.After(limit) {
				at = limit
			}
		}
		return at
	}
	e := pl.last.Sub(pl.start)
	d := e / 10
	if pl.moved {
		p := pl.progress
		// Bounded, as a tiny p would make the remaining time overflow a
		// Duration (and wrap negative); MaxDelay caps the delay anyway.
		r := time.Duration(min(float64(e)*(1-p)/p, 1<<62))
		if r <= max(e/10, 2*o.MinDelay) {
			// Near the end, or too near for a poll halfway (MinDelay would
			// push it to the end anyway): poll just after the end.
			d = r + e/50
		} else {
			d = max(r/2, e/10)
		}
	}
	return pl.last.Add(min(max(d, o.MinDelay), o.MaxDelay))
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// minSiblingProgress is the least progress from which a job's expected run
// time is shared with its siblings: below it, a vendor's rounding makes the
// estimate too coarse.
const minSiblingProgress = 0.1

// durations holds what the jobs of one Export showed of their run time, so
// that a job's first poll can be planned at the time its siblings took. It
// is safe for concurrent use; a nil *durations knows nothing.
type durations struct {
	mu   sync.Mutex
	last time.Duration
}

// observe records a job's expected run time, estimated from its progress.
func (s *durations) observe(d time.Duration) {
	if s == nil || d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = d
}

// estimate returns the latest expected run time, if any.
func (s *durations) estimate() (time.Duration, bool) {
	if s == nil {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.last > 0
}

func jobFailed(st export.Status) error {
	msg := st.Message
	if msg == "" {
		msg = "the vendor gave no reason"
	}
	return &errs.Error{
		Code:     errs.JobFailed,
		Provider: st.Job.Provider,
		Service:  st.Job.Service,
		Message:  "job " + st.Job.ID + " failed: " + msg,
	}
}
