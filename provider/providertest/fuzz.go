package providertest

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// FuzzPoll fuzzes an adapter's vendor answer decoders through PollJob: an
// HTTP server answers every request with the fuzzed status and body, and
// newProvider(url) must return the adapter with every endpoint at url (and a
// rate limit high enough not to slow the fuzzer). The fuzz arguments are
// (which byte, status int, body []byte): jobs[which%len(jobs)] is polled, so
// each job reads a different vendor answer; a status outside 100..599 is
// read as 200. contentType is sent with every answer. jobs must not be
// empty.
//
// The property: PollJob never panics, and returns either a valid Status
// (CheckPolled) or an error that is a coded *provider.Error.
func FuzzPoll(f *testing.F, contentType string, jobs []export.Job, newProvider func(url string) (provider.Provider, error)) {
	if len(jobs) == 0 {
		f.Fatal("providertest: FuzzPoll needs at least one job to poll")
	}
	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(st)
		w.Write(b)
	}))
	f.Cleanup(srv.Close)
	p, err := newProvider(srv.URL)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which byte, code int, answer []byte) {
		if code < 100 || code > 599 || code == http.StatusSwitchingProtocols {
			code = http.StatusOK
		}
		job := jobs[int(which)%len(jobs)]
		mu.Lock()
		status, body = code, answer
		mu.Unlock()
		st, err := p.PollJob(context.Background(), job)
		CheckPolled(t, job, st, err)
	})
}

// CheckPolled fails t unless PollJob's result for job is either a valid
// Status (a known state, progress in [-1, 1], the job it was given) or an
// error that is a *provider.Error with a code.
func CheckPolled(t testing.TB, job export.Job, st export.Status, err error) {
	t.Helper()
	if err != nil {
		var e *provider.Error
		if !errors.As(err, &e) || e.Code == provider.Unknown {
			t.Fatalf("PollJob error %v (%T) is not a coded *provider.Error", err, err)
		}
		return
	}
	switch st.State {
	case export.StateRunning, export.StateSucceeded, export.StateFailed:
	default:
		t.Fatalf("PollJob state %q", st.State)
	}
	if math.IsNaN(st.Progress) || st.Progress < -1 || st.Progress > 1 {
		t.Fatalf("PollJob progress %v", st.Progress)
	}
	if st.Job.ID != job.ID || st.Job.Kind != job.Kind {
		t.Fatalf("PollJob returned job %+v for %+v", st.Job, job)
	}
}
