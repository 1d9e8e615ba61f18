package provider

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
)

// ExportOptions tunes Export. The zero value is ready to use.
type ExportOptions struct {
	Wait        WaitOptions // how each job is waited for
	Concurrency int         // jobs in flight at once; 0 = the provider's safe default
}

// Split divides req into the requests of single jobs, following lim:
//
//   - a Limit above lim.MaxLimit on a kind with Offset support becomes
//     consecutive pages of at most MaxLimit rows;
//   - an Assets target with more than lim.MaxIDs ids becomes jobs of at most
//     MaxIDs ids each, apps first.
//
// A request that fits one job is returned as is. A request that exceeds a
// limit that cannot be split (a Limit above MaxLimit without Offset support)
// is returned unchanged, for the provider to reject with a clear message.
func Split(req export.Request, lim Limits) []export.Request {
	if a, ok := req.Target.(export.Assets); ok && lim.MaxIDs > 0 && len(a.AppIDs)+len(a.TaskIDs) > lim.MaxIDs {
		return splitAssets(req, a, lim.MaxIDs)
	}
	if lim.Offset && lim.MaxLimit > 0 && req.Limit > lim.MaxLimit {
		var out []export.Request
		for done := 0; done < req.Limit; done += lim.MaxLimit {
			r := req
			r.Offset = req.Offset + done
			r.Limit = min(lim.MaxLimit, req.Limit-done)
			out = append(out, r)
		}
		return out
	}
	return []export.Request{req}
}

func splitAssets(req export.Request, a export.Assets, max int) []export.Request {
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
	var out []export.Request
	for start := 0; start < len(ids); start += max {
		part := export.Assets{InstanceID: a.InstanceID}
		for _, x := range ids[start:min(start+max, len(ids))] {
			if x.app {
				part.AppIDs = append(part.AppIDs, x.v)
			} else {
				part.TaskIDs = append(part.TaskIDs, x.v)
			}
		}
		r := req
		r.Target = part
		out = append(out, r)
	}
	return out
}

// Export splits a request that exceeds one job's limits (see Split), creates
// the jobs, waits for all and returns their final statuses in request order.
//
// At most opts.Concurrency jobs are in flight at once; the default is the
// kind's Limits.Concurrency, or 4 when the provider states none. The first
// error (a rejected request, a failed job, ctx ending) stops jobs not yet
// created and is returned with the statuses gathered so far; statuses of jobs
// that did not finish are left zero. A DryRun request is validated for every
// part and returns no statuses.
func Export(ctx context.Context, p Provider, req export.Request, opts *ExportOptions) ([]export.Status, error) {
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	if req.Target == nil {
		return nil, errs.Invalid("Target: no target given; want one of export.Components, export.Containers, export.Assets, export.MachineImages")
	}
	kind := req.Target.Kind()
	lim, ok := p.Capabilities().Exports[kind]
	if !ok {
		return nil, &errs.Error{Code: errs.Unsupported, Provider: p.Name(), Message: fmt.Sprintf("%s does not serve %s exports", p.Name(), kind)}
	}
	parts := Split(req, lim)
	conc := o.Concurrency
	if conc <= 0 {
		conc = lim.Concurrency
	}
	if conc <= 0 {
		conc = 4
	}
	if req.DryRun {
		for _, r := range parts {
			if _, err := p.CreateExportJob(ctx, r); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	out := make([]export.Status, len(parts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	for i, r := range parts {
		i, r := i, r
		g.Go(func() error {
			job, err := p.CreateExportJob(gctx, r)
			if err != nil {
				return err
			}
			st, err := Wait(gctx, p, job, &o.Wait)
			out[i] = st
			return err
		})
	}
	err := g.Wait()
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return out, err
}
