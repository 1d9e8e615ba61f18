package provider

import (
	"context"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// WaitOptions tunes Wait. The zero value is ready to use.
type WaitOptions struct {
	MinDelay, MaxDelay time.Duration       // defaults 1s and 30s, growing between polls
	OnProgress         func(export.Status) // called with every status polled, the last included
}

// maxPollFailures bounds the transient poll errors Wait tolerates in a row.
const maxPollFailures = 5

// Wait polls job until it is done or ctx ends. The delay between polls grows
// from MinDelay to MaxDelay with jitter. Transient poll errors (Unavailable,
// ResourceExhausted) are tolerated a few times in a row.
//
// On success it returns the final status. When the job fails it returns the
// final status and an error with code JobFailed that carries the vendor's
// reason. When ctx ends it returns the last status seen and ctx's error.
func Wait(ctx context.Context, p Provider, job export.Job, opts *WaitOptions) (export.Status, error) {
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
	b := Backoff{Min: o.MinDelay, Max: o.MaxDelay}
	last := export.Status{Job: job, State: export.StateRunning, Progress: -1}
	failures := 0
	for attempt := 0; ; attempt++ {
		st, err := p.PollJob(ctx, job)
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
		case ctx.Err() != nil:
			return last, ctx.Err()
		case (CodeOf(err) == Unavailable || CodeOf(err) == ResourceExhausted) && failures < maxPollFailures:
			failures++
		default:
			return last, err
		}
		if err := Sleep(ctx, b.Delay(attempt)); err != nil {
			return last, err
		}
	}
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
