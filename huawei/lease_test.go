package huawei_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
)

// spyLocker is a real provider.LocalLocker that counts what the adapter
// does with its leases, by key.
type spyLocker struct {
	inner *provider.LocalLocker
	mu    sync.Mutex
	n     map[string]int // "acquire <key>", "renew <key>", "release <key>"
}

func newSpyLocker() *spyLocker {
	return &spyLocker{inner: provider.NewLocalLocker(), n: map[string]int{}}
}

func (s *spyLocker) count(event, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[event+" "+key]++
}

func (s *spyLocker) get(event, key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[event+" "+key]
}

func (s *spyLocker) Acquire(ctx context.Context, key string, ttl time.Duration) (provider.Lease, error) {
	l, err := s.inner.Acquire(ctx, key, ttl)
	if err != nil {
		return nil, err
	}
	s.count("acquire", key)
	return spyLease{l, s, key}, nil
}

type spyLease struct {
	provider.Lease
	spy *spyLocker
	key string
}

func (l spyLease) Renew(ctx context.Context, ttl time.Duration) error {
	l.spy.count("renew", l.key)
	return l.Lease.Renew(ctx, ttl)
}

func (l spyLease) Release(ctx context.Context) error {
	l.spy.count("release", l.key)
	return l.Lease.Release(ctx)
}

// held reports whether key stays held through a short wait (30ms), giving
// it back if the probe got it. Only a held key keeps the probe waiting, so
// a slow machine cannot make it answer true for a free key.
func (s *spyLocker) held(t *testing.T, key string) bool {
	t.Helper()
	return !s.probe(t, key, 30*time.Millisecond)
}

// free reports whether key can be acquired, and gives it back if so. It
// waits up to 10 s, not a few milliseconds: a free key can miss a short
// deadline on a loaded machine (a stall of 100 ms was seen there). A held
// key keeps it waiting the whole 10 s, which only a failing test pays.
func (s *spyLocker) free(t *testing.T, key string) bool {
	t.Helper()
	return s.probe(t, key, 10*time.Second)
}

func (s *spyLocker) probe(t *testing.T, key string, wait time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	l, err := s.inner.Acquire(ctx, key, time.Minute)
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if err != nil {
		t.Fatalf("probe Acquire(%q): %v", key, err)
	}
	l.Release(context.Background())
	return true
}

// replicas returns n providers on srv sharing locker, standing for n
// processes sharing one Redis.
func replicas(t *testing.T, srv *huaweitest.Server, locker provider.Locker, ttl time.Duration, n int) []*huawei.Provider {
	t.Helper()
	var out []*huawei.Provider
	for range n {
		o := srv.Options()
		o.Retry = testRetry
		o.Locker = locker
		p, err := huawei.New(o)
		if err != nil {
			t.Fatal(err)
		}
		if ttl > 0 {
			huawei.SetROMALeaseTTL(p, ttl)
		}
		out = append(out, p)
	}
	return out
}

// leased starts an emulator whose jobs run for jobs and n replicas on it
// sharing a spyLocker; ttl 0 keeps huawei.ROMALeaseTTL. It returns the key
// of the emulator's ROMA instance.
func leased(t *testing.T, jobs, ttl time.Duration, n int) (*huaweitest.Server, *spyLocker, []*huawei.Provider, string) {
	t.Helper()
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetJobDuration(jobs)
	spy := newSpyLocker()
	return srv, spy, replicas(t, srv, spy, ttl, n), romaKey(srv)
}

// resume is job after a round trip through its token, as another process
// (or this one, later) would have it.
func resume(t *testing.T, job export.Job) export.Job {
	t.Helper()
	tok, err := job.Token()
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.ParseToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func romaKey(srv *huaweitest.Server) string {
	o := srv.Options()
	return "huawei/roma/" + o.ProjectID + "/" + o.ROMAInstanceID
}

func assetsOf(srv *huaweitest.Server, i int) export.Request {
	return export.Request{Target: export.Assets{AppIDs: []string{srv.Apps()[i].ID}}}
}

// TestROMALeaseFollowsTheJob: the lease is taken before ExportAsset, renewed
// by each poll that sees the job running, released once by the poll that
// sees it end, and not touched by polls after that.
func TestROMALeaseFollowsTheJob(t *testing.T) {
	srv, spy, ps, key := leased(t, 200*time.Millisecond, 0, 1)
	p := ps[0]
	ctx := context.Background()

	job, err := p.CreateExportJob(ctx, assetsOf(srv, 0))
	if err != nil {
		t.Fatal(err)
	}
	if n := spy.get("acquire", key); n != 1 {
		t.Fatalf("%d acquisitions of %q; want 1 (keys seen: %v)", n, key, spy.n)
	}
	if !spy.held(t, key) {
		t.Fatal("the instance's lease is free while its job runs")
	}
	running := 0
	for {
		st, err := p.PollJob(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if st.Done() {
			break
		}
		running++
		time.Sleep(10 * time.Millisecond)
	}
	if got := spy.get("renew", key); got != running {
		t.Errorf("%d renewals; want %d, one per poll that saw the job running", got, running)
	}
	if got := spy.get("release", key); got != 1 {
		t.Errorf("%d releases after the job ended; want 1", got)
	}
	if _, err := p.PollJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if got, renews := spy.get("release", key), spy.get("renew", key); got != 1 || renews != running {
		t.Errorf("a poll after the end: %d releases, %d renewals; want 1 and %d", got, renews, running)
	}
	if !spy.free(t, key) {
		t.Error("the lease is still held after the job ended")
	}

	// The next job holds the instance; polling the earlier job (here
	// resumed from its token) leaves that lease alone.
	if _, err := p.CreateExportJob(ctx, assetsOf(srv, 1)); err != nil {
		t.Fatal(err)
	}
	earlier := resume(t, job)
	if st, err := p.PollJob(ctx, earlier); err != nil || !st.Done() {
		t.Fatalf("poll of the earlier job: %v, %v", st.State, err)
	}
	if got := spy.get("release", key); got != 1 {
		t.Errorf("%d releases; want 1: a poll of an ended job released the next job's lease", got)
	}
	if !spy.held(t, key) {
		t.Error("the next job's lease was freed by a poll of the earlier job")
	}
}

// TestROMALeaseReleasedWhenCreateFails: a create that fails frees the
// instance at once, so the next create goes ahead.
func TestROMALeaseReleasedWhenCreateFails(t *testing.T) {
	srv, spy, ps, key := leased(t, 10*time.Millisecond, 0, 1)
	p := ps[0]
	srv.Inject(huaweitest.Fault{Action: "ExportAsset", Kind: huaweitest.ServerError, Times: 5})
	if _, err := p.CreateExportJob(context.Background(), assetsOf(srv, 0)); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("create against a failing ROMA: %v; want ErrUnavailable", err)
	}
	if a, r := spy.get("acquire", key), spy.get("release", key); a != 1 || r != 1 {
		t.Errorf("%d acquisitions, %d releases; want 1 and 1", a, r)
	}
	if !spy.free(t, key) {
		t.Error("the lease is still held after the create failed")
	}
}

// TestROMAPollWithoutTheLease: another replica polling the job (resumed
// from its token) to its end neither renews nor releases the lease of the
// replica that created it; that replica's own poll does.
func TestROMAPollWithoutTheLease(t *testing.T) {
	srv, spy, ps, key := leased(t, 50*time.Millisecond, 0, 2)
	a, b := ps[0], ps[1]
	ctx := context.Background()

	job, err := a.CreateExportJob(ctx, assetsOf(srv, 0))
	if err != nil {
		t.Fatal(err)
	}
	resumed := resume(t, job)
	if st, err := provider.Wait(ctx, b, resumed, fastWait); err != nil || st.State != export.StateSucceeded {
		t.Fatalf("replica b waiting for a's job: %v, %v", st.State, err)
	}
	if r, n := spy.get("release", key), spy.get("renew", key); r != 0 || n != 0 {
		t.Errorf("replica b's polls: %d releases, %d renewals; want none, the lease is a's", r, n)
	}
	if !spy.held(t, key) {
		t.Error("the lease was freed by a replica that does not hold it")
	}
	if _, err := a.PollJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if r := spy.get("release", key); r != 1 {
		t.Errorf("%d releases after a's poll saw the end; want 1", r)
	}
	if !spy.free(t, key) {
		t.Error("the lease is still held after its holder saw the job end")
	}
}

// TestROMALeaseExpiresWhenPollingStops: a replica that stops polling its job
// loses the lease after its ttl; another replica then takes the instance,
// and the first replica's late poll does not free the second's lease.
func TestROMALeaseExpiresWhenPollingStops(t *testing.T) {
	srv, spy, ps, key := leased(t, 20*time.Millisecond, 150*time.Millisecond, 2)
	a, b := ps[0], ps[1]
	// b's own lease must outlive the checks below however slowly they run;
	// only a's has to expire.
	huawei.SetROMALeaseTTL(b, time.Minute)
	ctx := context.Background()

	first, err := a.CreateExportJob(ctx, assetsOf(srv, 0))
	if err != nil {
		t.Fatal(err)
	}
	// Nobody polls first: b's create waits until a's lease expires.
	second, err := b.CreateExportJob(ctx, assetsOf(srv, 1))
	if err != nil {
		t.Fatalf("b's create after a's lease expired: %v", err)
	}
	if n := spy.get("acquire", key); n != 2 {
		t.Errorf("%d acquisitions; want 2", n)
	}
	// a's late poll sees its job ended and releases its lost lease: b keeps
	// the instance.
	if st, err := a.PollJob(ctx, first); err != nil || !st.Done() {
		t.Fatalf("a's late poll: %v, %v", st.State, err)
	}
	if !spy.held(t, key) {
		t.Error("a's release of its expired lease freed b's")
	}
	if _, err := provider.Wait(ctx, b, second, fastWait); err != nil {
		t.Fatal(err)
	}
	if !spy.free(t, key) {
		t.Error("the lease is still held after b's job ended")
	}
}

// TestROMAWaitForAnotherReplicaHonoursContext: a create waiting for another
// replica's lease ends with its context and sends nothing.
func TestROMAWaitForAnotherReplicaHonoursContext(t *testing.T) {
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetJobDuration(time.Minute)
	ps := replicas(t, srv, provider.NewLocalLocker(), 0, 2)
	if _, err := ps[0].CreateExportJob(context.Background(), assetsOf(srv, 0)); err != nil {
		t.Fatal(err)
	}
	before := srv.Requests()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ps[1].CreateExportJob(ctx, assetsOf(srv, 1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want context.DeadlineExceeded", err)
	}
	if n := srv.Requests() - before; n != 0 {
		t.Errorf("%d requests sent while waiting for the lease; want 0", n)
	}
}

// brokenLocker is a Locker whose store is down.
type brokenLocker struct{}

func (brokenLocker) Acquire(context.Context, string, time.Duration) (provider.Lease, error) {
	return nil, errors.New("connection refused")
}

// TestROMALockerDown: when the Locker fails, the create fails with
// Unavailable naming ROMA, and nothing is sent.
func TestROMALockerDown(t *testing.T) {
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	p := replicas(t, srv, brokenLocker{}, 0, 1)[0]
	_, err := p.CreateExportJob(context.Background(), assetsOf(srv, 0))
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Code != provider.Unavailable || pe.Provider != huawei.Name || pe.Service != huawei.ServiceROMA {
		t.Fatalf("err = %#v; want an Unavailable *provider.Error of huawei roma", err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent; want 0", n)
	}
}
