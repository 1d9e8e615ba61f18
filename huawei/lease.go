package huawei

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// ROMALeaseTTL is how long the lease on a ROMA Connect instance lasts after
// it was taken or last renewed. PollJob of the job renews it, so a caller
// must poll a running ROMA job at least this often to keep it (provider.Wait
// polls at least every WaitOptions.MaxDelay, 30 s by default). Once a lease
// has expired, another holder may take the instance; if the job still runs,
// ROMA refuses that holder's create (FailedPrecondition).
const ROMALeaseTTL = 2 * time.Minute

// releaseTimeout bounds Release, which runs even after the caller's context
// ended (a create that failed because ctx was cancelled still frees the
// instance at once rather than after ROMALeaseTTL).
const releaseTimeout = 5 * time.Second

// romaLeaseKey is the Locker key of a ROMA Connect instance:
// "huawei/roma/<project id>/<instance id>". ROMA's instance ids are UUIDs,
// but the project (one per region) is part of every ROMA path, so it is part
// of the key too: two instances can never share one.
func romaLeaseKey(projectID, instance string) string {
	return "huawei/roma/" + projectID + "/" + instance
}

// romaLeases is what a Provider knows of the leases on ROMA instances.
type romaLeases struct {
	locker provider.Locker
	ttl    time.Duration // ROMALeaseTTL; shorter in tests

	mu        sync.Mutex
	instances map[string]*romaInstance // by romaLeaseKey
}

// newROMALeases takes leases from locker; nil means a LocalLocker of its own.
func newROMALeases(locker provider.Locker) romaLeases {
	if locker == nil {
		locker = provider.NewLocalLocker()
	}
	return romaLeases{locker: locker, ttl: ROMALeaseTTL, instances: map[string]*romaInstance{}}
}

// romaInstance is what this Provider knows of one ROMA instance.
type romaInstance struct {
	hold  *romaHold     // this Provider's lease on the instance and its job; nil when it holds none
	taken chan struct{} // closed (and replaced) each time hold is set
}

// romaHold is a lease this Provider took on an instance, and the job it
// guards.
type romaHold struct {
	key   string // the lease key, romaLeaseKey
	lease provider.Lease
	ready chan struct{} // closed once the create ended: job is set, or the hold was dropped
	job   *export.Job   // the job created under the lease; guarded by romaLeases.mu
}

// holdROMA takes the lease key for a create. While this Provider's own job
// holds the instance, it polls that job until it ends (its PollJob releases
// the lease), so that creates on one instance follow each other even when
// nobody else polls. Otherwise it waits on the Locker, which frees the key
// when the holder (in this or another process) releases it or its lease
// expires.
func (p *Provider) holdROMA(ctx context.Context, key string) (*romaHold, error) {
	for {
		p.roma.mu.Lock()
		ri := p.roma.instances[key]
		if ri == nil {
			ri = &romaInstance{taken: make(chan struct{})}
			p.roma.instances[key] = ri
		}
		held, taken := ri.hold, ri.taken
		p.roma.mu.Unlock()

		if held != nil {
			if err := p.waitHold(ctx, held); err != nil {
				return nil, err
			}
			continue
		}
		lease, err := p.acquire(ctx, key, taken)
		if err != nil {
			if ctx.Err() == nil && isClosed(taken) {
				continue // a create of this Provider took the key first: wait for its job
			}
			return nil, err
		}
		h := &romaHold{key: key, lease: lease, ready: make(chan struct{})}
		p.roma.mu.Lock()
		ri.hold = h // a hold left here had lost its lease, or the Locker could not have granted this one
		close(ri.taken)
		ri.taken = make(chan struct{})
		p.roma.mu.Unlock()
		return h, nil
	}
}

// acquire asks the Locker for key, giving up (with ctx's error) when taken is
// closed: a create of this Provider holds the key then, and its job is
// better waited for by polling it than by waiting on the Locker.
func (p *Provider) acquire(ctx context.Context, key string, taken <-chan struct{}) (provider.Lease, error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-taken:
			cancel()
		case <-stop:
		}
	}()
	lease, err := p.roma.locker.Acquire(actx, key, p.roma.ttl)
	switch {
	case err == nil:
		return lease, nil
	case actx.Err() != nil:
		return nil, actx.Err()
	}
	code := provider.CodeOf(err)
	if code == provider.Unknown {
		code = provider.Unavailable
	}
	return nil, &provider.Error{Code: code, Provider: Name, Service: ServiceROMA, Action: actionExportAsset,
		Message: "take the lease on ROMA instance " + key, Err: err}
}

// waitHold waits until the job created under h has ended, polling it.
func (p *Provider) waitHold(ctx context.Context, h *romaHold) error {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.roma.mu.Lock()
	job := h.job
	p.roma.mu.Unlock()
	if job == nil {
		return nil // the create failed; the hold is gone
	}
	return p.waitEnded(ctx, *job)
}

// waitEnded polls a job of an instance until it has ended; its PollJob
// releases the lease. A job that failed or that ROMA no longer knows has
// ended too.
func (p *Provider) waitEnded(ctx context.Context, prev export.Job) error {
	p.debugf(ctx, "waiting for the previous ROMA asset job to end", "job_id", prev.ID, "instance_id", prev.Scope["instance_id"])
	_, err := provider.Wait(ctx, p, prev, &p.serialWait) // Wait reports a done ctx as ctx.Err()
	if errors.Is(err, provider.ErrJobFailed) || errors.Is(err, provider.ErrNotFound) {
		return nil
	}
	return err
}

// romaCreated records the create's outcome under h: the job, or nil when the
// create failed, which drops the hold and releases its lease.
func (p *Provider) romaCreated(ctx context.Context, h *romaHold, job *export.Job) {
	p.roma.mu.Lock()
	h.job = job
	close(h.ready)
	if job == nil {
		p.dropHold(h)
	}
	p.roma.mu.Unlock()
	if job == nil {
		p.release(ctx, h)
	}
}

// romaPolled renews or, once the job has ended, releases the lease job was
// created under, if this Provider holds it. A job this Provider did not
// create (another process's, or one resumed from a token) holds no lease
// here: its polls touch no lease, so they can never free another holder's.
// A failed renewal does not fail the poll; it is logged.
func (p *Provider) romaPolled(ctx context.Context, job export.Job, ended bool) {
	key := romaLeaseKey(p.jobProject(job), job.Scope["instance_id"])
	p.roma.mu.Lock()
	var h *romaHold
	if ri := p.roma.instances[key]; ri != nil && ri.hold != nil && ri.hold.job != nil && ri.hold.job.ID == job.ID {
		h = ri.hold
		if ended {
			ri.hold = nil
		}
	}
	p.roma.mu.Unlock()
	switch {
	case h == nil:
	case ended:
		p.release(ctx, h)
	default:
		// A lost lease keeps the hold: the job still runs, so this Provider's
		// creates on the instance keep waiting for it.
		if err := h.lease.Renew(ctx, p.roma.ttl); err != nil && ctx.Err() == nil {
			p.warnf(ctx, "could not renew the lease on a ROMA instance; another holder may take it", "key", key, "job_id", job.ID, "error", err)
		}
	}
}

// dropHold forgets h as its instance's hold. p.roma.mu must be held.
func (p *Provider) dropHold(h *romaHold) {
	if ri := p.roma.instances[h.key]; ri != nil && ri.hold == h {
		ri.hold = nil
	}
}

// release gives h's lease up, even when ctx has just ended, within
// releaseTimeout; when that fails the lease expires after ROMALeaseTTL.
func (p *Provider) release(ctx context.Context, h *romaHold) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := h.lease.Release(rctx); err != nil {
		p.warnf(ctx, "could not release the lease on a ROMA instance; it expires after ROMALeaseTTL", "error", err)
	}
}

func (p *Provider) warnf(ctx context.Context, msg string, args ...any) {
	if p.loop.Log != nil {
		p.loop.Log.WarnContext(ctx, msg, args...)
	}
}

// isClosed reports whether ch is closed.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
