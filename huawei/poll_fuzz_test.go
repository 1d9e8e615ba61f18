package huawei_test

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
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
)

// fuzzJobs are the jobs FuzzPollAnswers polls, by the first byte of the
// input: each reads a different vendor answer (HSS ListQueryExportTask,
// ROMA CheckAssetJobStatus).
var fuzzJobs = []export.Job{
	{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Scope: map[string]string{"project_id": testProject}},
	{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job-1", Scope: map[string]string{"project_id": testProject, "instance_id": testInst}},
}

// FuzzPollAnswers sends arbitrary answer bodies (and an arbitrary status)
// to PollJob through an HTTP server, for each vendor answer decoder. PollJob
// must never panic, and must return either a valid Status (a known state,
// progress in [-1, 1], the job it was given) or an error that is a coded
// *provider.Error. The seed corpus is testdata/fuzz/FuzzPollAnswers.
func FuzzPollAnswers(f *testing.F) {
	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(st)
		w.Write(b)
	}))
	defer srv.Close()
	p, err := huawei.New(huawei.Options{
		Region: "cn-north-4", ProjectID: testProject, AK: testAK, SK: testSK, ROMAInstanceID: testInst,
		Endpoints: map[string]string{"hss": srv.URL, "roma": srv.URL},
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
	})
}
