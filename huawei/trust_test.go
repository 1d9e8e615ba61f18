package huawei_test

// Issue 11's holes on Huawei, each through the adapter: bad identifiers and
// values never reach the emulator, a redirect never replays a signed
// request, and files stream past the API answer cap.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

func TestBadValuesNeverReachTheWire(t *testing.T) {
	p, srv := emulated(t, time.Hour)
	ctx := context.Background()
	hssJob := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1",
		Scope: map[string]string{"project_id": srv.Options().ProjectID}}
	romaJob := export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job-1",
		Scope: map[string]string{"project_id": srv.Options().ProjectID, "instance_id": srv.Options().ROMAInstanceID}}
	with := func(j export.Job, key, v string) export.Job {
		sc := map[string]string{}
		for k, x := range j.Scope {
			sc[k] = x
		}
		sc[key] = v
		j.Scope = sc
		return j
	}
	create := func(req export.Request) func() error {
		return func() error { _, err := p.CreateExportJob(ctx, req); return err }
	}
	poll := func(j export.Job) func() error {
		return func() error { _, err := p.PollJob(ctx, j); return err }
	}
	download := func(j export.Job, f export.File) func() error {
		return func() error {
			rc, err := p.Download(ctx, j, f)
			if err == nil {
				rc.Close()
			}
			return err
		}
	}
	for _, tc := range []struct {
		name, want string
		call       func() error
	}{
		{"control character in a filter value", "Values[0]: control character U+001B", create(export.Request{Target: export.Containers{},
			Filters: []export.Filter{export.Eq("pod_name", "web\x1b[2J")}})},
		{"control character in a column header", "Columns[0] (status): Header: control character U+0007", create(export.Request{Target: export.Containers{},
			Columns: []export.Column{{Key: "status", Header: "State\a"}}})},
		{"invalid UTF-8 in a column header", "Header: not valid UTF-8", create(export.Request{Target: export.Containers{},
			Columns: []export.Column{{Key: "status", Header: "\xc3("}}})},
		{"bidi override in a column header", "U+202E", create(export.Request{Target: export.Containers{},
			Columns: []export.Column{{Key: "status", Header: "abc\u202e"}}})},
		{"control character in a ROMA app id", "Target.AppIDs[1]: control character U+0000", create(export.Request{Target: export.Assets{
			AppIDs: []string{"app-order-0001", "app\x00"}}})},
		{"space in a ROMA task id", "Target.TaskIDs[0]: a space", create(export.Request{Target: export.Assets{TaskIDs: []string{"task 1"}}})},
		{"path steps in a target instance", "Target.InstanceID", create(export.Request{Target: export.Assets{InstanceID: "..", AppIDs: []string{"a"}}})},
		{"path steps in a target enterprise project", "Target.EnterpriseProject", create(export.Request{Target: export.Containers{EnterpriseProject: "../x"}})},
		{"an inverted create_time range (From 9999, To open)", "outside", create(export.Request{Target: export.Containers{},
			Filters: []export.Filter{export.Between("create_time", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})}})},
		{"a filter with 10,000 values", "takes one value", create(export.Request{Target: export.Containers{},
			Filters: []export.Filter{export.Eq("cluster_name", make([]string, 10000)...)}})},
		{"Job.ID ..", "Job.ID", poll(func() export.Job { j := hssJob; j.ID = ".."; return j }())},
		{"Job.ID with a slash", "Job.ID", poll(func() export.Job { j := romaJob; j.ID = "x/../../y"; return j }())},
		{"Job.ID invalid UTF-8", "Job.ID", poll(func() export.Job { j := hssJob; j.ID = "t\xff"; return j }())},
		{`Scope["instance_id"] traversal`, `Job.Scope["instance_id"]`, poll(with(romaJob, "instance_id", "../other"))},
		{`Scope["instance_id"] missing`, `Job.Scope["instance_id"]: missing`, poll(func() export.Job { j := romaJob; j.Scope = map[string]string{}; return j }())},
		{`Scope["enterprise_project_id"] traversal`, `Job.Scope["enterprise_project_id"]`, poll(with(hssJob, "enterprise_project_id", "a/../b"))},
		{`Scope["enterprise_project_id"] with a space`, `Job.Scope["enterprise_project_id"]: a space`, poll(with(hssJob, "enterprise_project_id", "ep 1"))},
		{`Scope["project_id"] traversal`, `Job.Scope["project_id"]`, poll(with(hssJob, "project_id", ".."))},
		{"File.ID traversal (HSS)", "File.ID", download(hssJob, export.File{ID: "../../v5/other/download/f"})},
		{"File.ID traversal (ROMA)", "File.ID", download(romaJob, export.File{ID: ".."})},
		{"File.ID with a query", "File.ID", download(hssJob, export.File{ID: "f?x=1"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want InvalidArgument mentioning %q", err, tc.want)
			}
		})
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; want none", n)
	}
}

// ROMA application ids in the documented 36-character UUID form are sent
// and accepted.
func TestROMAAppIDsOf36Characters(t *testing.T) {
	p, srv := emulated(t, time.Hour)
	const uuid = "5f0e8d2c-3b1a-4c6d-9e7f-0a1b2c3d4e5f"
	if _, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{AppIDs: []string{uuid}}}); err != nil {
		t.Fatalf("a 36-character app id: %v", err)
	}
	rec, ok := srv.LastRequest("ExportAsset")
	if !ok || !strings.Contains(string(rec.Body), `"id":"`+uuid+`"`) || !strings.Contains(string(rec.Body), `"tasks":[]`) {
		t.Errorf("ExportAsset body %s; want the UUID among apps and tasks as []", rec.Body)
	}
}

// A 307 from the API endpoint to another host is not followed when the
// caller passes its own plain *http.Client: X-Security-Token and the signed
// body never reach the other host, and the caller's client is unchanged.
func TestAPIRedirectIsNotFollowed(t *testing.T) {
	var leaked atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { leaked.Add(1) }))
	defer elsewhere.Close()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	caller := &http.Client{}
	opts := f.options()
	opts.SecurityToken = "security-token-never-replayed"
	opts.HTTPClient = caller
	p := mustNew(t, opts)
	_, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
	var e *provider.Error
	if !errors.As(err, &e) || e.Code != provider.FailedPrecondition || e.HTTPStatus != http.StatusTemporaryRedirect || !strings.Contains(e.Message, "redirect") {
		t.Fatalf("err = %v; want FailedPrecondition naming the redirect", err)
	}
	if leaked.Load() != 0 {
		t.Errorf("the signed request was replayed to the other host %d times", leaked.Load())
	}
	if caller.CheckRedirect != nil || caller.Transport != nil {
		t.Errorf("the caller's client was changed: %+v", caller)
	}
	if strings.Contains(err.Error(), "security-token") || strings.Contains(err.Error(), testSK) {
		t.Errorf("the error quotes a credential: %v", err)
	}
}

// API answers are capped at 16 MiB (decompressed), but a result file a
// vendor API serves streams past that cap: it is capped at 1 GiB instead.
func TestAnswerCapAndFileStreaming(t *testing.T) {
	const size = 20 << 20
	big := strings.Repeat("a", size)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if strings.Contains(r.URL.Path, "/download/") {
			w.Header().Set("Content-Type", "application/octet-stream")
			io.WriteString(w, big)
			return
		}
		answer(w, 200, `{"task_status":"success","file_id":"`+big+`"}`)
	})
	p := f.provider(t)
	job := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Scope: map[string]string{"project_id": testProject}}
	if _, err := p.PollJob(context.Background(), job); !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a 20 MiB poll answer: %v; want Internal over the cap", err)
	}
	rc, err := p.Download(context.Background(), job, export.File{ID: "file-1"})
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil || n != size {
		t.Errorf("downloaded %d bytes, %v; want the whole %d-byte file", n, err, size)
	}
}

// Every API answer is bounded at 16 MiB decompressed whatever its framing:
// a 1 GiB answer, with or without Content-Length, and a gzip bomb are
// refused with Internal naming the call and its status, after reading at
// most the cap, and are not retried. The answer's connection is closed:
// the server's writes fail and its handler returns (TestMain's goleak
// checks that nothing outlives the test).
func TestHugeAnswersAreRefused(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	writeZeros(zw, 64<<20)
	zw.Close()
	bomb := zipped.Bytes() // 64 MiB of zeros in about 64 KiB
	for _, c := range []struct {
		name  string
		serve func(w http.ResponseWriter)
	}{
		{"1 GiB with Content-Length", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(1<<30))
			writeZeros(w, 1<<30)
		}},
		{"1 GiB chunked", func(w http.ResponseWriter) { writeZeros(w, 1<<30) }},
		{"gzip bomb", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(bomb)))
			w.Write(bomb)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var written atomic.Int64
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				w.Header().Set("Content-Type", "application/json")
				c.serve(countingWriter{w, &written})
			})
			p := f.provider(t)
			job := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Scope: map[string]string{"project_id": testProject}}
			_, err := p.PollJob(context.Background(), job)
			var e *provider.Error
			if !errors.As(err, &e) || e.Code != provider.Internal || e.Service != "hss" || e.Action != "ListQueryExportTask" ||
				e.HTTPStatus != http.StatusOK || !strings.Contains(e.Message, "larger than") {
				t.Fatalf("err = %#v; want Internal over the cap, naming the call and status 200", err)
			}
			_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}})
			if !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "larger than") {
				t.Fatalf("create: %v; want Internal over the cap", err)
			}
			if n := f.count(); n != 2 {
				t.Errorf("%d requests; want 2 (one per call, no retry)", n)
			}
			f.srv.Close() // waits for the handlers: their writes failed
			if n := written.Load(); n >= 1<<30 {
				t.Errorf("the server wrote %d bytes; want the client to stop reading at the cap", n)
			}
		})
	}
}

// writeZeros writes n zero bytes to w, stopping at the first error.
func writeZeros(w io.Writer, n int) {
	chunk := make([]byte, 32<<10)
	for n > 0 {
		k, err := w.Write(chunk[:min(n, len(chunk))])
		n -= k
		if err != nil {
			return
		}
	}
}

// countingWriter counts the bytes a handler wrote.
type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	k, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(k))
	return k, err
}

// A file id the vendor answers with goes into a URL path later: one with a
// path step is Internal at poll time.
func TestUnsafeFileIDAnswerIsRefused(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		answer(w, 200, `{"task_status":"success","file_id":"../../v5/other/download/f"}`)
	})
	job := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Scope: map[string]string{"project_id": testProject}}
	_, err := f.provider(t).PollJob(context.Background(), job)
	if !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "Files[0].ID") {
		t.Fatalf("err = %v; want Internal naming the file id", err)
	}
}
