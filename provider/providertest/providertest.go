// Package providertest is the conformance suite every cloud adapter runs
// through its in-process emulator, in the manner of gocloud.dev's drivertest.
//
// An adapter's tests call Run with a Harness. The suite checks the contract of
// package provider, for every export kind the adapter serves:
//
//   - create, poll, wait and download, with progress in range and result
//     files that read as rows with the requested columns;
//   - a job that fails is reported as ErrJobFailed carrying the vendor's reason;
//   - bad requests are rejected with ErrInvalidArgument and nothing is sent;
//   - a cancelled context ends a slow call promptly with context.Canceled and
//     leaves no goroutine of the module behind;
//   - resume tokens round-trip, hold no secret, and a parsed job can be polled;
//   - Capabilities matches behaviour: what is listed works, what is not is
//     ErrUnsupported;
//   - a DryRun request returns the zero Job and a nil error and sends
//     nothing;
//   - the cross-cloud rules of package provider: a 5xx answer is
//     ErrUnavailable and Wait rides it out, a throttled call is retried by
//     the adapter, missing credentials are ErrPermissionDenied, and a job id
//     the vendor does not know is ErrNotFound where the vendor can tell.
//
// SameKeys checks a kind several adapters serve: the same request, sent
// unchanged to each, yields rows with the same neutral keys. Rows runs one
// request to the end and reads its files, for adapters' own tests.
//
// FuzzPoll is the adapters' shared fuzz harness for their vendor answer
// decoders: arbitrary answers reach PollJob through an HTTP server, and
// PollJob must return a valid Status or a coded *provider.Error, never
// panic.
package providertest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/emulator"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
)

// Emulator is what the suite needs from an adapter's emulator.
type Emulator interface {
	// Requests reports how many API requests the emulator has received so far.
	Requests() int64
	// FailJobs makes jobs created from now on end in failure with reason;
	// "" makes them succeed again.
	FailJobs(reason string)
	// SetLatency delays every answer by d; 0 removes the delay.
	SetLatency(d time.Duration)
}

// Harness wires an adapter to the suite.
type Harness struct {
	// New returns a provider connected to a fresh emulator whose jobs finish
	// quickly (well under a second). Register clean-up with t.Cleanup.
	New func(t *testing.T) (provider.Provider, Emulator)
	// Requests holds one valid request for every export kind the provider serves.
	Requests map[export.Kind]export.Request
	// Invalid holds provider-specific requests that must be rejected with
	// ErrInvalidArgument before anything is sent, by subtest name.
	Invalid map[string]export.Request
	// SilentFailures lists kinds whose vendor reports no reason when a job
	// fails (HSS export tasks only say "failure"); for them the suite checks
	// that the failure is reported, not that the emulator's reason is carried.
	SilentFailures []export.Kind
	// Secrets, if set, returns the credentials the emulator accepts; the
	// suite checks that no token, job or error contains them.
	Secrets func(Emulator) []string
	// NoCredentials returns a provider connected to a fresh emulator but
	// configured with no credentials anywhere (clear the environment with
	// t.Setenv), or the error New gave for that. The suite checks that
	// the error, from New or from the first call, is ErrPermissionDenied
	// and that nothing was sent.
	NoCredentials func(t *testing.T) (provider.Provider, Emulator, error)
	// CannotTellUnknown lists kinds whose vendor cannot tell that it does
	// not know a job (CVM has no API that reports on an export task; its
	// jobs are polled through their images). For every other kind the
	// suite checks that a job id the vendor does not know is ErrNotFound.
	CannotTellUnknown []export.Kind
}

// Faults is implemented by emulators that can inject faults, as every
// emulator built on this module's internal/emulator.Base does. The suite
// uses it to check the cross-cloud HTTP-status rules.
type Faults interface {
	Inject(emulator.Fault)
}

// fast keeps the suite quick: the emulators' jobs take well under a second.
var fast = provider.WaitOptions{MinDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil || len(h.Requests) == 0 {
		t.Fatal("providertest: Harness needs New and at least one valid request")
	}
	t.Run("Capabilities", func(t *testing.T) { testCapabilities(t, h) })
	for _, kind := range export.Kinds() {
		req, ok := h.Requests[kind]
		if !ok {
			continue
		}
		kind := kind
		t.Run("Lifecycle/"+string(kind), func(t *testing.T) { testLifecycle(t, h, req) })
		t.Run("FailedJob/"+string(kind), func(t *testing.T) { testFailedJob(t, h, req) })
		t.Run("Invalid/"+string(kind), func(t *testing.T) { testInvalid(t, h, kind, req) })
		t.Run("Cancel/"+string(kind), func(t *testing.T) { testCancel(t, h, req) })
		t.Run("Token/"+string(kind), func(t *testing.T) { testToken(t, h, req) })
		t.Run("Export/"+string(kind), func(t *testing.T) { testExport(t, h, req) })
		t.Run("DryRun/"+string(kind), func(t *testing.T) { testDryRun(t, h, req) })
		t.Run("StatusRules/"+string(kind), func(t *testing.T) { testStatusRules(t, h, req) })
		if !slices.Contains(h.CannotTellUnknown, kind) {
			t.Run("UnknownJob/"+string(kind), func(t *testing.T) { testUnknownJob(t, h, kind, req) })
		}
	}
	t.Run("InvalidJob", func(t *testing.T) { testInvalidJob(t, h) })
	if h.NoCredentials != nil {
		t.Run("NoCredentials", func(t *testing.T) { testNoCredentials(t, h) })
	}
}

// testUnknownJob: a job of the right shape that the vendor does not know is
// ErrNotFound, not a Status (for the kinds whose vendor can tell; see
// Harness.CannotTellUnknown).
func testUnknownJob(t *testing.T, h Harness, kind export.Kind, req export.Request) {
	p, _ := h.New(t)
	job := create(t, p, req)
	job.ID = otherID(job.ID)
	st, err := p.PollJob(context.Background(), job)
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("PollJob(unknown %s job %q) = %+v, %v; want ErrNotFound", kind, job.ID, st, err)
	}
}

// otherID returns id with its last letter or digit changed to another of
// the same class, so the id keeps its vendor's shape but names another job.
func otherID(id string) string {
	b := []byte(id)
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+5)%10
		case c >= 'a' && c <= 'f':
			b[i] = 'a' + (c-'a'+3)%6
		case c >= 'g' && c <= 'z':
			b[i] = 'g' + (c-'g'+7)%20
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		default:
			continue
		}
		return string(b)
	}
	return id + "0"
}

// testDryRun: DryRun is local and the same on every cloud.
func testDryRun(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	before := em.Requests()
	req.DryRun = true
	job, err := p.CreateExportJob(context.Background(), req)
	if err != nil {
		t.Fatalf("DryRun of a valid request: %v; want nil", err)
	}
	if !reflect.DeepEqual(job, export.Job{}) {
		t.Errorf("DryRun returned %+v; want the zero Job", job)
	}
	if n := em.Requests() - before; n != 0 {
		t.Errorf("DryRun sent %d requests; want none", n)
	}
}

// testStatusRules checks the HTTP-status rules every adapter shares.
func testStatusRules(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	fi, ok := em.(Faults)
	if !ok {
		t.Fatalf("the emulator %T cannot inject faults (no Inject(emulator.Fault) method)", em)
	}
	ctx := context.Background()
	job := create(t, p, req)

	fi.Inject(emulator.Fault{Kind: emulator.ServerError})
	_, err := p.PollJob(ctx, job)
	var pe *provider.Error
	if !errors.Is(err, provider.ErrUnavailable) || !errors.As(err, &pe) || pe.HTTPStatus < 500 || pe.Provider != p.Name() {
		t.Errorf("PollJob on a 5xx answer: %v; want ErrUnavailable carrying the status and provider", err)
	}
	if err != nil {
		checkNoSecrets(t, h, em, job, []string{err.Error()})
	}

	fi.Inject(emulator.Fault{Kind: emulator.ServerError, Times: 2})
	if _, err := provider.Wait(ctx, p, job, &fast); err != nil && !errors.Is(err, provider.ErrJobFailed) {
		t.Errorf("Wait over two 5xx answers: %v; want it to ride them out", err)
	}

	fi.Inject(emulator.Fault{Kind: emulator.Throttle})
	before := em.Requests()
	if _, err := p.PollJob(ctx, job); err != nil {
		t.Errorf("PollJob after one throttled answer: %v; want the adapter to retry it", err)
	}
	if n := em.Requests() - before; n != 2 {
		t.Errorf("PollJob after one throttled answer sent %d requests; want 2", n)
	}
}

// testNoCredentials: missing credentials are PermissionDenied on every
// cloud, before anything is sent.
func testNoCredentials(t *testing.T, h Harness) {
	p, em, err := h.NoCredentials(t)
	if err == nil {
		var req export.Request
		for _, r := range h.Requests {
			req = r
			break
		}
		before := em.Requests()
		_, err = p.CreateExportJob(context.Background(), req)
		if n := em.Requests() - before; n != 0 {
			t.Errorf("%d requests were sent without credentials", n)
		}
	}
	if !errors.Is(err, provider.ErrPermissionDenied) {
		t.Errorf("no credentials: %v; want ErrPermissionDenied", err)
	}
}

func testCapabilities(t *testing.T, h Harness) {
	p, em := h.New(t)
	caps := p.Capabilities()
	if p.Name() == "" {
		t.Error("Name() is empty")
	}
	for _, kind := range export.Kinds() {
		_, listed := caps.Exports[kind]
		_, hasReq := h.Requests[kind]
		if listed != hasReq {
			t.Errorf("kind %s: listed in Capabilities = %v, but the harness has a request for it = %v", kind, listed, hasReq)
		}
		if listed {
			continue
		}
		before := em.Requests()
		_, err := p.CreateExportJob(context.Background(), export.Request{Target: kindOnly(kind)})
		if !errors.Is(err, provider.ErrUnsupported) {
			t.Errorf("kind %s is not in Capabilities, but CreateExportJob says %v; want ErrUnsupported", kind, err)
		}
		if em.Requests() != before {
			t.Errorf("kind %s: an unsupported export reached the network", kind)
		}
	}
	for kind, lim := range caps.Exports {
		if lim.MaxLimit < 0 || lim.MaxIDs < 0 || lim.Concurrency < 0 {
			t.Errorf("kind %s: negative limits %+v", kind, lim)
		}
	}
	listed := map[scan.Kind]bool{}
	for _, k := range caps.Schedules {
		listed[k] = true
	}
	for _, k := range []scan.Kind{scan.RegistryImages, scan.HostVulnerabilities} {
		s, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: k})
		switch {
		case listed[k] && err != nil:
			t.Errorf("schedule %s is in Capabilities but GetScanSchedule failed: %v", k, err)
		case listed[k] && (s.Kind != k || s.Provider != p.Name()):
			t.Errorf("schedule %s: got Kind %q Provider %q", k, s.Kind, s.Provider)
		case !listed[k] && !errors.Is(err, provider.ErrUnsupported):
			t.Errorf("schedule %s is not in Capabilities, but GetScanSchedule says %v; want ErrUnsupported", k, err)
		}
	}
	before := em.Requests()
	if _, err := p.GetScanSchedule(context.Background(), scan.Query{Kind: "no-such-schedule"}); !errors.Is(err, provider.ErrUnsupported) && !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("unknown schedule kind: %v, want ErrUnsupported or ErrInvalidArgument", err)
	}
	if em.Requests() != before {
		t.Error("an unknown schedule kind reached the network")
	}
}

// kindOnly is a target that is nothing but its kind: enough to ask a
// provider about a kind it does not serve, for every kind export lists,
// including ones added after this suite.
type kindOnly export.Kind

func (k kindOnly) Kind() export.Kind { return export.Kind(k) }

func create(t *testing.T, p provider.Provider, req export.Request) export.Job {
	t.Helper()
	job, err := p.CreateExportJob(context.Background(), req)
	if err != nil {
		t.Fatalf("CreateExportJob: %v", err)
	}
	kind := req.Target.Kind()
	if job.Provider != p.Name() || job.Kind != kind || job.ID == "" || job.Service == "" {
		t.Fatalf("CreateExportJob returned %+v; want Provider %q, Kind %q, an ID and a Service", job, p.Name(), kind)
	}
	return job
}

func testLifecycle(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	job := create(t, p, req)
	var polls int
	opts := fast
	opts.OnProgress = func(s export.Status) {
		polls++
		if s.Progress != -1 && !(s.Progress >= 0 && s.Progress <= 1) { // NaN too
			t.Errorf("progress %v is neither -1 nor within 0..1", s.Progress)
		}
		if s.Job.ID != job.ID {
			t.Errorf("status of job %q while polling %q", s.Job.ID, job.ID)
		}
	}
	st, err := provider.Wait(context.Background(), p, job, &opts)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if st.State != export.StateSucceeded || !st.Done() || len(st.Files) == 0 {
		t.Fatalf("final status %+v; want succeeded with files", st)
	}
	if polls == 0 {
		t.Error("OnProgress was never called")
	}
	checkNoSecrets(t, h, em, job, nil)
	d, ok := p.(provider.Downloader)
	if !ok {
		return
	}
	for _, f := range st.Files {
		rc, err := d.Download(context.Background(), job, f)
		if errors.Is(err, provider.ErrUnsupported) {
			if err.Error() == "" || !strings.Contains(err.Error(), f.Path) {
				t.Errorf("Download unsupported, but the error %q does not say where the file is (%q)", err, f.Path)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Download(%+v): %v", f, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("reading %s: %v", f.Name, err)
		}
		if len(data) == 0 {
			t.Fatalf("file %+v is empty", f)
		}
		header, _, err := rows.ReadAll(bytes.NewReader(data), nil)
		if err != nil {
			t.Fatalf("file %+v does not read as rows: %v", f, err)
		}
		if n := len(req.Columns); n > 0 && len(header) != n {
			t.Errorf("file has %d columns %q; the request asked for %d", len(header), header, n)
		}
	}
}

func testFailedJob(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	const reason = "emulated failure 7f3a"
	em.FailJobs(reason)
	job := create(t, p, req)
	em.FailJobs("")
	st, err := provider.Wait(context.Background(), p, job, &fast)
	if !errors.Is(err, provider.ErrJobFailed) {
		t.Fatalf("Wait on a failing job: %v; want ErrJobFailed", err)
	}
	silent := false
	for _, k := range h.SilentFailures {
		silent = silent || k == req.Target.Kind()
	}
	if !silent && (!strings.Contains(err.Error(), reason) || !strings.Contains(st.Message, reason)) {
		t.Errorf("the vendor's reason %q is lost: error %q, status message %q", reason, err, st.Message)
	}
	if st.Message == "" {
		t.Error("a failed job's status has no message")
	}
	if st.State != export.StateFailed || len(st.Files) != 0 {
		t.Errorf("status %+v; want failed without files", st)
	}
	checkNoSecrets(t, h, em, job, []string{err.Error(), st.Message})
}

func testInvalid(t *testing.T, h Harness, kind export.Kind, valid export.Request) {
	p, em := h.New(t)
	lim := p.Capabilities().Exports[kind]
	cases := map[string]export.Request{}
	with := func(name string, edit func(r *export.Request)) {
		r := valid
		r.Filters = append([]export.Filter(nil), valid.Filters...)
		r.Columns = append([]export.Column(nil), valid.Columns...)
		edit(&r)
		cases[name] = r
	}
	with("nil target", func(r *export.Request) { r.Target = nil })
	with("unknown filter", func(r *export.Request) { r.Filters = append(r.Filters, export.Eq("no_such_field", "x")) })
	with("unknown column", func(r *export.Request) { r.Columns = []export.Column{{Key: "no_such_column"}} })
	with("negative offset", func(r *export.Request) { r.Offset = -1 })
	with("negative limit", func(r *export.Request) { r.Limit = -1 })
	if lim.MaxLimit > 0 {
		with("limit above the cap", func(r *export.Request) { r.Limit = lim.MaxLimit + 1 })
	} else {
		with("limit without paging", func(r *export.Request) { r.Limit = 10 })
	}
	if !lim.Offset {
		with("offset unsupported", func(r *export.Request) { r.Offset = 1 })
	}
	if !lim.Sort {
		with("sort unsupported", func(r *export.Request) { r.Sort = &export.Sort{Field: firstOr(lim.Columns, "name")} })
	} else {
		with("sort on unknown field", func(r *export.Request) { r.Sort = &export.Sort{Field: "no_such_field"} })
	}
	if len(lim.Filters) > 0 {
		with("filter without values", func(r *export.Request) { r.Filters = []export.Filter{{Field: lim.Filters[0]}} })
		with("filter given twice", func(r *export.Request) {
			f := lim.Filters[0]
			r.Filters = []export.Filter{{Field: f, Values: []string{"a"}}, {Field: f, Values: []string{"b"}}}
		})
	}
	for name, r := range h.Invalid {
		cases[name] = r
	}
	for name, r := range cases {
		r := r
		t.Run(name, func(t *testing.T) {
			before := em.Requests()
			_, err := p.CreateExportJob(context.Background(), r)
			if !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("CreateExportJob: %v; want ErrInvalidArgument", err)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Provider != p.Name() {
				t.Errorf("the error %q does not name its provider %q", err, p.Name())
			}
			if n := em.Requests() - before; n != 0 {
				t.Errorf("%d requests were sent for an invalid request", n)
			}
			checkNoSecrets(t, h, em, export.Job{}, []string{err.Error()})
		})
	}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

func testInvalidJob(t *testing.T, h Harness) {
	p, em := h.New(t)
	var kind export.Kind
	for k := range h.Requests {
		kind = k
		break
	}
	for name, job := range map[string]export.Job{
		"empty":          {},
		"other provider": {Provider: "no-such-cloud", Service: "x", Kind: kind, ID: "1"},
		"no id":          {Provider: p.Name(), Service: "x", Kind: kind},
	} {
		before := em.Requests()
		if _, err := p.PollJob(context.Background(), job); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("PollJob(%s job): %v; want ErrInvalidArgument", name, err)
		}
		if em.Requests() != before {
			t.Errorf("PollJob(%s job) reached the network", name)
		}
	}
}

// slow is far longer than any test should take: a call that waits it out
// instead of honouring its context fails the deadline check below.
const slow = time.Minute

func testCancel(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	job := create(t, p, req)
	em.SetLatency(slow)
	defer em.SetLatency(0)
	calls := map[string]func(ctx context.Context) error{
		"CreateExportJob": func(ctx context.Context) error { _, err := p.CreateExportJob(ctx, req); return err },
		"PollJob":         func(ctx context.Context) error { _, err := p.PollJob(ctx, job); return err },
		"Wait":            func(ctx context.Context) error { _, err := provider.Wait(ctx, p, job, &fast); return err },
	}
	for name, call := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- call(ctx) }()
		time.AfterFunc(20*time.Millisecond, cancel)
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s after cancel: %v; want context.Canceled", name, err)
			}
		case <-time.After(slow / 2):
			t.Fatalf("%s did not return after its context was cancelled", name)
		}
		cancel()
	}
	em.SetLatency(0)
	if leaked := waitForNoLeaks(5 * time.Second); leaked != "" {
		t.Errorf("goroutines of the module still running after cancellation:\n%s", leaked)
	}
}

// waitForNoLeaks waits until no goroutine other than test runners runs code
// of the module, and returns the stacks of those that still do.
func waitForNoLeaks(limit time.Duration) string {
	deadline := time.Now().Add(limit)
	for {
		leaked := moduleGoroutines()
		if leaked == "" || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func moduleGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "github.com/cloudexport/cloudexport/") {
			continue
		}
		if strings.Contains(g, "testing.tRunner") || strings.Contains(g, "providertest.moduleGoroutines") {
			continue
		}
		out = append(out, g)
	}
	return strings.Join(out, "\n\n")
}

func testToken(t *testing.T, h Harness, req export.Request) {
	p, em := h.New(t)
	job := create(t, p, req)
	tok, err := job.Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	got, err := export.ParseToken(tok)
	if err != nil {
		t.Fatalf("ParseToken: %v", err)
	}
	if got.Provider != job.Provider || got.Service != job.Service || got.Kind != job.Kind || got.ID != job.ID || got.Region != job.Region || len(got.Scope) != len(job.Scope) {
		t.Fatalf("round trip changed the job:\n got %+v\nwant %+v", got, job)
	}
	for k, v := range job.Scope {
		if got.Scope[k] != v {
			t.Errorf("Scope[%q] = %q after the round trip, want %q", k, got.Scope[k], v)
		}
	}
	checkNoSecrets(t, h, em, job, []string{tok})
	st, err := provider.Wait(context.Background(), p, got, &fast)
	if err != nil {
		t.Fatalf("Wait on the job parsed from its token: %v", err)
	}
	if st.Job.ID != job.ID || st.State != export.StateSucceeded {
		t.Errorf("status %+v", st)
	}
}

func checkNoSecrets(t *testing.T, h Harness, em Emulator, job export.Job, extra []string) {
	t.Helper()
	if h.Secrets == nil {
		return
	}
	hay := []string{job.ID, job.Region}
	for k, v := range job.Scope {
		hay = append(hay, k, v)
	}
	hay = append(hay, extra...)
	for _, s := range h.Secrets(em) {
		if s == "" {
			continue
		}
		for _, x := range hay {
			if strings.Contains(x, s) {
				t.Errorf("a secret appears in the job, its token or an error")
			}
		}
	}
}

func testExport(t *testing.T, h Harness, req export.Request) {
	p, _ := h.New(t)
	sts, err := provider.Export(context.Background(), p, req, &provider.ExportOptions{Wait: fast})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if len(sts) == 0 {
		t.Fatal("Export returned no status")
	}
	for i, st := range sts {
		if st.State != export.StateSucceeded {
			t.Errorf("status %d: %+v", i, st)
		}
	}
}

// Rows runs req on p to the end, as a caller would: CreateExportJob, Wait
// (checking that the job was seen running before it succeeded), Download of
// every file, each read with package rows told nothing but what Download
// returned (so the adapter's rows.Describer, if any, names the columns).
// It returns the header of the first file and the rows of all, and fails t
// on any error.
func Rows(t *testing.T, p provider.Provider, req export.Request) (header []string, data [][]string) {
	t.Helper()
	header, data, _ = runRows(t, p, req)
	return header, data
}

// neutralCells is the optional method of an adapter's download that spells
// a cell the neutral way.
type neutralCells interface {
	NeutralCell(key, cell string) string
}

// runRows is Rows, also returning the NeutralCell of the first file's
// body, or one that keeps cells as written.
func runRows(t *testing.T, p provider.Provider, req export.Request) (header []string, data [][]string, cell func(key, cell string) string) {
	t.Helper()
	cell = func(_, c string) string { return c }
	job := create(t, p, req)
	running := false
	opts := fast
	opts.OnProgress = func(s export.Status) { running = running || s.State == export.StateRunning }
	st, err := provider.Wait(context.Background(), p, job, &opts)
	if err != nil {
		t.Fatalf("%s: Wait: %v", p.Name(), err)
	}
	d, ok := p.(provider.Downloader)
	if !running || !ok || len(st.Files) == 0 {
		t.Fatalf("%s: final status %+v, seen running %v, Downloader %v; want a job seen running, then finished with files to download", p.Name(), st, running, ok)
	}
	for i, f := range st.Files {
		rc, err := d.Download(context.Background(), job, f)
		if err != nil {
			t.Fatalf("%s: Download(%+v): %v", p.Name(), f, err)
		}
		if n, ok := rc.(neutralCells); ok && i == 0 {
			cell = n.NeutralCell
		}
		h, rs, err := rows.ReadAll(rc, nil)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: file %s does not read as rows: %v", p.Name(), f.Name, err)
		}
		if i == 0 {
			header = h
		}
		data = append(data, rs...)
	}
	return header, data, cell
}

// SameKeys is the cross-cloud promise of a kind served by several
// adapters: it sends the same request, unchanged, to the provider of every
// harness (each through its own emulator), runs it to the end and reads its
// files (see Rows), and checks that every provider's rows come back with
// the same set of neutral column keys, want (in any order), and that there
// is at least one row. It returns each provider's rows as maps from key to
// cell, spelled the neutral way where the download offers NeutralCell, by
// provider name, for the caller to check further.
func SameKeys(t *testing.T, req export.Request, want []string, hs ...Harness) map[string][]map[string]string {
	t.Helper()
	wantSet := keySet(want)
	out := map[string][]map[string]string{}
	for _, h := range hs {
		p, _ := h.New(t)
		header, data, cell := runRows(t, p, req)
		if got := keySet(header); !reflect.DeepEqual(got, wantSet) {
			t.Errorf("%s: rows keyed %q; want the neutral set %q", p.Name(), header, want)
		}
		if len(data) == 0 {
			t.Errorf("%s: no rows", p.Name())
		}
		for _, r := range data {
			m := make(map[string]string, len(header))
			for i, k := range header {
				if i < len(r) {
					m[k] = cell(k, r[i])
				}
			}
			out[p.Name()] = append(out[p.Name()], m)
		}
	}
	return out
}

// keySet is keys as a set.
func keySet(keys []string) map[string]bool {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out
}
