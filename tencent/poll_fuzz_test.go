package tencent

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// fuzzJobs are the jobs FuzzPollAnswers polls, by the first byte of the
// input: each reads a different vendor answer (TCSS DescribeExportJobResult,
// CVM DescribeImages).
var fuzzJobs = []export.Job{
	{Provider: Name, Service: serviceTCSS, Kind: export.KindComponents, ID: "job-1", Region: "ap-guangzhou"},
	{Provider: Name, Service: serviceCVM, Kind: export.KindMachineImages, ID: "105591590", Region: "ap-guangzhou",
		Scope: map[string]string{scopeImageIDs: "img-aaaaaaaa,img-bbbbbbbb", scopeCosPaths: "/a.raw,/b.raw", scopeBucket: "b-1"}},
}

// FuzzPollAnswers sends arbitrary answer bodies (and an arbitrary status)
// to PollJob through an HTTP server, for each vendor answer decoder. PollJob
// must never panic, and must return either a valid Status (a known state,
// progress in [-1, 1], the job it was given) or an error that is a
// *provider.Error. The seed corpus, one answer of each kind per decoder
// (testdata/fuzz/FuzzPollAnswers), includes the JSON null on which the
// Tencent SDK itself panics.
func FuzzPollAnswers(f *testing.F) {
	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		w.Write(b)
	}))
	defer srv.Close()
	p, err := New(Options{
		Region: "ap-guangzhou", SecretID: "AKIDfuzz", SecretKey: "fuzz-key",
		Endpoints: map[string]string{"tcss": srv.URL, "cvm": srv.URL, "cwp": srv.URL},
		RateLimit: 1e9,
		Retry:     provider.RetryPolicy{MaxAttempts: 2, Backoff: provider.Backoff{Min: time.Microsecond, Max: time.Microsecond}},
	})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, which byte, code int, answer []byte) {
		if code < 100 || code > 599 || code == 101 {
			code = 200
		}
		job := fuzzJobs[int(which)%len(fuzzJobs)]
		mu.Lock()
		status, body = code, answer
		mu.Unlock()
		st, err := p.PollJob(context.Background(), job)
		checkPolled(t, job, st, err)
	})
}

// checkPolled is the fuzz property: a valid Status, or a *provider.Error.
func checkPolled(t *testing.T, job export.Job, st export.Status, err error) {
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
