package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// ExportOptions tunes Export. The zero value is ready to use.
type ExportOptions struct {
	Wait        WaitOptions // how each job is waited for
	Concurrency int         // jobs in flight at once; 0 = the provider's safe default (see Export)
}

// MaxDefaultConcurrency bounds the jobs Export keeps in flight by default for
// a kind without a per-instance job cap. Each job in flight costs one
// goroutine and its status; the adapter's rate limiter, not this bound, is
// what normally paces the creates.
const MaxDefaultConcurrency = 1000

// MaxParts bounds the jobs one Export may split a request into: 10,000 TCSS
// jobs are 100 million rows, 10,000 ROMA jobs a million ids. A request that
// would need more is refused with ErrInvalidArgument before anything is
// built or sent, rather than holding millions of parts in memory; run it as
// several Exports (consecutive Offset ranges, or id batches).
const MaxParts = 10000

// Split divides req into the requests of single jobs, following lim:
//
//   - a Limit above lim.MaxLimit on a kind with Offset support becomes
//     consecutive pages of at most MaxLimit rows;
//   - an Assets target with more than lim.MaxIDs ids becomes jobs of at most
//     MaxIDs ids each, apps first.
//
// A request that fits one job is returned as is. A request that exceeds a
// limit that cannot be split (a Limit above MaxLimit without Offset support,
// or with a negative Offset or one so large that Offset+Limit passes the
// largest int) is returned unchanged, for the provider to reject with a
// clear message. So is a request that would need more than MaxParts parts
// (the number Export refuses), so that no Limit or id list makes Split
// build more than MaxParts requests.
func Split(req export.Request, lim Limits) []export.Request {
	parts, _ := split(req, lim, MaxParts)
	if parts == nil {
		return []export.Request{req}
	}
	out := make([]export.Request, len(parts))
	for i, pt := range parts {
		out[i] = pt.req
	}
	return out
}

// part is one job's request in a split, with where it starts in the
// caller's request: the index of its first id among the caller's apps then
// tasks (assets), or 0.
type part struct {
	req   export.Request
	first int
}

// split is Split, building no part and reporting the number it would need
// when that is over maxParts.
func split(req export.Request, lim Limits, maxParts int) ([]part, int) {
	if a, ok := req.Target.(export.Assets); ok && lim.MaxIDs > 0 && len(a.AppIDs)+len(a.TaskIDs) > lim.MaxIDs {
		if n := (len(a.AppIDs)+len(a.TaskIDs)-1)/lim.MaxIDs + 1; n > maxParts {
			return nil, n
		}
		return splitAssets(req, a, lim.MaxIDs), 0
	}
	// A negative Offset, or one whose pages would start past the largest
	// int, is not split: the provider rejects the request whole.
	if lim.Offset && lim.MaxLimit > 0 && req.Limit > lim.MaxLimit && req.Offset >= 0 && req.Offset <= math.MaxInt-req.Limit {
		// Pages are counted, not summed, so that no total passes the
		// largest int.
		n := (req.Limit-1)/lim.MaxLimit + 1
		if n > maxParts {
			return nil, n
		}
		out := make([]part, 0, n)
		for i := range n {
			done := i * lim.MaxLimit // < Limit
			r := req
			r.Offset = req.Offset + done
			r.Limit = min(lim.MaxLimit, req.Limit-done)
			out = append(out, part{req: r})
		}
		return out, 0
	}
	return []part{{req: req}}, 0
}

func splitAssets(req export.Request, a export.Assets, max int) []part {
	type id struct {
		app bool
		v   string
	}
	ids := make([]id, 0, len(a.AppIDs)+len(a.TaskIDs))
	for _, v := range a.AppIDs {
		ids = append(ids, id{true, v})
	}
	for _, v := range a.TaskIDs {
		ids = append(ids, id{false, v})
	}
	var out []part
	for start := 0; start < len(ids); start += max {
		p := export.Assets{InstanceID: a.InstanceID}
		for _, x := range ids[start:min(start+max, len(ids))] {
			if x.app {
				p.AppIDs = append(p.AppIDs, x.v)
			} else {
				p.TaskIDs = append(p.TaskIDs, x.v)
			}
		}
		r := req
		r.Target = p
		out = append(out, part{req: r, first: start})
	}
	return out
}

// Export splits a request that exceeds one job's limits (see Split), creates
// the jobs, waits for all and returns their final statuses in request order.
//
// # Validation
//
// A request split into several parts is validated part by part before any
// job is created: each part goes through p.CreateExportJob with DryRun set
// (the adapters validate a DryRun request locally and send nothing, for
// every kind). An invalid part fails the whole export with its error,
// nothing created; an error that names an id as Target.AppIDs[i] or
// Target.TaskIDs[i] is renumbered to the index in the caller's own
// request. A DryRun request is validated the same way and returns no
// statuses.
//
// # Jobs in flight
//
// opts.Concurrency bounds the jobs in flight (created and not yet done).
// When it is 0 the limit that binds decides: a kind with a per-instance job
// cap (Limits.Concurrency, e.g. ROMA's 1) runs that many at once; a kind
// without one (Limits.Concurrency 0, e.g. TCSS components) starts every part
// at once, up to MaxDefaultConcurrency, and the adapter's rate limiter paces
// the creates, so that jobs are created at the vendor's rate rather than as
// earlier ones end. Jobs of one Export share what they learn of their run
// time: once one job's progress shows how long jobs take, the first poll of
// each later job is planned for when it should be done (see Wait).
//
// # Failure
//
// A part that fails (its create is refused, or its job fails) does not stop
// the others. Once all have ended, Export returns the statuses (the failed
// job's final status, or a zero Status where no job was created) and, if
// any part failed, an *ExportError listing each failed part with its error
// and its request, so that the caller can re-run just those. errors.Is and
// errors.As see through it to each part's error; CodeOf reports the first
// failed part's code. When ctx ends, Export stops waiting at once and
// returns the statuses gathered so far with ctx.Err() itself.
//
// opts.Wait.OnProgress, if set, is called from the parts' goroutines, several
// at once.
func Export(ctx context.Context, p Provider, req export.Request, opts *ExportOptions) ([]export.Status, error) {
	if p == nil {
		return nil, errs.Invalid("provider is nil; want the Provider an adapter's New returned")
	}
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	if req.Target == nil {
		var served []string
		for _, k := range export.Kinds() {
			if _, ok := p.Capabilities().Exports[k]; ok {
				served = append(served, string(k))
			}
		}
		return nil, errs.Invalid("Target: no target given; want the target of one of the kinds %s serves: %s", p.Name(), strings.Join(served, ", "))
	}
	if v := reflect.ValueOf(req.Target); v.Kind() == reflect.Pointer && v.IsNil() {
		// The module's targets have value methods: asking a nil pointer its
		// Kind would panic.
		return nil, errs.Invalid("Target: a nil %T; want a target value", req.Target)
	}
	kind := req.Target.Kind()
	lim, ok := p.Capabilities().Exports[kind]
	if !ok {
		return nil, &errs.Error{Code: errs.Unsupported, Provider: p.Name(), Message: fmt.Sprintf("%s does not serve %s exports", p.Name(), kind)}
	}
	parts, need := split(req, lim, MaxParts)
	if parts == nil {
		// Name what to change and how far it may go: the ids when split
		// split them (its first case), else the Limit.
		what := fmt.Sprintf("Limit: %d rows would split into %d jobs, more than MaxParts (%d); want Limit at most %d (MaxParts jobs of %d rows): run it as several Exports over consecutive Offset ranges",
			req.Limit, need, MaxParts, MaxParts*lim.MaxLimit, lim.MaxLimit)
		if a, ok := req.Target.(export.Assets); ok && lim.MaxIDs > 0 && len(a.AppIDs)+len(a.TaskIDs) > lim.MaxIDs {
			what = fmt.Sprintf("Target.AppIDs and Target.TaskIDs: %d ids would split into %d jobs, more than MaxParts (%d); want at most %d ids (MaxParts jobs of %d): run it as several Exports over id batches",
				len(a.AppIDs)+len(a.TaskIDs), need, MaxParts, MaxParts*lim.MaxIDs, lim.MaxIDs)
		}
		return nil, &errs.Error{Code: errs.InvalidArgument, Provider: p.Name(), Message: what}
	}
	if req.DryRun || len(parts) > 1 {
		for _, pt := range parts {
			r := pt.req
			r.DryRun = true
			if _, err := p.CreateExportJob(ctx, r); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, renumber(err, req, pt)
			}
		}
		if req.DryRun {
			return nil, nil
		}
	}
	conc := o.Concurrency
	if conc <= 0 {
		conc = lim.Concurrency
	}
	if conc <= 0 {
		conc = min(len(parts), MaxDefaultConcurrency)
	}

	out := make([]export.Status, len(parts))
	failed := make([]*PartError, len(parts))
	sib := &durations{}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
start:
	for i, pt := range parts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break start
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			job, err := p.CreateExportJob(ctx, pt.req)
			if err != nil {
				failed[i] = &PartError{Index: i, Request: pt.req, Err: err}
				return
			}
			st, err := wait(ctx, p, job, &o.Wait, time.Now(), sib)
			out[i] = st
			if err != nil {
				failed[i] = &PartError{Index: i, Request: pt.req, Job: job, Err: err}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return out, err
	}
	var ee ExportError
	ee.Total = len(parts)
	for _, pe := range failed {
		if pe != nil {
			ee.Parts = append(ee.Parts, pe)
		}
	}
	if len(ee.Parts) > 0 {
		return out, &ee
	}
	return out, nil
}

// idField matches an id's field in a validation message, e.g. "Target.AppIDs[30]".
var idField = regexp.MustCompile(`Target\.(AppIDs|TaskIDs)\[(\d+)\]`)

// renumber rewrites the id indices err names within part pt of req's split
// into indices of req itself, in place, and returns err.
func renumber(err error, req export.Request, pt part) error {
	a, ok := req.Target.(export.Assets)
	p, ok2 := pt.req.Target.(export.Assets)
	var e *errs.Error
	if !ok || !ok2 || !errors.As(err, &e) || e == nil {
		return err
	}
	// The adapter's error is copied, not edited: it may be a shared value.
	cp := *e
	cp.Message = idField.ReplaceAllStringFunc(e.Message, func(m string) string {
		sub := idField.FindStringSubmatch(m)
		i, convErr := strconv.Atoi(sub[2])
		if convErr != nil {
			return m
		}
		if sub[1] == "AppIDs" {
			i += pt.first
		} else {
			i += pt.first + len(p.AppIDs) - len(a.AppIDs)
		}
		return fmt.Sprintf("Target.%s[%d]", sub[1], i)
	})
	return &cp
}

// ExportError reports the parts of an Export that failed while the others
// ran to their end. Re-run the failed parts with Requests.
type ExportError struct {
	Parts []*PartError // the failed parts, in request order
	Total int          // the parts the export was split into
}

// Error lists the failed parts and why, e.g. "export: 1 of 100 parts
// failed: part 7 (offset 70000, limit 10000): …".
func (e *ExportError) Error() string {
	if e.Total == 1 && len(e.Parts) == 1 {
		return "export: " + e.Parts[0].Err.Error() // one job: no parts to speak of
	}
	var b strings.Builder
	fmt.Fprintf(&b, "export: %d of %d parts failed", len(e.Parts), e.Total)
	for i, p := range e.Parts {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns each failed part's *PartError, so errors.Is and errors.As
// see every part's error.
func (e *ExportError) Unwrap() []error {
	out := make([]error, len(e.Parts))
	for i, p := range e.Parts {
		out[i] = p
	}
	return out
}

// Requests returns the failed parts' requests, in order, ready to pass to
// Export (or CreateExportJob) again.
func (e *ExportError) Requests() []export.Request {
	out := make([]export.Request, len(e.Parts))
	for i, p := range e.Parts {
		out[i] = p.Request
	}
	return out
}

// PartError is one failed part of an Export.
type PartError struct {
	Index   int            // the part's index among Export's statuses
	Request export.Request // the part's request, for a re-run
	Job     export.Job     // the part's job; zero when its create failed
	Err     error          // why it failed: the create's error, or Wait's (JobFailed for a failed job)
}

// Error names the part, what it covers and its error.
func (e *PartError) Error() string {
	what := ""
	switch t := e.Request.Target.(type) {
	case export.Assets:
		what = fmt.Sprintf(" (%d app and %d task ids)", len(t.AppIDs), len(t.TaskIDs))
	default:
		if e.Request.Limit > 0 {
			what = fmt.Sprintf(" (offset %d, limit %d)", e.Request.Offset, e.Request.Limit)
		}
	}
	if e.Job.ID != "" {
		what += " job " + e.Job.ID
	}
	return fmt.Sprintf("part %d%s: %v", e.Index, what, e.Err)
}

// Unwrap returns the part's error.
func (e *PartError) Unwrap() error { return e.Err }
